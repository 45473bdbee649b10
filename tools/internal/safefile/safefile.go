// Package safefile writes files so that a reader, or the next run after a
// crash, sees either the old content or the new one, never half a file:
// write a temporary file beside the target, sync it, rename it over.
package safefile

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/afero"
)

// Write replaces name in fs with data, atomically where fs supports rename.
func Write(fs afero.Fs, name string, data []byte, perm os.FileMode) error {
	return WriteStream(fs, name, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// WriteStream replaces name in fs with what write writes, atomically where
// fs supports rename, through a small buffer: a large file is never held
// whole in memory.
func WriteStream(fs afero.Fs, name string, perm os.FileMode, write func(w io.Writer) error) error {
	return writeStream(fs, name, perm, write, true)
}

// WriteDerived is WriteStream for derived data (caches, indexes, records
// of a build) whose readers refuse a damaged file and make the data again:
// it does not wait for the disk. While the system runs a reader still
// never sees half a file; after a crash the file may be empty or damaged,
// which costs the work of making it again. An incremental build writes a
// dozen such files, and each sync took 1 to 3 ms.
func WriteDerived(fs afero.Fs, name string, perm os.FileMode, write func(w io.Writer) error) error {
	return writeStream(fs, name, perm, write, false)
}

func writeStream(fs afero.Fs, name string, perm os.FileMode, write func(w io.Writer) error, sync bool) error {
	dir := filepath.Dir(name)
	if err := fs.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := afero.TempFile(fs, dir, "."+filepath.Base(name)+".tmp-*")
	if err != nil {
		return err
	}
	tmpName := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			fs.Remove(tmpName)
		}
	}()
	buf := bufio.NewWriterSize(tmp, 64<<10)
	if err := write(buf); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := buf.Flush(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if sync {
		if err := tmp.Sync(); err != nil {
			return fmt.Errorf("writing %s: %w", name, err)
		}
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := fs.Chmod(tmpName, perm); err != nil {
		return err
	}
	if err := fs.Rename(tmpName, name); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	ok = true
	return nil
}
