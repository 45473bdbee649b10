package bucket

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"path"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// Push uploads every file of the local store the bucket lacks, after
// listing the bucket afresh (the kept listing may be out of date).
func Push(ctx context.Context, b *Bucket, st *store.Store, progress Progress) (Uploaded, error) {
	if _, err := b.List(ctx); err != nil {
		return Uploaded{}, err
	}
	local, err := store.ListFiles(st.Fs(), st.Dir())
	if err != nil {
		return Uploaded{}, fmt.Errorf("image store %s: %w", st.Dir(), err)
	}
	var names []string
	for name := range local {
		if store.ValidName(name) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	read := func(name string) ([]byte, error) { return afero.ReadFile(st.Fs(), st.Path(name)) }
	return b.Upload(ctx, names, false, read, progress)
}

// Pulled is what a pull did.
type Pulled struct {
	Files   int      // stored by this run
	Bytes   int64    // their bytes
	Present int      // already in the store
	Corrupt []string // in the bucket with bytes that do not match their names: not stored
}

// Pull stores in the local store every file of the bucket it lacks (to
// move to another host, or back to a site that keeps its images). A file
// whose bytes do not hash to its name is not stored.
func Pull(ctx context.Context, b *Bucket, st *store.Store, progress Progress) (Pulled, error) {
	listed, err := b.List(ctx)
	if err != nil {
		return Pulled{}, err
	}
	var p Pulled
	var todo []string
	for _, name := range slices.Sorted(maps.Keys(listed)) {
		if st.Intact(name) {
			p.Present++
		} else {
			todo = append(todo, name)
		}
	}
	var mu sync.Mutex
	var errs []error
	var bytes atomic.Int64
	each(ctx, b, todo, progress, func(name string) {
		data, err := b.Read(ctx, name)
		if errors.Is(err, ErrCorrupt) || (err == nil && !store.Holds(name, data)) {
			mu.Lock()
			p.Corrupt = append(p.Corrupt, name)
			mu.Unlock()
			return
		}
		if err == nil {
			_, err = st.Put(data, path.Ext(name))
		}
		mu.Lock()
		defer mu.Unlock()
		if err != nil {
			errs = append(errs, err)
			return
		}
		p.Files++
		bytes.Add(int64(len(data)))
	})
	p.Bytes = bytes.Load()
	slices.Sort(p.Corrupt)
	if err := st.Save(); err != nil {
		errs = append(errs, err)
	}
	return p, errors.Join(append(errs, ctx.Err())...)
}

// Verification is what a verify found.
type Verification struct {
	Checked int      // files read from the bucket
	Missing []string // named by the manifest, not in the bucket
	Corrupt []string // bytes that do not hash to their name
}

// OK says whether nothing is wrong.
func (v Verification) OK() bool { return len(v.Missing) == 0 && len(v.Corrupt) == 0 }

// Verify reads every store file in the bucket and checks its bytes hash
// to its name, and lists the expected files it lacks. What is missing or
// corrupt is dropped from the kept listing, so the next build or push
// uploads it again from the local store.
func Verify(ctx context.Context, b *Bucket, expected []string, progress Progress) (Verification, error) {
	listed, err := b.List(ctx)
	if err != nil {
		return Verification{}, err
	}
	var v Verification
	for _, name := range expected {
		if _, ok := listed[name]; !ok {
			v.Missing = append(v.Missing, name)
		}
	}
	var mu sync.Mutex
	var errs []error
	each(ctx, b, slices.Sorted(maps.Keys(listed)), progress, func(name string) {
		data, err := b.Read(ctx, name)
		mu.Lock()
		defer mu.Unlock()
		switch {
		case errors.Is(err, ErrCorrupt), err == nil && !store.Holds(name, data):
			v.Corrupt = append(v.Corrupt, name)
		case err != nil:
			errs = append(errs, err)
		}
		v.Checked++
	})
	slices.Sort(v.Missing)
	v.Missing = slices.Compact(v.Missing)
	slices.Sort(v.Corrupt)
	errs = append(errs, b.Forget(v.Corrupt...), ctx.Err())
	return v, errors.Join(errs...)
}

// Unused lists the store files in the bucket that no article uses, with
// their bytes; apply deletes them. Objects not named as store files are
// never touched.
func Unused(ctx context.Context, b *Bucket, used []string, apply bool) ([]string, int64, error) {
	listed, err := b.List(ctx)
	if err != nil {
		return nil, 0, err
	}
	inUse := make(map[string]bool, len(used))
	for _, name := range used {
		inUse[name] = true
	}
	var unused []string
	var bytes int64
	for _, name := range slices.Sorted(maps.Keys(listed)) {
		if !inUse[name] {
			unused = append(unused, name)
			bytes += listed[name]
		}
	}
	if !apply {
		return unused, bytes, nil
	}
	if err := b.Forget(unused...); err != nil {
		return unused, bytes, err
	}
	var mu sync.Mutex
	var errs []error
	each(ctx, b, unused, nil, func(name string) {
		if err := b.Delete(ctx, name); err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
	})
	return unused, bytes, errors.Join(append(errs, ctx.Err())...)
}

// each runs work on every name, cfg.Jobs at a time, telling progress.
func each(ctx context.Context, b *Bucket, names []string, progress Progress, work func(name string)) {
	var done atomic.Int64
	pipeline.Each(ctx, len(names), b.cfg.Jobs, func(i int) {
		work(names[i])
		if d := done.Add(1); progress != nil {
			progress(int(d), len(names))
		}
	})
}
