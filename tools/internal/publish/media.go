package publish

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path"
	"path/filepath"
	"runtime"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/bucket"
	"github.com/archivemirror/mirror/tools/internal/codec"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/safefile"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// MediaDir is where the images the articles show are published in the
// site, laid out as the image store is.
const MediaDir = "media"

// Media are the stored images a site shows.
type Media struct {
	// Used are the store files the pages show, by name in the store.
	Used []string
	// Source is where a store file is on the disk.
	Source func(name string) string
	// Repaired are store files found damaged and stored again: a copy in
	// the previous site is not kept.
	Repaired []string
	// SizesFile, when set, keeps the files' sizes between builds: a stored
	// file is named by its bytes, so its size never changes, and the site
	// is measured without a stat per image.
	SizesFile string
	// Bucket, when set, is where the media are published instead of the
	// site (offline: only checked to hold them all), and UploadProgress
	// is told how their upload is going.
	Bucket         *bucket.Bucket
	Offline        bool
	UploadProgress bucket.Progress
}

// Publish puts the media into the site, saves the record of how its
// files were made, measures the site and swaps it in for dest. The
// previous site's media directory is moved over rather than rebuilt (a
// rename, whatever its size), then completed and pruned; if the swap
// fails it goes back.
func (s *Site) Publish(ctx context.Context, media Media) (Measure, error) {
	dir := filepath.Join(s.dir, MediaDir)
	oldDir := filepath.Join(s.dest, MediaDir)
	moved := os.Rename(oldDir, dir) == nil
	present, err := store.ListFiles(afero.NewOsFs(), dir)
	var m Measure
	if err == nil {
		err = s.opts.Record.Save(s.opts.RecordDir)
	}
	if err == nil && media.Bucket != nil {
		m.Uploaded, err = upload(ctx, media)
		media.Used = nil // the pages show them from the bucket
	}
	if err == nil {
		m, err = s.putMedia(dir, media, present, m.Uploaded)
	}
	if err == nil {
		err = swapDir(s.dir, s.dest)
	}
	if err != nil && moved {
		os.Rename(dir, oldDir)
	}
	return m, err
}

// upload puts the media in use the bucket lacks into it, before any
// page showing them is published.
func upload(ctx context.Context, media Media) (*bucket.Uploaded, error) {
	read := func(f string) ([]byte, error) { return os.ReadFile(media.Source(f)) }
	up, err := media.Bucket.Upload(ctx, media.Used, media.Offline, read, media.UploadProgress)
	return &up, err
}

// putMedia makes dir hold the media in use, and measures the site.
func (s *Site) putMedia(dir string, media Media, present map[string]bool, uploaded *bucket.Uploaded) (Measure, error) {
	for _, f := range media.Repaired {
		if present[f] {
			delete(present, f)
			os.Remove(filepath.Join(dir, filepath.FromSlash(f)))
		}
	}
	used := make(map[string]bool, len(media.Used))
	for _, f := range media.Used {
		used[f] = true
	}
	if err := removeUnused(dir, present, used); err != nil {
		return Measure{}, err
	}
	sizes, err := linkMedia(dir, media, used, present)
	if err != nil {
		return Measure{}, err
	}
	m, err := measure(s.dir, s.fs.Files(), s.opts.Extra, sizes)
	m.Uploaded = uploaded
	if err != nil {
		return m, err
	}
	m.Notices, err = s.opts.Host.Check(m)
	return m, err
}

// removeUnused removes the media the site no longer shows (left from the
// previous site), and their fan-out directories once empty. present and
// used name files by slash-separated path under dir.
func removeUnused(dir string, present, used map[string]bool) error {
	dirs := map[string]bool{}
	for f := range present {
		if shard := path.Dir(f); shard != "." {
			dirs[shard] = dirs[shard] || used[f]
		}
		if !used[f] {
			if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(f))); err != nil {
				return err
			}
			delete(present, f)
		}
	}
	for shard, inUse := range dirs {
		if !inUse {
			if err := os.RemoveAll(filepath.Join(dir, filepath.FromSlash(shard))); err != nil {
				return err
			}
		}
	}
	return nil
}

// linkMedia puts the store files in use that the site lacks into it: hard
// links when the store and the site share a file system (instant, no
// space), copies otherwise. It returns the sizes of the files in use.
func linkMedia(dir string, media Media, used, present map[string]bool) (map[string]int64, error) {
	sizes := readMediaSizes(media.SizesFile)
	// Most builds publish the media the last one did: known, in place.
	var todo []string
	for f := range used {
		if _, ok := sizes[f]; !ok || !present[f] {
			todo = append(todo, f)
		}
	}
	if len(todo) == 0 && len(sizes) == len(used) {
		return sizes, nil // and the record holds just these
	}
	todoSizes := make([]int64, len(todo))
	errs := make([]error, len(todo))
	// Workers wait on the disk: twice as many as cores.
	pipeline.Each(context.Background(), len(todo), 2*runtime.GOMAXPROCS(0), func(i int) {
		f := todo[i]
		todoSizes[i], errs[i] = linkMediaFile(media.Source(f), filepath.Join(dir, filepath.FromSlash(f)), present[f])
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	known := make(map[string]int64, len(used))
	for f := range used {
		if size, ok := sizes[f]; ok && present[f] {
			known[f] = size
		}
	}
	for i, f := range todo {
		known[f] = todoSizes[i]
	}
	writeMediaSizes(media.SizesFile, known) // else only measured again
	return known, nil
}

// linkMediaFile puts the file src at dst, unless it is there (present),
// and returns its size.
func linkMediaFile(src, dst string, present bool) (int64, error) {
	if present {
		if info, err := os.Lstat(dst); err == nil {
			return info.Size(), nil // moved over from the previous site
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return 0, err
	}
	if os.Link(src, dst) == nil {
		info, err := os.Lstat(dst)
		if err != nil {
			return 0, err
		}
		return info.Size(), nil
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return 0, fmt.Errorf("publishing %s: %w", src, err)
	}
	return int64(len(data)), os.WriteFile(dst, data, 0o644)
}

// The media sizes are kept in the binary form of package codec.
const mediaSizesFormat = "media-sizes-1"

// readMediaSizes reads the sizes of the media files; none if there is no
// file, or it is missing or damaged.
func readMediaSizes(file string) map[string]int64 {
	if file == "" {
		return map[string]int64{}
	}
	data, err := codec.ReadFile(file)
	if err != nil {
		return map[string]int64{}
	}
	d := codec.NewDecoder(data)
	sizes, err := codec.ReadMap(d, mediaSizesFormat, func() (string, int64) { return d.Text(), d.Int() })
	if err != nil {
		return map[string]int64{}
	}
	return sizes
}

func writeMediaSizes(file string, sizes map[string]int64) error {
	if file == "" {
		return nil
	}
	return safefile.WriteDerived(afero.NewOsFs(), file, 0o644, func(w io.Writer) error {
		return codec.Write(w, mediaSizesFormat, len(sizes), maps.All(sizes), func(e *codec.Encoder, name string, size int64) {
			e.Text(name)
			e.Int(size)
		})
	})
}
