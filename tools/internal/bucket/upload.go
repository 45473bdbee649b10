package bucket

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/archivemirror/mirror/tools/internal/store"
)

// Uploaded is what an upload did.
type Uploaded struct {
	Files int   `json:"files"` // uploaded by this run
	Bytes int64 `json:"bytes"` // their bytes
	Held  int   `json:"held"`  // already in the bucket
	// Duration is what finding and uploading them took.
	Duration time.Duration `json:"duration_ns"`
}

// Progress is told, after each file, how many of total are done.
type Progress func(done, total int)

// Upload puts into the bucket the named store files it does not hold,
// cfg.Jobs at a time, reading each with read. A file whose bytes do not
// hash to its name is not uploaded. Each file is known held once the
// bucket confirmed it, so an interrupted upload is completed by the next
// run; the error lists the files not uploaded.
// Offline, it only says what it would upload.
func (b *Bucket) Upload(ctx context.Context, names []string, offline bool, read func(name string) ([]byte, error), progress Progress) (up Uploaded, err error) {
	defer func(start time.Time) { up.Duration = time.Since(start) }(time.Now())
	var todo []string
	for _, n := range names {
		if b.Has(n) {
			up.Held++
		} else {
			todo = append(todo, n)
		}
	}
	if offline && len(todo) > 0 {
		return up, fmt.Errorf("bucket %s: %d images the pages show are not known to be in it: run without --offline to upload them", b.name, len(todo))
	}
	var bytes atomic.Int64
	var mu sync.Mutex
	var failed []error
	each(ctx, b, todo, progress, func(name string) {
		size, err := b.uploadOne(ctx, name, read)
		if err != nil {
			mu.Lock()
			failed = append(failed, err)
			mu.Unlock()
		} else {
			bytes.Add(size)
		}
	})
	up.Files, up.Bytes = len(todo)-len(failed), bytes.Load()
	if err := ctx.Err(); err != nil {
		return up, err
	}
	if len(failed) > 0 {
		sort.Slice(failed, func(i, j int) bool { return failed[i].Error() < failed[j].Error() })
		return up, fmt.Errorf("%d of %d files not uploaded (a rerun uploads them):\n%w", len(failed), len(todo), errors.Join(failed...))
	}
	return up, nil
}

// uploadOne uploads one file, and returns its size.
func (b *Bucket) uploadOne(ctx context.Context, name string, read func(string) ([]byte, error)) (int64, error) {
	data, err := read(name)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", name, err)
	}
	if !store.Holds(name, data) {
		return 0, fmt.Errorf("%s: the stored bytes do not match the name (damaged): not uploaded", name)
	}
	if err := b.put(ctx, name, data); err != nil {
		return 0, err
	}
	return int64(len(data)), nil
}
