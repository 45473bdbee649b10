package publish

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/pipeline"
)

// Site is a site being built beside the published one (dest), which it
// replaces whole once complete: a failed or interrupted build leaves the
// published site as it was. It is built over the site before the
// previous one (kept as .public.previous): deleting a site of 10,000
// pages and creating every directory again cost a quarter of a warm
// build, and most files of two consecutive sites are the same.
type Site struct {
	dest, dir string
	// held is what the recycled site held, files and directories, but the
	// media (see Publish): what Hugo does not touch this time goes.
	held    []string
	touched *Paths // nil for a new site
	opts    Options
	fs      *Fs
	// resolve resolves links into the site (see Linked); carried are the
	// directories taken from the published site (see Carry).
	resolve func(ref string) string
	carried []string
}

// Options say how a site is published.
type Options struct {
	// Record, when set, is how the files of the last two sites were made
	// (see Record), saved in RecordDir with this site's.
	Record    *Record
	RecordDir string
	// Splice fills in the pages Hugo writes (see Fs).
	Splice SpliceFunc
	// Extra are directories of the site others write (the search
	// index), measured by walking them.
	Extra []string
	// Carry are directories of the site that a build updates in place
	// (see Site.Carry); Hugo does not write them and they are not pruned.
	Carry []string
	// Host is where the site is published: a site over its limits is not.
	Host Host
	// BaseURL is the site's, which a split sitemap's index names its
	// parts by (see splitSitemap).
	BaseURL string
}

// Begin takes the directory a site for dest is built in.
func Begin(dest string, opts Options) (*Site, error) {
	s := &Site{dest: dest, opts: opts}
	var recycled bool
	var err error
	if s.dir, recycled, err = newSiteDir(dest); err != nil {
		return nil, err
	}
	if recycled {
		s.touched = NewPaths()
		if s.held, err = listSite(s.dir, s.kept()...); err != nil {
			os.RemoveAll(s.dir)
			return nil, err
		}
	}
	s.fs = NewFs(afero.NewOsFs(), s.dir, opts.Splice, opts.Record)
	return s, nil
}

// Dir is where the site is built.
func (s *Site) Dir() string { return s.dir }

// Fs is the file system Hugo writes the site through.
func (s *Site) Fs() afero.Fs {
	if s.touched == nil {
		return s.fs
	}
	return Recording(s.fs, s.touched)
}

// Linked gives the site the resolver of links into it (see Fs.Linked).
func (s *Site) Linked(resolve func(ref string) string) {
	s.resolve = resolve
	s.fs.Linked(resolve)
}

// Permalink is the URL of the page at ref ("/" and its logical path), as
// Hugo's relref has it, once the site is rendered.
func (s *Site) Permalink(ref string) string {
	if s.resolve == nil {
		return ref + "/"
	}
	return s.resolve(ref)
}

// Carry moves the directory name (one of Options.Carry) of the published
// site into this one, for it to be updated in place rather than made
// again (the search index), and returns where it is now; the copy the
// recycled site held goes to the trash. If this site is not published,
// Discard moves it back.
func (s *Site) Carry(name string) (string, error) {
	to := filepath.Join(s.dir, name)
	if _, err := os.Lstat(to); err == nil {
		trash := filepath.Join(filepath.Dir(s.dest), "."+filepath.Base(s.dest)+".trash-"+strconv.FormatInt(time.Now().UnixNano(), 36))
		if err := os.Rename(to, trash); err != nil {
			return "", err
		}
	}
	if err := os.Rename(filepath.Join(s.dest, name), to); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", err
	}
	s.carried = append(s.carried, name)
	return to, nil
}

// Restart makes the site be written again from scratch, after Hugo failed
// part-way: what the failed attempt wrote and recorded is not trusted, and
// what it wrote that the next attempt does not is pruned.
func (s *Site) Restart() error {
	s.opts.Record = nil
	os.RemoveAll(s.opts.RecordDir)
	held, err := listSite(s.dir, s.kept()...)
	if err != nil {
		return err
	}
	s.held, s.touched = held, NewPaths()
	s.fs = NewFs(afero.NewOsFs(), s.dir, s.opts.Splice, nil)
	return nil
}

// Rendered is called once Hugo is done: it says what went wrong writing
// the files (Hugo ignores the errors of Close), and removes from a
// recycled site what Hugo did not write or look at this time: the pages
// of removed articles, terms no longer used, the old search index.
func (s *Site) Rendered() error {
	if err := s.fs.Failure(); err != nil {
		return fmt.Errorf("publishing: %w", err)
	}
	if s.touched != nil {
		if err := prune(s.dir, s.held, s.touched); err != nil {
			return fmt.Errorf("removing old pages from %s: %w", s.dir, err)
		}
	}
	written, err := splitSitemap(s.dir, s.opts.BaseURL, MaxSitemapURLs)
	s.fs.Note(written...)
	return err
}

// Written is how many files differed from those already there.
func (s *Site) Written() int { return s.fs.Written() }

// Splicing is the time publishing the files took (see Fs.Splicing).
func (s *Site) Splicing() time.Duration { return s.fs.Splicing() }

// Discard removes the site being built, if it was not published. When ctx
// is done (interrupted), it is left for the next build's trash instead
// (see EmptyTrash): removing thousands of files would keep the user
// waiting.
func (s *Site) Discard(ctx context.Context) {
	for _, name := range s.carried {
		os.Rename(filepath.Join(s.dir, name), filepath.Join(s.dest, name))
	}
	if ctx.Err() == nil {
		os.RemoveAll(s.dir)
	}
}

// PreviousSite is where the site a build replaces is kept, beside dest
// (".public.previous"): the next build renders over it.
func PreviousSite(dest string) string {
	return filepath.Join(filepath.Dir(dest), "."+filepath.Base(dest)+".previous")
}

// newSiteDir returns the directory a build renders into: the previous
// site, taken (a rename, so two builds never share it), or a new one.
func newSiteDir(dest string) (dir string, recycled bool, err error) {
	parent := filepath.Dir(dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", false, err
	}
	dir, err = os.MkdirTemp(parent, "."+filepath.Base(dest)+".building-")
	if err != nil {
		return "", false, err
	}
	if os.Remove(dir) == nil && os.Rename(PreviousSite(dest), dir) == nil {
		// Sites built before the static copy kept its hands off the
		// site's mode have mode 0.
		return dir, true, os.Chmod(dir, 0o755)
	}
	err = os.Mkdir(dir, 0o755)
	return dir, false, err
}

// kept are the directories of the site Hugo does not write, which are not
// pruned: the media, and the directories carried (Options.Carry).
func (s *Site) kept() []string {
	dirs := []string{filepath.Join(s.dir, MediaDir)}
	for _, name := range s.opts.Carry {
		dirs = append(dirs, filepath.Join(s.dir, name))
	}
	return dirs
}

// listSite lists what a site holds, files and directories, but for what
// is under skip.
func listSite(site string, skip ...string) ([]string, error) {
	var mu sync.Mutex
	var paths []string
	err := walkSite(site, func(p string, d fs.DirEntry, err error) error {
		switch {
		case err != nil:
			return err
		case slices.Contains(skip, p):
			return filepath.SkipDir
		}
		mu.Lock()
		paths = append(paths, p)
		mu.Unlock()
		return nil
	})
	return paths, err
}

// walkSite walks site as filepath.WalkDir does (site itself excluded),
// the subtrees two levels down (each page's directory, each media shard)
// in parallel, on more workers than cores: it waits on the disk far more
// than it computes. fn must be safe for concurrent use.
func walkSite(site string, fn fs.WalkDirFunc) error {
	top, err := os.ReadDir(site)
	if err != nil {
		return err
	}
	var roots []string
	for _, e := range top {
		p := filepath.Join(site, e.Name())
		if !e.IsDir() {
			roots = append(roots, p)
			continue
		}
		if err := fn(p, e, nil); err == filepath.SkipDir {
			continue
		} else if err != nil {
			return err
		}
		below, err := os.ReadDir(p)
		if err != nil {
			return err
		}
		for _, e := range below {
			roots = append(roots, filepath.Join(p, e.Name()))
		}
	}
	errs := make([]error, len(roots))
	pipeline.Each(context.Background(), len(roots), 2*runtime.GOMAXPROCS(0), func(i int) {
		errs[i] = filepath.WalkDir(roots[i], fn)
	})
	return errors.Join(errs...)
}

// prune removes from a site rendered over an older one what Hugo did not
// write or look at this time. paths are what the site held (see listSite).
func prune(site string, paths []string, touched *Paths) error {
	slices.Sort(paths)           // a directory before what it holds
	emptied := map[string]bool{} // directories something was removed from
	removed := ""                // the last directory removed whole
	for _, p := range paths {
		if removed != "" && strings.HasPrefix(p, removed+string(filepath.Separator)) {
			continue
		}
		if touched.Has(p) {
			continue
		}
		emptied[filepath.Dir(p)] = true
		if err := os.RemoveAll(p); err != nil {
			return err
		}
		removed = p
	}
	// Directories Hugo wrote into before whose pages all went, deepest first.
	dirs := slices.Sorted(maps.Keys(emptied))
	for i := len(dirs) - 1; i >= 0; i-- {
		// os.Remove fails, as it should, on a directory that is not empty.
		for dir := dirs[i]; dir != site && os.Remove(dir) == nil; dir = filepath.Dir(dir) {
		}
	}
	return nil
}

// swapDir replaces dest with fresh, moving the old one aside first so that
// dest is never half written. The old site is kept for the next build to
// render over (see previousSite).
func swapDir(fresh, dest string) error {
	previous := PreviousSite(dest)
	os.RemoveAll(previous) // only left by a build that ran at the same time
	if err := os.Rename(dest, previous); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(fresh, dest); err != nil {
		os.Rename(previous, dest)
		return err
	}
	return nil
}

// EmptyTrash deletes, in the background, what earlier builds left beside
// dest (half-built sites of builds that were killed or interrupted, and
// the old sites earlier versions set aside), and returns a func that waits
// until it is done, unless ctx is (interrupted, the process ends).
func EmptyTrash(ctx context.Context, dest string) (wait func()) {
	base := "." + filepath.Base(dest)
	matches, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), base+".trash-*"))
	building, _ := filepath.Glob(filepath.Join(filepath.Dir(dest), base+".building-*"))
	matches = append(matches, building...)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for _, m := range matches {
			os.RemoveAll(m)
		}
	}()
	return func() {
		if ctx.Err() == nil {
			<-done
		}
	}
}
