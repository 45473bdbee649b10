package publish

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// What Hugo writes, opens or stats is touched, and so is every directory
// above it: writing into a directory that exists leaves it in the site.
func TestRecordingFsTouches(t *testing.T) {
	dir := t.TempDir()
	paths := NewPaths()
	fs := recordingFs{Fs: afero.NewOsFs(), paths: paths}
	page := filepath.Join(dir, "a", "b", "index.html")
	if err := fs.MkdirAll(filepath.Dir(page), 0o755); err != nil {
		t.Fatal(err)
	}
	f, err := fs.Create(page)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	fs.Stat(filepath.Join(dir, "static", "logo.png")) // a static file already up to date
	for _, p := range []string{page, filepath.Join(dir, "a", "b"), filepath.Join(dir, "a"), dir, filepath.Join(dir, "static", "logo.png"), filepath.Join(dir, "static")} {
		if !paths.Has(p) {
			t.Errorf("%s not touched", p)
		}
	}
	for _, p := range []string{filepath.Join(dir, "a", "c"), filepath.Join(dir, "old", "index.html"), filepath.Join(dir, "a", "b", "index.xml")} {
		if paths.Has(p) {
			t.Errorf("%s touched", p)
		}
	}
	if _, err := os.Stat(page); err != nil {
		t.Error(err)
	}
}
