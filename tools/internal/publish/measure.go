package publish

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"

	"github.com/archivemirror/mirror/tools/internal/bucket"
)

// Measure is how large a site is, what of it comes near what its host
// accepts, and what went to the media bucket.
type Measure struct {
	Files   int
	Bytes   int64
	Notices []string
	// MediaFiles and MediaBytes are the images' part of the site.
	MediaFiles int
	MediaBytes int64
	// Largest is the site's largest file; Busiest the directory holding
	// the most files.
	Largest struct {
		Path string
		Size int64
	}
	Busiest struct {
		Path  string
		Files int
	}
	// Uploaded is what went to the media bucket, when there is one.
	Uploaded *bucket.Uploaded
}

// measure counts the site's files and bytes: the pages Hugo published (by
// size; -1: on the disk), the media (by name under the media directory,
// with their sizes), and the extra directories, the only part of the site
// not known by now.
func measure(site string, pages map[string]int64, extra []string, media map[string]int64) (Measure, error) {
	var m Measure
	perDir := map[string]int{}
	add := func(rel string, size int64) {
		m.Files++
		m.Bytes += size
		perDir[path.Dir(rel)]++
		if size > m.Largest.Size {
			m.Largest.Path, m.Largest.Size = rel, size
		}
	}
	for p, size := range pages {
		if size < 0 {
			info, err := os.Lstat(p)
			if err != nil {
				return m, err
			}
			size = info.Size()
		}
		rel, _ := filepath.Rel(site, p)
		add(filepath.ToSlash(rel), size)
	}
	for name, size := range media {
		add(MediaDir+"/"+name, size)
		m.MediaFiles++
		m.MediaBytes += size
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
			rel, _ := filepath.Rel(site, p)
			add(filepath.ToSlash(rel), info.Size())
			return nil
		})
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return m, err
		}
	}
	for dir, n := range perDir {
		if n > m.Busiest.Files {
			m.Busiest.Path, m.Busiest.Files = dir, n
		}
	}
	return m, nil
}
