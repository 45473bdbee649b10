package safefile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/afero"
)

// A write that fails leaves the old file as it was and no temporary file
// behind; one that succeeds replaces it whole.
func TestWriteStream(t *testing.T) {
	t.Run("synced", func(t *testing.T) { testWriteStream(t, WriteStream) })
	t.Run("derived", func(t *testing.T) { testWriteStream(t, WriteDerived) })
}

func testWriteStream(t *testing.T, writeStream func(afero.Fs, string, os.FileMode, func(io.Writer) error) error) {
	dir := t.TempDir()
	name := filepath.Join(dir, "sub", "f")
	fs := afero.NewOsFs()
	if err := Write(fs, name, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	broken := errors.New("disk full")
	err := writeStream(fs, name, 0o644, func(w io.Writer) error {
		io.WriteString(w, strings.Repeat("x", 100<<10)) // past the buffer: some of it reached the file
		return broken
	})
	if !errors.Is(err, broken) || !strings.Contains(err.Error(), name) {
		t.Errorf("error %v, want the write's, naming the file", err)
	}
	if data, _ := os.ReadFile(name); string(data) != "old" {
		t.Errorf("after a failed write the file holds %.20q", data)
	}
	big := strings.Repeat("y", 200<<10)
	if err := writeStream(fs, name, 0o600, func(w io.Writer) error { _, err := io.WriteString(w, big); return err }); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(name); string(data) != big {
		t.Errorf("the file holds %d bytes, want %d", len(data), len(big))
	}
	if info, _ := os.Stat(name); info.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", info.Mode())
	}
	if entries, _ := os.ReadDir(filepath.Dir(name)); len(entries) != 1 {
		t.Errorf("left beside it: %v", entries)
	}
}
