// Package safefile writes files so that a reader, or the next run after a
// crash, sees either the old content or the new one, never half a file:
// write a temporary file beside the target, sync it, rename it over.
package safefile

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/afero"
)

// Write replaces name in fs with data, atomically where fs supports rename.
func Write(fs afero.Fs, name string, data []byte, perm os.FileMode) error {
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
	if _, err := tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", name, err)
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
