package build

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/clean"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/hugo"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/report"
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

	// Display turns an absolute path into the name messages use.
	Display func(path string) string
	// Log receives Hugo's own warnings.
	Log io.Writer
}

// stagedContentDir is where the staged copy appears to Hugo. It exists only
// in memory; the path must not exist on disk, or Hugo would see both.
const stagedContentDir = "/mirror-staged/content"

// mediaDir is where stored images are published in the site.
const mediaDir = "media"

// run is one build in progress.
type run struct {
	opts     Options
	cfg      config.Config
	report   *report.Report
	articles []*article.Article
	stage    *stage.Stage
	store    *store.Store
	rewriter *images.Rewriter
	graph    *links.Graph
	// refPrefix marks the hrefs of links into the archive until the stage
	// turns them into relref calls; random, so no article can forge one.
	refPrefix string
}

// Run builds the site and returns the report, which is filled in as far as
// the build got even when it returns an error.
func Run(ctx context.Context, opts Options) (*report.Report, error) {
	r := newRun(opts)
	return r.report, r.phases(ctx, r.setup, r.read, r.check, r.scanLinks, r.localize, r.rewrite, r.gate, r.render)
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
	if opts.Display == nil {
		opts.Display = func(p string) string { return p }
	}
	return &run{opts: opts, report: &report.Report{Started: time.Now(), Findings: []article.Finding{}}}
}

// phases runs the build's phases in order, stopping at the first error.
func (r *run) phases(ctx context.Context, phases ...func(context.Context) error) error {
	defer r.report.Finish()
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

func (r *run) setup(context.Context) error {
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
	r.stage = stage.New(afero.NewMemMapFs(), stagedContentDir, r.refPrefix)
	return nil
}

// read parses the articles and stages the other content files unchanged.
func (r *run) read(ctx context.Context) error {
	start := time.Now()
	dir, err := content.List(r.opts.ContentDir)
	if err != nil {
		return err
	}
	for _, rel := range dir.Others {
		data, err := os.ReadFile(filepath.Join(r.opts.ContentDir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		if err := r.stage.Copy(rel, data); err != nil {
			return err
		}
	}
	if r.articles, err = dir.Read(ctx, r.opts.Jobs, r.opts.Display); err != nil {
		return err
	}
	r.report.Articles = len(r.articles)
	r.report.AddStage(report.Stage{Name: "read", Articles: len(r.articles), Duration: time.Since(start)})
	return nil
}

// check validates every article (errors exclude it from what follows) and
// turns the fetcher's debris into metadata.
func (r *run) check(ctx context.Context) error {
	checker := validate.New(r.cfg.Validate, r.cfg.Taxonomies)
	checker.CheckArchive(r.articles)
	stats := pipeline.Pipeline{
		{Name: validate.Stage, Run: checker.Check},
		{Name: "debris", Run: clean.Debris},
	}.Run(ctx, r.articles, r.opts.Jobs, nil)
	r.addStages(stats)
	return nil
}

// scanLinks indexes the archive's articles by every URL they are known by
// and scans all links, before any article is rewritten, so each article can
// know who cites it.
func (r *run) scanLinks(ctx context.Context) error {
	equivalences, file, err := links.LoadEquivalences(r.opts.SiteDir)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrSetup, file, err)
	}
	r.graph = links.NewGraph(links.NewIndex(r.articles, equivalences))
	stats := pipeline.Pipeline{{Name: "scan", Run: r.graph.Scan}}.Run(ctx, r.articles, r.opts.Jobs, nil)
	r.addStages(stats)
	counts := r.graph.Counts()
	r.report.Links = &counts
	return nil
}

// localize fetches every image the articles show into the store, on more
// connections than there are cores, before any article is rewritten.
func (r *run) localize(ctx context.Context) error {
	start, cpu := time.Now(), cpuTime()
	refs := r.scanImages(ctx)
	st, err := store.Open(afero.NewOsFs(), filepath.Join(r.opts.Root, r.cfg.Images.Store))
	if err != nil {
		return err
	}
	if err := st.Lock(ctx, r.opts.StoreWaiting); err != nil {
		return err
	}
	defer st.Unlock()
	if err := st.Clean(); err != nil {
		return err
	}
	l := images.NewLocalizer(r.cfg.Images, st, r.opts.Remap)
	l.Offline, l.RetryFailed, l.Progress = r.opts.Offline, r.opts.RetryFailed, r.opts.ImageProgress
	stats, err := l.Localize(ctx, refs)
	r.report.Images = &stats
	for _, ref := range refs {
		if e, ok := st.Manifest().Get(ref.Key); ok && e.Status == store.Failed {
			r.report.ImageFailures = append(r.report.ImageFailures, report.ImageFailure{URL: e.URL, Error: e.Error, Permanent: e.Permanent})
		}
	}
	r.report.AddStage(report.Stage{Name: "localize", Articles: len(r.articles), Duration: time.Since(start), CPU: cpuTime() - cpu})
	r.store = st
	r.rewriter = images.NewRewriter(r.cfg.Images, st.Manifest(), r.mediaPrefix())
	return err
}

// mediaPrefix is the URL path stored images are published under.
func (r *run) mediaPrefix() string {
	return config.BasePath(r.cfg.BaseURL) + mediaDir + "/"
}

// scanImages lists the distinct images of the articles still in the build.
func (r *run) scanImages(ctx context.Context) []images.Ref {
	var mu sync.Mutex
	seen := map[string]bool{}
	var refs []images.Ref
	pipeline.Each(ctx, len(r.articles), r.opts.Jobs, func(i int) {
		a := r.articles[i]
		if a.HasErrors() {
			return
		}
		found := images.Scan(a.Body)
		mu.Lock()
		defer mu.Unlock()
		for _, ref := range found {
			if !seen[ref.Key] {
				seen[ref.Key] = true
				refs = append(refs, ref)
			}
		}
	})
	return refs
}

// rewrite runs the document stages over each article and stages it.
func (r *run) rewrite(ctx context.Context) error {
	cleaner := clean.New(r.cfg.Clean)
	steps := pipeline.Pipeline{
		{Name: "parse", Run: body.ParseStep},
		{Name: images.Stage, Run: r.rewriter.Rewrite},
		{Name: links.Stage, Run: links.NewRewriter(r.graph, r.refPrefix).Rewrite},
		{Name: "wechat", Run: cleaner.WeChat},
		{Name: "summarize", Run: cleaner.Summarize},
		{Name: "render", Run: body.RenderStep},
		{Name: "sanitize", Run: clean.NewSanitizer(r.cfg.Clean, r.mediaPrefix(), r.cfg.Images.Remote == "load").Sanitize},
	}
	var mu sync.Mutex
	var stageErr error
	stats := steps.Run(ctx, r.articles, r.opts.Jobs, func(a *article.Article) {
		if a.HasErrors() {
			return
		}
		if _, err := r.stage.Write(a); err != nil {
			mu.Lock()
			stageErr = errors.Join(stageErr, err)
			mu.Unlock()
		}
	})
	r.addStages(stats)
	if err := r.collect(ctx); err != nil {
		return err
	}
	return stageErr
}

// collect moves the articles' findings into the report.
func (r *run) collect(context.Context) error {
	for _, a := range r.articles {
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
	if r.report.Excluded > 0 || remote > 0 {
		return fmt.Errorf("%w: %d articles excluded, %d images not localized", ErrStrict, r.report.Excluded, remote)
	}
	return nil
}

func (r *run) addStages(stats []pipeline.StepStats) {
	for _, s := range stats {
		r.report.AddStage(report.Stage{Name: s.Name, Articles: s.Articles, Failures: s.Failures, Duration: s.Busy})
	}
}

// render builds the site into a fresh directory beside Dest, publishes the
// images the articles use into it, and swaps it in, so a failed build
// leaves the previous site as it was.
func (r *run) render(ctx context.Context) error {
	parent := filepath.Dir(r.opts.Dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(r.opts.Dest)+".building-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	res, err := hugo.Build(ctx, hugo.Options{
		SiteDir:    r.opts.SiteDir,
		Staged:     r.stage.Fs(),
		ContentDir: r.stage.Dir(),
		Dest:       tmp,
		BaseURL:    r.opts.BaseURL,
		Log:        r.opts.Log,
	})
	r.report.Pages = res.Pages
	r.report.AddStage(report.Stage{Name: "hugo", Articles: r.report.Staged, Duration: res.Duration})
	if err != nil {
		return err
	}
	if err := publishMedia(r.store, r.rewriter.Used(), filepath.Join(tmp, mediaDir)); err != nil {
		return err
	}
	if err := r.index(ctx, tmp); err != nil {
		return err
	}
	if err := r.measure(tmp); err != nil {
		return err
	}
	return swapDir(tmp, r.opts.Dest)
}

// Hosting limits a mirror's site must fit in.
const (
	githubPagesBytes     = 1 << 30 // GitHub Pages: 1 GB published site
	cloudflarePagesFiles = 20000   // Cloudflare Pages: 20,000 files
)

// measure counts the site's files and bytes and warns when they come near
// what common static hosts accept.
func (r *run) measure(site string) error {
	var files int
	var bytes int64
	err := filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		files++
		bytes += info.Size()
		return nil
	})
	r.report.SiteFiles, r.report.SiteBytes = files, bytes
	if bytes > githubPagesBytes*8/10 {
		r.report.Notices = append(r.report.Notices, fmt.Sprintf("the site is %.0f MB, near GitHub Pages' limit of 1 GB", float64(bytes)/1e6))
	}
	if files > cloudflarePagesFiles*8/10 {
		r.report.Notices = append(r.report.Notices, fmt.Sprintf("the site has %d files, near Cloudflare Pages' limit of 20,000", files))
	}
	return err
}

// index builds the search index when Pagefind is installed, and says so
// when it is not: the search page then searches titles only.
func (r *run) index(ctx context.Context, site string) error {
	exe, ok := search.Find(r.opts.Root)
	if !ok {
		r.report.Notices = append(r.report.Notices, "search: Pagefind is not installed (npm ci); the site searches titles only")
		return nil
	}
	d, err := search.Index(ctx, exe, site)
	r.report.AddStage(report.Stage{Name: "search", Articles: r.report.Staged, Duration: d})
	return err
}

// publishMedia puts the store files in use into the site: hard links when
// the store and the site share a file system (instant, no space), copies
// otherwise.
func publishMedia(st *store.Store, files []string, dir string) error {
	for _, f := range files {
		dst := filepath.Join(dir, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		src := filepath.FromSlash(st.Path(f))
		if err := os.Link(src, dst); err == nil {
			continue
		}
		data, err := os.ReadFile(src)
		if err != nil {
			return fmt.Errorf("publishing %s: %w", f, err)
		}
		if err := os.WriteFile(dst, data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// swapDir replaces dest with fresh, moving the old one aside first so that
// dest is never half written.
func swapDir(fresh, dest string) error {
	old := fresh + ".old"
	if err := os.Rename(dest, old); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(fresh, dest); err != nil {
		return err
	}
	return os.RemoveAll(old)
}
