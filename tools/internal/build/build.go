package build

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/hugo"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/publish"
	"github.com/archivemirror/mirror/tools/internal/related"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/reuse"
	"github.com/archivemirror/mirror/tools/internal/search"
	"github.com/archivemirror/mirror/tools/internal/stage"
	"github.com/archivemirror/mirror/tools/internal/store"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

// ErrSetup marks errors in how the build was asked for (a missing
// directory, a bad setting), as opposed to problems found in the content.
var ErrSetup = errors.New("setup")

// ErrStrict is returned when --strict is set and some article had an error.
var ErrStrict = errors.New("strict mode")

// Options say what to build.
type Options struct {
	Root       string // the mirror repository; the image store is under it (default: SiteDir's parent)
	ContentDir string // the archive, read only
	SiteDir    string // the Hugo project
	Dest       string // where the site is published
	BaseURL    string // overrides the site's baseURL when set
	Strict     bool   // any error, or any image not localized, fails the build
	Jobs       int    // workers for the stages; 0 means one per core

	// Offline uses the image store only; RetryFailed fetches images that
	// failed for good before; Remap sends a host's requests elsewhere.
	Offline     bool
	RetryFailed bool
	Remap       map[string]*url.URL
	// ImageProgress, when set, is told how the image stage is going.
	ImageProgress func(images.Stats)
	// StoreWaiting is called when another run holds the image store.
	StoreWaiting func()
	// NoCache ignores and keeps no build cache.
	NoCache bool
	// NoSearch skips the search index.
	NoSearch bool
	// MemoryLimit is the soft memory limit Hugo renders under, in bytes
	// (see memoryBudget): 0 sets the build's own unless GOMEMLIMIT is set,
	// math.MaxInt64 sets none.
	MemoryLimit int64

	// Display turns an absolute path into the name messages use.
	Display func(path string) string
	// Log receives Hugo's own warnings.
	Log io.Writer
}

// mediaDir is where stored images are published in the site.
const mediaDir = publish.MediaDir

// run is one build in progress.
type run struct {
	opts     Options
	cfg      config.Config
	report   *report.Report
	items    []*item
	cache    *reuse.Cache
	settings []byte // what every cache key includes: the settings
	// settingsKey hashes them, for the keys of the files' names (10,000
	// hashes of the site's config file before).
	settingsKey reuse.Key
	checker     *validate.Checker
	stage       *stage.Stage
	store       *store.Store
	rewriter    *images.Rewriter
	graph       *links.Graph
	lists       map[string]related.Lists
	// equivalences are the links file's groups of URLs, read while the
	// articles are (see setup).
	equivalences func() equivalences
	// paths are where the build keeps what it derives; none with --no-cache.
	paths reuse.Paths
	// cleanups run when the build ends.
	cleanups []func()
	// refPrefix marks the hrefs of links into the archive until the stage
	// turns them into relref calls; random, so no article can forge one.
	refPrefix string
	// repaired are the store files the image stage found missing or
	// damaged: the previous site's copies of them are not kept.
	repaired []string
	// stagedFiles names the article file of each staged page (by its
	// path in the stage), for Hugo's errors about one.
	stagedFiles map[string]string
	stagedMu    sync.Mutex
}

// equivalences are the links data file's groups of equivalent URLs, by
// key (see links.KeysOf).
type equivalences struct {
	keys [][]string
	file string
	err  error
}

// Run builds the site and returns the report, which is filled in as far as
// the build got even when it returns an error.
func Run(ctx context.Context, opts Options) (*report.Report, error) {
	r := newRun(opts)
	return r.report, r.phases(ctx, r.setup, r.read, r.check, r.scanLinks, r.neighbors, r.localize, r.rewrite, r.gate, r.render)
}

// Links runs what the link report needs: it reads and validates the
// articles and scans their links.
func Links(ctx context.Context, opts Options) (*report.Report, *links.Graph, error) {
	r := newRun(opts)
	err := r.phases(ctx, r.setup, r.read, r.check, r.scanLinks, r.collect)
	return r.report, r.graph, err
}

// Localize runs only what the image stage needs: it reads and validates the
// articles and fills the image store with their images.
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

func (r *run) setup(ctx context.Context) error {
	for _, dir := range []string{r.opts.ContentDir, r.opts.SiteDir} {
		info, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("%w: %s: no such directory", ErrSetup, dir)
		}
		if !info.IsDir() {
			return fmt.Errorf("%w: %s: not a directory", ErrSetup, dir)
		}
	}
	cfg, err := config.Load(r.opts.SiteDir)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrSetup, err)
	}
	if r.opts.BaseURL != "" {
		cfg.BaseURL = r.opts.BaseURL
	}
	r.cfg = cfg
	token := make([]byte, 8)
	rand.Read(token)
	r.refPrefix = "/mirror-ref-" + hex.EncodeToString(token)
	stageDir := ""
	if r.opts.NoCache {
		if stageDir, err = os.MkdirTemp("", "mirror-stage-"); err != nil {
			return err
		}
		r.cleanups = append(r.cleanups, func() {
			os.RemoveAll(stageDir)
			if r.stage != nil {
				r.stage.RemoveAll()
			}
		})
	} else {
		r.paths = reuse.PathsOf(r.opts.Root)
		stageDir = r.paths.Stage()
		unlock, err := reuse.Lock(ctx, r.paths.Dir, r.opts.StoreWaiting)
		if err != nil {
			return err
		}
		r.cleanups = append(r.cleanups, unlock)
	}
	if r.stage, err = stage.New(afero.NewOsFs(), stageDir, r.refPrefix, cfg.Stage); err != nil {
		return err
	}
	r.checker = validate.New(r.cfg.Validate, r.cfg.Taxonomies)
	r.checker.Limits = cfg.Limits
	r.checker.Reserve(cfg.Reserved(search.Dir))
	if r.opts.Dest != "" {
		wait := publish.EmptyTrash(r.opts.Dest)
		r.cleanups = append(r.cleanups, func() {
			if ctx.Err() == nil { // interrupted, the process ends: no waiting
				wait()
			}
		})
	}
	site, err := os.ReadFile(cfg.File)
	if err != nil && cfg.File != "" {
		return err
	}
	r.settings = append(site, []byte("\x00"+cfg.BaseURL)...)
	r.settingsKey = reuse.KeyOf(r.settings)
	r.cache = reuse.Open(r.paths.Dir) // with --no-cache, empty and never saved

	r.equivalences = sync.OnceValue(func() equivalences {
		file, data, err := links.ReadEquivalences(r.opts.SiteDir)
		if file == "" || err != nil {
			return equivalences{nil, file, err}
		}
		keys, err := reuse.Derive(r.cache, "links", data, func() ([][]string, error) {
			groups, err := links.DecodeEquivalences(file, data)
			return links.KeysOf(groups), err
		})
		return equivalences{keys, file, err}
	})
	go r.equivalences()
	r.report.AddStage(report.Stage{Name: "setup", Duration: time.Since(r.report.Started)})
	return nil
}

// localize fetches every image the articles show into the store, on more
// connections than there are cores, before any article is rewritten.
func (r *run) localize(ctx context.Context) error {
	start, cpu := time.Now(), cpuTime()
	refs := r.imageRefs()
	st, err := store.OpenIndexed(afero.NewOsFs(), filepath.Join(r.opts.Root, r.cfg.Images.Store), r.paths.ManifestIndex())
	if err != nil {
		return err
	}
	st.KeepFixity(r.paths.Fixity())
	if err := st.Lock(ctx, r.opts.StoreWaiting); err != nil {
		return err
	}
	defer st.Unlock()
	if st.Interrupted() {
		// The last run died holding the store: remove its half-written files.
		if err := st.Clean(); err != nil {
			return err
		}
	}
	l := images.NewLocalizer(r.cfg.Images, st, r.opts.Remap)
	l.Offline, l.RetryFailed, l.Progress = r.opts.Offline, r.opts.RetryFailed, r.opts.ImageProgress
	stats, err := l.Localize(ctx, refs)
	r.repaired = l.Repaired
	for _, f := range l.Repaired {
		r.report.Notices = append(r.report.Notices, "image store: "+f+" was missing or damaged: removed, and fetched again from its source (offline: reported, fetched by the next run)")
	}
	r.report.Images = &stats
	for _, ref := range refs {
		if e, ok := st.Manifest().Get(ref.Key); ok && e.Status == store.Failed {
			r.report.ImageFailures = append(r.report.ImageFailures, report.ImageFailure{URL: e.URL, Error: e.Error, Permanent: e.Permanent})
		}
	}
	r.report.AddStage(report.Stage{Name: "localize", Articles: len(r.items), Duration: time.Since(start), CPU: cpuTime() - cpu})
	r.store = st
	r.rewriter = images.NewRewriter(r.cfg.Images, st.Manifest(), r.mediaPrefix())
	return err
}

// mediaPrefix is the URL path stored images are published under.
func (r *run) mediaPrefix() string {
	return config.BasePath(r.cfg.BaseURL) + mediaDir + "/"
}

// collect moves the articles' findings into the report.
func (r *run) collect(context.Context) error {
	n := 0
	for _, it := range r.items {
		n += len(it.a.Findings)
	}
	r.report.Findings = slices.Grow(r.report.Findings, n)
	for _, it := range r.items {
		a := it.a
		r.report.AddFindings(a.Findings)
		if a.HasErrors() {
			r.report.Excluded++
		} else {
			r.report.Staged++
		}
	}
	return nil
}

// gate stops a --strict build on any error or image left remote.
func (r *run) gate(context.Context) error {
	if !r.opts.Strict {
		return nil
	}
	remote := 0
	for _, f := range r.report.Findings {
		if f.Stage == images.Stage && f.Severity >= article.Warning {
			remote++
		}
	}
	if r.report.Excluded > 0 || remote > 0 || r.report.Refused > 0 {
		return fmt.Errorf("%w: %d articles excluded, %d files refused, %d images not localized", ErrStrict, r.report.Excluded, r.report.Refused, remote)
	}
	return nil
}

func (r *run) addStages(stats []pipeline.StepStats) {
	for _, s := range stats {
		r.report.AddStage(report.Stage{Name: s.Name, Articles: s.Articles, Failures: s.Failures, Duration: s.Busy})
	}
}

// render builds the site beside Dest with Hugo, indexes it for search,
// publishes the images the articles use into it, and swaps it in, so a
// failed build leaves the previous site as it was.
func (r *run) render(ctx context.Context) error {
	site, err := publish.Begin(r.opts.Dest, publish.Options{
		Record: r.loadPublished(), RecordDir: r.paths.Published(), Splice: r.splicer(), Extra: []string{search.Dir},
	})
	if err != nil {
		return err
	}
	defer func() {
		if ctx.Err() == nil { // interrupted, it is left to the next build's trash
			site.Discard()
		}
	}()
	used := r.release()
	r.limitMemory()
	// The cache is written while Hugo renders: its records are complete,
	// and once saved, of no more use.
	saved := make(chan error, 1)
	go func() {
		err := r.saveCache()
		r.cache = nil
		saved <- err
	}()
	res, err := r.renderSite(ctx, site)
	r.report.Pages, r.report.FilesWritten = res.Pages, site.Written()
	r.report.AddStage(report.Stage{Name: "hugo", Articles: r.report.Staged, Duration: res.Duration})
	if splicing := site.Splicing(); splicing > 0 {
		// Inside Hugo's time, on its workers: what our part of it took.
		r.report.AddStage(report.Stage{Name: "splice", Articles: r.report.Staged, Duration: splicing})
	}
	if err != nil {
		return err // the cache's saving ends on its own
	}
	if cerr := <-saved; cerr != nil {
		r.report.Notices = append(r.report.Notices, "build cache not saved: "+cerr.Error())
	}
	start := time.Now()
	if err := site.Rendered(); err != nil {
		return err
	}
	r.report.AddStage(report.Stage{Name: "prune", Articles: r.report.Staged, Duration: time.Since(start)})
	if err := r.index(ctx, site.Dir()); err != nil {
		return err
	}
	start = time.Now()
	m, err := site.Publish(publish.Media{Used: used, Source: func(f string) string { return filepath.FromSlash(r.store.Path(f)) }, Repaired: r.repaired, SizesFile: r.paths.MediaSizes()})
	r.report.SiteFiles, r.report.SiteBytes = m.Files, m.Bytes
	r.report.Notices = append(r.report.Notices, m.Notices...)
	r.report.AddStage(report.Stage{Name: "publish", Articles: r.report.Staged, Duration: time.Since(start)})
	return err
}

// renderSite renders the site with Hugo. A page Hugo refuses is left out
// and the site rendered again without it (see dropRefusedPage).
func (r *run) renderSite(ctx context.Context, site *publish.Site) (hugo.Result, error) {
	opts := hugo.Options{
		SiteDir:    r.opts.SiteDir,
		Staged:     r.stage.Fs(),
		ContentDir: r.stage.Dir(),
		Dest:       site.Dir(),
		Publish:    site.Fs(),
		BaseURL:    r.opts.BaseURL,
		Log:        r.opts.Log,
		Linked:     site.Linked,
	}
	res, err := hugo.Build(ctx, opts)
	for dropped := 0; err != nil && ctx.Err() == nil && dropped < maxRefusedPages && r.dropRefusedPage(err); dropped++ {
		site.Restart()
		opts.Publish = site.Fs()
		res, err = hugo.Build(ctx, opts)
	}
	return res, err
}

// maxRefusedPages is how many pages Hugo refuses, one per attempt, that a
// build leaves out before it gives up: validation catches what we know
// Hugo refuses, so these are what nobody foresaw.
const maxRefusedPages = 3

// stagedPage finds the staged article an error of Hugo's names.
var stagedPage = regexp.MustCompile(`[^"\s:]+`)

// dropRefusedPage leaves out the article whose staged page Hugo's error
// names, reporting the error as the article's: one file never fails the
// site. It says whether there was one.
func (r *run) dropRefusedPage(err error) bool {
	prefix := r.stage.Dir() + string(filepath.Separator)
	msg := err.Error()
	i := strings.Index(msg, prefix)
	if i < 0 {
		return false
	}
	rel := filepath.ToSlash(stagedPage.FindString(msg[i+len(prefix):]))
	file, ok := r.stagedFiles[rel]
	if !ok || r.stage.Remove(rel) != nil {
		return false
	}
	delete(r.stagedFiles, rel)
	r.report.AddFindings([]article.Finding{{File: file, Severity: article.Error, Rule: "hugo/page-refused", Stage: "hugo",
		Message: "Hugo refused the page, which is left out: " + msg}})
	r.report.Staged--
	r.report.Excluded++
	return true
}

// loadPublished is how the files of the last two sites were made (see
// publish.Record), none with --no-cache.
func (r *run) loadPublished() *publish.Record {
	if r.opts.NoCache {
		return nil
	}
	return publish.LoadRecord(r.paths.Published())
}

// memoryBudget is the soft memory limit a build of n articles renders
// under unless told otherwise. Left alone, Go lets the heap grow to twice
// what is live before collecting, and a build took three times its live
// memory (live: about 220 MB while Hugo renders 10,000 articles). 96 MiB
// and 32 KiB per article (408 MiB at 10,000) cut the peak by 30 %, from
// 640 to 450 MB, in about the same time, measured; 29 KiB (379 MiB) took
// the peak from 470 to 450 MB for 5 % more time, once the stages kept
// less through Hugo's part (at 388 MiB that had cost a fifth more time).
// Below the live heap the collector would run all the time (Go caps it at
// half the CPU), so the budget is generous for small archives.
func memoryBudget(n int) int64 { return 96<<20 + int64(n)*29<<10 }

// limitMemory sets the soft memory limit for Hugo's part of the build.
func (r *run) limitMemory() {
	limit := r.opts.MemoryLimit
	if limit == 0 {
		if os.Getenv("GOMEMLIMIT") != "" {
			return // the user's, already in force
		}
		limit = memoryBudget(r.report.Staged)
	}
	debug.SetMemoryLimit(limit)
	if limit < math.MaxInt64 {
		r.report.MemoryLimit = limit
	}
}

// splicer is how the pages Hugo writes get the bodies the stage kept apart.
func (r *run) splicer() publish.SpliceFunc {
	if !r.stage.Splices() {
		return nil
	}
	return r.stage.Splice
}

// release lets go of what the stages kept, which Hugo does not need and
// whose memory it can use (a fifth of the build's, at 10,000 articles): the
// articles, the link graph, the image manifest, the pages of the cache's
// mapped files. It returns the store files
// the articles show.
func (r *run) release() (used []string) {
	used = r.rewriter.Used()
	r.items, r.graph, r.lists, r.rewriter, r.checker = nil, nil, nil, nil, nil
	r.store = r.store.WithoutManifest()
	return used
}

// index builds the search index when Pagefind is installed, and says so
// when it is not: the search page then searches titles only.
func (r *run) index(ctx context.Context, site string) error {
	if r.opts.NoSearch {
		return nil
	}
	exe, ok := search.Find(r.opts.Root)
	if !ok {
		r.report.Notices = append(r.report.Notices, "search: Pagefind is not installed (npm ci); the site searches titles only")
		return nil
	}
	d, err := search.Index(ctx, exe, site)
	r.report.AddStage(report.Stage{Name: "search", Articles: r.report.Staged, Duration: d})
	return err
}
