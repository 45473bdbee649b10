package publish

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/archivemirror/mirror/tools/internal/bucket"
)

// Hosting limits a mirror's site must fit in.
const (
	githubPagesBytes     = 1 << 30 // GitHub Pages: 1 GB published site
	cloudflarePagesFiles = 20000   // Cloudflare Pages: 20,000 files
)

// Measure is how large a site is, and what of it comes near what common
// static hosts accept.
type Measure struct {
	Files   int
	Bytes   int64
	Notices []string
	// Uploaded is what went to the media bucket, when there is one.
	Uploaded *bucket.Uploaded
}

// measure counts the site's files and bytes: the pages Hugo published (by
// size; -1: on the disk), the media, and the extra directories, the only
// part of the site not known by now.
func measure(site string, pages map[string]int64, extra []string, mediaFiles int, mediaBytes int64) (Measure, error) {
	m := Measure{Files: len(pages) + mediaFiles, Bytes: mediaBytes}
	for p, size := range pages {
		if size < 0 {
			info, err := os.Lstat(p)
			if err != nil {
				return m, err
			}
			size = info.Size()
		}
		m.Bytes += size
	}
	for _, dir := range extra {
		err := filepath.WalkDir(filepath.Join(site, dir), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			m.Files++
			m.Bytes += info.Size()
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return m, err
		}
	}
	if m.Bytes > githubPagesBytes*8/10 {
		m.Notices = append(m.Notices, fmt.Sprintf("the site is %.0f MB, near GitHub Pages' limit of 1 GB", float64(m.Bytes)/1e6))
	}
	if m.Files > cloudflarePagesFiles*8/10 {
		m.Notices = append(m.Notices, fmt.Sprintf("the site has %d files, near Cloudflare Pages' limit of 20,000", m.Files))
	}
	return m, nil
}
