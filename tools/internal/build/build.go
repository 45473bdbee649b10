// Package build is the product's main path: Run lists the phases in the
// order they run (read, check, links, related, localize, transform,
// render, index, publish), each a short call into the package that does
// the work; the content directory is never written, and the published
// site is replaced only by a complete one.
//
// It wires the phase packages together and owns no phase's logic.
package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/bucket"
	"github.com/archivemirror/mirror/tools/internal/check"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/hugo"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/publish"
	"github.com/archivemirror/mirror/tools/internal/related"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/reuse"
	"github.com/archivemirror/mirror/tools/internal/search"
	"github.com/archivemirror/mirror/tools/internal/stage"
	"github.com/archivemirror/mirror/tools/internal/store"
	"github.com/archivemirror/mirror/tools/internal/transform"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

var (
	// ErrSetup marks errors in how the build was asked for (a missing
	// directory, a bad setting), not problems found in the content.
	ErrSetup = errors.New("setup")
	// ErrStrict is returned when --strict is set and some article had an
	// error.
	ErrStrict = errors.New("strict mode")
)

// Options say what to build.
type Options struct {
	Root       string // the mirror repository; the image store is under it (default: SiteDir's parent)
	ContentDir string // the archive, read only
	SiteDir    string // the Hugo project
	Dest       string // where the site is published
	BaseURL    string // overrides the site's baseURL when set
	Strict     bool   // any error, or any image not localized, fails the build
	Jobs       int    // workers for the stages; 0 means one per core

	// Offline uses the image store only; RetryFailed fetches images failed for
	// good; Remap sends a host's requests elsewhere, faithful if RemapFaithful.
	Offline                    bool
	RetryFailed, RemapFaithful bool
	Remap                      map[string]*url.URL
	// ImageProgress and UploadProgress, when set, are told how the image
	// stage and the upload to the media bucket are going.
	ImageProgress  func(images.Stats)
	UploadProgress bucket.Progress
	// StoreWaiting is called when another run holds the image store.
	StoreWaiting func()
	// NoCache ignores and keeps no build cache; NoSearch makes no search
	// index.
	NoCache, NoSearch bool
	// MemoryLimit is the soft memory limit Hugo renders under, in bytes:
	// 0 sets hugo.MemoryBudget unless GOMEMLIMIT is set, math.MaxInt64
	// sets none.
	MemoryLimit int64

	// Display turns an absolute path into the name messages use.
	Display func(path string) string
	// Log receives Hugo's own warnings.
	Log io.Writer
}

// run is one build in progress: what each phase leaves for the next.
type run struct {
	opts        Options
	cfg         config.Config
	report      *report.Report
	paths       reuse.Paths // none with --no-cache
	cache       *reuse.Cache
	checker     *validate.Checker
	stage       *stage.Stage
	items       []*reuse.Item
	graph       *links.Graph
	lists       map[string]related.Lists
	store       *store.Store
	bucket      *bucket.Bucket // the media bucket; nil: media in the site
	rewriter    *images.Rewriter
	used        []string // the store files the articles show
	repaired    []string // store files found damaged (see images.Localizer)
	transformed transform.Result
	// record is how the last sites' files were made, read in the background
	// from the start (Hugo waited 0.3 to 0.6 s for it at 10,000 articles).
	record    *publish.Record
	site      *publish.Site
	refPrefix string // see links.NewRefPrefix
	cleanups  []func()
}

// Run builds the site and returns the report, which is filled in as far as
// the build got even when it returns an error.
func Run(ctx context.Context, opts Options) (*report.Report, error) {
	r := newRun(opts)
	return r.report, r.phases(ctx, r.setup, r.read, r.check, r.links, r.related, r.localize, r.transform, r.gate, r.render, r.index, r.publish)
}

// Links runs what the link report needs.
func Links(ctx context.Context, opts Options) (*report.Report, *links.Graph, error) {
	r := newRun(opts)
	err := r.phases(ctx, r.setup, r.read, r.check, r.links, r.collect)
	return r.report, r.graph, err
}

// Localize runs what the image stage needs: it fills the image store.
func Localize(ctx context.Context, opts Options) (*report.Report, error) {
	r := newRun(opts)
	return r.report, r.phases(ctx, r.setup, r.read, r.check, r.localize, r.collect)
}

func newRun(opts Options) *run {
	if opts.Root == "" {
		opts.Root = filepath.Dir(opts.SiteDir)
	}
	if abs, err := filepath.Abs(opts.Root); err == nil {
		opts.Root = abs // Hugo's errors name staged files by absolute path
	}
	if opts.Display == nil {
		opts.Display = func(p string) string { return p }
	}
	return &run{opts: opts, report: &report.Report{Started: time.Now(), Findings: []article.Finding{}}}
}

// phases runs the build's phases in order, stopping at the first error.
func (r *run) phases(ctx context.Context, phases ...func(context.Context) error) error {
	defer r.report.Finish()
	defer func() {
		for _, f := range r.cleanups {
			f()
		}
	}()
	for _, phase := range phases {
		if err := phase(ctx); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// setup reads the settings, takes the cache and opens the stage.
func (r *run) setup(ctx context.Context) (err error) {
	var stageDir string
	var release func()
	for _, dir := range []string{r.opts.ContentDir, r.opts.SiteDir} {
		if info, err := os.Stat(dir); err != nil || !info.IsDir() {
			return fmt.Errorf("%w: %s: no such directory", ErrSetup, dir)
		}
	}
	if r.cfg, err = config.LoadFor(r.opts.SiteDir, r.opts.BaseURL); err != nil {
		return fmt.Errorf("%w: %v", ErrSetup, err)
	}
	r.refPrefix = links.NewRefPrefix()
	r.cache, r.paths, stageDir, release, err = reuse.Take(ctx, r.opts.Root, r.opts.NoCache, r.opts.StoreWaiting)
	if err != nil {
		return err
	}
	r.cleanups = append(r.cleanups, release)
	r.record = publish.LoadRecord(r.paths.Published())
	if r.stage, err = stage.New(afero.NewOsFs(), stageDir, r.refPrefix, r.cfg.Stage); err != nil {
		return err
	}
	r.checker = r.cfg.Checker(search.Dir)
	if r.bucket, err = bucket.ForBuild(ctx, r.cfg.Media, r.paths.BucketListing(r.cfg.Media.Bucket), r.opts.Offline); err != nil {
		return fmt.Errorf("%w: %s: [params.mirror.media]: %v", ErrSetup, r.cfg.File, err)
	}
	r.cleanups = append(r.cleanups, r.bucket.Close)
	if r.opts.Dest != "" {
		r.cleanups = append(r.cleanups, publish.EmptyTrash(ctx, r.opts.Dest))
	}
	r.report.AddStage(report.Stage{Name: "setup", Duration: time.Since(r.report.Started)})
	return nil
}

// read lists the content directory, reporting what is not an article
// (see package content), stages the site's own pages, and reads the
// articles through the cache.
func (r *run) read(ctx context.Context) error {
	start := time.Now()
	dir, err := content.List(r.opts.ContentDir)
	if err != nil {
		return err
	}
	r.report.AddFindings(dir.Findings(r.opts.Display))
	r.report.Refused = len(dir.Refused)
	if err := r.stage.CopyDir(filepath.Join(r.opts.SiteDir, "content")); err != nil {
		return err
	}
	r.items, err = r.cache.Read(ctx, dir, reuse.Reading{
		Settings: r.cfg.Settings, MaxFileBytes: r.cfg.Limits.MaxFileBytes, Jobs: r.opts.Jobs, Display: r.opts.Display,
	})
	r.report.Articles = len(r.items)
	r.report.AddStage(report.Stage{Name: "read", Articles: len(r.items), Duration: time.Since(start)})
	return err
}

// check validates and scans the articles read fresh (see package check).
func (r *run) check(ctx context.Context) error {
	r.report.AddSteps(check.Run(ctx, r.items, r.checker, r.cfg.Limits, r.cache, r.opts.Jobs))
	return nil
}

// links indexes the archive's articles by every URL they are known by and
// records where every link leads, so each article knows who cites it.
func (r *run) links(ctx context.Context) error {
	start := time.Now()
	members := make([]links.Member, len(r.items))
	for i, it := range r.items {
		members[i] = links.Member{A: it.A, Readable: it.Scan.Readable, Keys: it.Scan.URLKeys, Links: it.Scan.Links}
	}
	var err error
	if r.graph, err = links.Build(r.opts.SiteDir, members); err != nil {
		return errors.Join(ErrSetup, err) // the error names the file
	}
	counts := r.graph.Counts()
	r.report.Links = &counts
	r.report.AddStage(report.Stage{Name: "scan", Articles: len(r.items), Duration: time.Since(start)})
	return nil
}

// related computes every article's related, newer and older articles once
// for the archive (see package related).
func (r *run) related(context.Context) error {
	start := time.Now()
	arts := make([]related.Article, 0, len(r.items))
	for _, it := range r.items {
		if it.A.HasErrors() {
			continue
		}
		arts = append(arts, related.Of(links.RefOf(it.A.Path), it.Scan.Account, it.Scan.Date, it.Scan.Categories))
	}
	r.lists = related.Compute(arts, 5)
	r.report.AddStage(report.Stage{Name: "related", Articles: len(arts), Duration: time.Since(start)})
	return nil
}

// localize fetches every image the articles show into the store, before
// any article is rewritten.
func (r *run) localize(ctx context.Context) error {
	start, cpu := time.Now(), report.CPUTime()
	dir := filepath.Join(r.opts.Root, r.cfg.Images.Store)
	st, err := store.OpenLocked(ctx, afero.NewOsFs(), dir, r.paths.ManifestIndex(), r.paths.Fixity(), r.opts.StoreWaiting)
	if err != nil {
		return err
	}
	defer st.Unlock()
	l := images.NewLocalizer(r.cfg.Images, st, r.opts.Remap)
	l.Offline, l.RetryFailed, l.Progress, l.Faithful = r.opts.Offline, r.opts.RetryFailed, r.opts.ImageProgress, r.opts.RemapFaithful
	l.Held = r.bucket.Has
	refs := reuse.ImageRefs(r.items)
	stats, err := l.Localize(ctx, refs)
	r.report.Images, r.repaired = &stats, l.Repaired
	r.report.AddImages(st.Manifest(), refs, l.Repaired)
	r.report.AddStage(report.Stage{Name: "localize", Articles: len(r.items), Duration: time.Since(start), CPU: report.CPUTime() - cpu})
	r.store = st
	r.rewriter = images.NewRewriter(r.cfg.Images, st.Manifest(), r.cfg.MediaPrefix(publish.MediaDir))
	return err
}

// transform stages every article: the copy an earlier build staged when
// nothing it depends on changed, else by the document steps (see package
// transform).
func (r *run) transform(ctx context.Context) error {
	x := &transform.Archive{
		Graph: r.graph, Lists: r.lists, Manifest: r.store.Manifest(), Rewriter: r.rewriter, Checker: r.checker,
		Clean: r.cfg.Clean, RefPrefix: r.refPrefix, MediaPrefix: r.cfg.MediaPrefix(publish.MediaDir), LoadRemote: r.cfg.Images.Remote == "load",
	}
	var err error
	r.transformed, err = x.Run(ctx, r.items, r.stage, r.cache, r.opts.Jobs)
	r.report.AddSteps(r.transformed.Stats)
	r.collect(ctx)
	return err
}

// collect moves the articles' findings into the report.
func (r *run) collect(context.Context) error {
	for _, it := range r.items {
		r.report.AddArticle(it.A)
	}
	return nil
}

// gate stops a --strict build on any error, refused file or image left
// remote.
func (r *run) gate(context.Context) error {
	if failure := r.report.Strict(); r.opts.Strict && failure != "" {
		return fmt.Errorf("%w: %s", ErrStrict, failure)
	}
	return nil
}

// render renders the site with Hugo beside Dest (see publish.Site). A
// page Hugo refuses is left out, with Hugo's error as its article's
// finding, and the site rendered again without it: one file never fails
// the whole site.
func (r *run) render(ctx context.Context) (err error) {
	start := time.Now()
	r.site, err = publish.Begin(r.opts.Dest, publish.Options{Record: r.record, RecordDir: r.paths.Published(), Splice: r.stage.Splicer(),
		Extra: []string{search.Dir}, Carry: []string{search.Dir}, Host: r.cfg.Host, BaseURL: r.cfg.BaseURL})
	if err != nil {
		return err
	}
	r.cleanups = append(r.cleanups, func() { r.site.Discard(ctx) })
	r.release()
	r.report.AddStage(report.Stage{Name: "begin", Articles: r.report.Staged, Duration: time.Since(start)})
	opts := hugo.Options{SiteDir: r.opts.SiteDir, Staged: r.stage.Fs(), ContentDir: r.stage.Dir(), Dest: r.site.Dir(),
		Publish: r.site.Fs(), BaseURL: r.opts.BaseURL, Log: r.opts.Log, Linked: r.site.Linked}
	res, err := hugo.Build(ctx, opts)
	// Up to three pages nobody foresaw Hugo would refuse, one per attempt.
	for dropped := 0; err != nil && ctx.Err() == nil && dropped < 3; dropped++ {
		f, ok := r.transformed.Refused(r.stage, err)
		if !ok {
			break
		}
		r.report.Exclude(f)
		if err := r.site.Restart(); err != nil {
			return err
		}
		opts.Publish = r.site.Fs()
		res, err = hugo.Build(ctx, opts)
	}
	r.report.Pages, r.report.FilesWritten = res.Pages, r.site.Written()
	r.report.AddStage(report.Stage{Name: "hugo", Articles: r.report.Staged, Duration: res.Duration})
	// Inside Hugo's time, on its workers: what our part of it took.
	r.report.AddStage(report.Stage{Name: "splice", Articles: r.report.Staged, Duration: r.site.Splicing()})
	if err != nil {
		return err
	}
	start = time.Now()
	err = r.site.Rendered()
	r.report.AddStage(report.Stage{Name: "prune", Articles: r.report.Staged, Duration: time.Since(start)})
	return err
}

// release saves the build cache and lets go of what the stages kept,
// which Hugo does not need and whose memory it can use (a fifth of the
// build's, at 10,000 articles: kept through Hugo's part, under its memory
// limit, the cache's records made it 4 s slower), and sets the soft
// memory limit Hugo renders under.
func (r *run) release() {
	if err := r.cache.Save(); err != nil {
		r.report.Notices = append(r.report.Notices, "build cache not saved: "+err.Error())
	}
	r.used = r.rewriter.Used()
	r.items, r.graph, r.lists, r.checker, r.rewriter, r.cache = nil, nil, nil, nil, nil, nil
	r.store = r.store.WithoutManifest()
	r.report.MemoryLimit = hugo.SetMemoryLimit(r.opts.MemoryLimit, r.report.Staged)
}

// index updates the site's search index from the staged articles, in
// proportion to what changed (see package search), unless --no-search.
func (r *run) index(ctx context.Context) error {
	if r.opts.NoSearch {
		return nil
	}
	dir, err := r.site.Carry(search.Dir)
	if err != nil {
		return err
	}
	s, err := search.Update(ctx, search.StageSource(r.stage, r.transformed.Staged, r.site.Permalink, r.opts.SiteDir), dir, r.paths.SearchState(), r.opts.Jobs)
	r.report.AddStage(report.Stage{Name: "search", Articles: s.Added + s.Changed + s.Removed, Duration: s.Duration})
	return err
}

// publish puts the images the articles show into the site, measures it
// and swaps it in for Dest.
func (r *run) publish(ctx context.Context) error {
	start := time.Now()
	m, err := r.site.Publish(ctx, publish.Media{
		Used: r.used, Source: func(f string) string { return filepath.FromSlash(r.store.Path(f)) },
		Repaired: r.repaired, SizesFile: r.paths.MediaSizes(), Bucket: r.bucket, Offline: r.opts.Offline, UploadProgress: r.opts.UploadProgress,
	})
	r.report.SiteFiles, r.report.SiteBytes, r.report.Uploaded = m.Files, m.Bytes, m.Uploaded
	r.report.Notices = append(r.report.Notices, m.Notices...)
	r.report.AddStage(report.Stage{Name: "publish", Articles: r.report.Staged, Duration: time.Since(start)})
	return err
}
