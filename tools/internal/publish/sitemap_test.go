package publish

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hugoSitemap is a sitemap as Hugo writes it, of n URLs.
func hugoSitemap(n int) string {
	var b strings.Builder
	b.WriteString(xml.Header + `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
  xmlns:xhtml="http://www.w3.org/1999/xhtml">
  `)
	for i := range n {
		fmt.Fprintf(&b, "<url>\n    <loc>https://example.org/archive/a%d/?x=1&amp;y=2</loc>\n    <lastmod>2025-08-15T06:44:21+00:00</lastmod>\n  </url>", i)
	}
	b.WriteString("\n</urlset>\n")
	return b.String()
}

type urlset struct {
	URLs []struct {
		Loc string `xml:"loc"`
	} `xml:"url"`
}

type sitemapindex struct {
	Sitemaps []struct {
		Loc string `xml:"loc"`
	} `xml:"sitemap"`
}

// A site of 60,000 URLs gets a sitemap index naming two sitemaps, which
// hold every URL once, in order, as Hugo wrote it.
func TestSplitSitemap(t *testing.T) {
	site := t.TempDir()
	os.WriteFile(filepath.Join(site, "sitemap.xml"), []byte(hugoSitemap(60000)), 0o644)
	written, err := splitSitemap(site, "https://example.org/archive/", MaxSitemapURLs)
	if err != nil || len(written) != 3 {
		t.Fatalf("%v, %v", written, err)
	}
	var index sitemapindex
	readXML(t, filepath.Join(site, "sitemap.xml"), &index)
	if len(index.Sitemaps) != 2 || index.Sitemaps[0].Loc != "https://example.org/archive/sitemap-1.xml" || index.Sitemaps[1].Loc != "https://example.org/archive/sitemap-2.xml" {
		t.Fatalf("index: %+v", index)
	}
	next := 0
	for i, want := range []int{50000, 10000} {
		var part urlset
		readXML(t, filepath.Join(site, fmt.Sprintf("sitemap-%d.xml", i+1)), &part)
		if len(part.URLs) != want {
			t.Errorf("sitemap-%d.xml: %d URLs, want %d", i+1, len(part.URLs), want)
		}
		for _, u := range part.URLs {
			if u.Loc != fmt.Sprintf("https://example.org/archive/a%d/?x=1&y=2", next) {
				t.Fatalf("URL %d: %s", next, u.Loc)
			}
			next++
		}
	}

	// Up to the limit, the sitemap stays as it is.
	small := t.TempDir()
	os.WriteFile(filepath.Join(small, "sitemap.xml"), []byte(hugoSitemap(50000)), 0o644)
	if written, err := splitSitemap(small, "/", MaxSitemapURLs); err != nil || written != nil {
		t.Errorf("50,000 URLs: %v, %v", written, err)
	}
}

func readXML(t *testing.T, file string, v any) {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := xml.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}
