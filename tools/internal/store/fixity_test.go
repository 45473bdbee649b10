package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// Intact reads a file only when it is not known as it is: damaged bytes
// are found once the file changed, and removed; the record outlives the
// run.
func TestIntact(t *testing.T) {
	dir := t.TempDir()
	fs := afero.NewOsFs()
	record := filepath.Join(t.TempDir(), "fixity.bin")
	st, _ := Open(fs, filepath.Join(dir, "s"))
	st.KeepFixity(record)
	good, _ := st.Put([]byte("good bytes"), "jpg")
	bad, _ := st.Put([]byte("bytes to damage"), "jpg")
	gone, _ := st.Put([]byte("bytes to lose"), "jpg")
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	path := func(name string) string { return filepath.Join(dir, "s", filepath.FromSlash(name)) }
	os.WriteFile(path(bad), []byte("bytes to DAMAGE"), 0o644) // same size
	os.Remove(path(gone))

	st, _ = Open(fs, filepath.Join(dir, "s"))
	st.KeepFixity(record)
	if !st.Intact(good) {
		t.Error("an intact file is not")
	}
	if st.Intact(bad) {
		t.Error("a damaged file is intact")
	}
	if _, err := os.Stat(path(bad)); err == nil {
		t.Error("the damaged file is kept")
	}
	if st.Intact(gone) || st.Intact("ab/abcdef.jpg") {
		t.Error("a missing file is intact")
	}
	// A file known as it is is not read again: damage that keeps its size
	// and time goes unseen until either changes.
	info, _ := os.Stat(path(good))
	os.WriteFile(path(good), []byte("GOOD bytes"), 0o644)
	os.Chtimes(path(good), info.ModTime(), info.ModTime())
	if !st.Intact(good) {
		t.Error("a known file was read again")
	}
	os.Chtimes(path(good), info.ModTime(), info.ModTime().Add(time.Second))
	if st.Intact(good) {
		t.Error("a changed file was not read again")
	}
}
