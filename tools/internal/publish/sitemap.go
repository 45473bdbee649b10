package publish

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// MaxSitemapURLs is how many URLs one sitemap may list (sitemaps.org);
// Hugo writes one sitemap.xml whatever the count.
const MaxSitemapURLs = 50000

// splitSitemap splits the site's sitemap.xml when it lists more than
// perFile URLs: the URLs go to sitemap-1.xml, sitemap-2.xml… and
// sitemap.xml becomes their index, naming them under baseURL (where
// robots.txt and search engines already look). It returns the files it
// wrote, none when the sitemap fits.
func splitSitemap(site, baseURL string, perFile int) ([]string, error) {
	name := filepath.Join(site, "sitemap.xml")
	data, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if bytes.Count(data, []byte("<url>")) <= perFile {
		return nil, nil // the common case, without parsing
	}
	open, urls, err := sitemapURLs(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(urls) <= perFile {
		return nil, nil
	}
	var written []string
	index := []byte(xml.Header + `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">` + "\n")
	base := strings.TrimSuffix(baseURL, "/") + "/"
	for part := 1; len(urls) > 0; part++ {
		n := min(perFile, len(urls))
		file := fmt.Sprintf("sitemap-%d.xml", part)
		var b bytes.Buffer
		b.WriteString(xml.Header)
		b.Write(open)
		for _, u := range urls[:n] {
			b.WriteString("\n  ")
			b.Write(u)
		}
		b.WriteString("\n</urlset>\n")
		if err := writeNew(filepath.Join(site, file), b.Bytes()); err != nil {
			return written, err
		}
		written = append(written, filepath.Join(site, file))
		index = fmt.Appendf(index, "  <sitemap><loc>%s</loc></sitemap>\n", xmlText(base+file))
		urls = urls[n:]
	}
	index = append(index, "</sitemapindex>\n"...)
	if err := writeNew(name, index); err != nil {
		return written, err
	}
	return append(written, name), nil
}

// sitemapURLs returns the urlset's start tag and each of its url
// elements, as the bytes they are in data (namespaces, alternates and
// lastmod kept as Hugo wrote them).
func sitemapURLs(data []byte) (open []byte, urls [][]byte, err error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth, start := 0, int64(0)
	for {
		before := d.InputOffset()
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			switch {
			case depth == 1 && t.Name.Local != "urlset":
				return nil, nil, fmt.Errorf("not a urlset but %s", t.Name.Local)
			case depth == 1:
				open = data[before:d.InputOffset()]
			case depth == 2 && t.Name.Local == "url":
				start = before
			}
		case xml.EndElement:
			if depth == 2 && t.Name.Local == "url" {
				urls = append(urls, data[start:d.InputOffset()])
			}
			depth--
		}
	}
	return open, urls, nil
}

// writeNew replaces a file of the site by a new one, never writing into
// the old (a recycled site's file may be a link to a published one).
func writeNew(name string, data []byte) error {
	return safefile.WriteDerived(afero.NewOsFs(), name, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func xmlText(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
