package reuse

import (
	"context"
	"os"
	"path/filepath"

	"github.com/archivemirror/mirror/tools/internal/filelock"
)

// Lock makes builds of one mirror take turns on its cache (a build and
// mirror serve, say), waiting for the other and calling waiting once. The
// kernel releases the lock of a run that dies.
func Lock(ctx context.Context, dir string, waiting func()) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, ".lock"), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, err
	}
	if err := filelock.Lock(ctx, f, waiting); err != nil {
		f.Close()
		return nil, err
	}
	return func() { filelock.Unlock(f); f.Close() }, nil
}
