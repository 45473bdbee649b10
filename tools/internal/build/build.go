package build

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/hugo"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/stage"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

// ErrSetup marks errors in how the build was asked for (a missing
// directory), as opposed to problems found in the content.
var ErrSetup = errors.New("setup")

// ErrStrict is returned when --strict is set and some article had an error.
var ErrStrict = errors.New("strict mode: errors in content")

// Options say what to build.
type Options struct {
	ContentDir string // the archive, read only
	SiteDir    string // the Hugo project
	Dest       string // where the site is published
	BaseURL    string // overrides the site's baseURL when set
	Strict     bool   // any error finding fails the build
	Jobs       int    // workers for the stages; 0 means one per core
	// Display turns an absolute path into the name messages use.
	Display func(path string) string
	// Log receives Hugo's own warnings.
	Log io.Writer
}

// stagedContentDir is where the staged copy appears to Hugo. It exists only
// in memory; the path must not exist on disk, or Hugo would see both.
const stagedContentDir = "/mirror-staged/content"

// Run builds the site and returns the report, which is filled in as far as
// the build got even when it returns an error.
func Run(ctx context.Context, opts Options) (*report.Report, error) {
	r := &report.Report{Started: time.Now(), Findings: []article.Finding{}}
	defer func() { r.Duration = time.Since(r.Started); r.Sort() }()
	if err := checkDirs(opts); err != nil {
		return r, err
	}
	if opts.Display == nil {
		opts.Display = func(p string) string { return p }
	}

	st := stage.New(afero.NewMemMapFs(), stagedContentDir)
	readStart := time.Now()
	articles, err := readContent(ctx, opts, st)
	if err != nil {
		return r, err
	}
	readTime := time.Since(readStart)

	cfg, err := config.Load(opts.SiteDir)
	if err != nil {
		return r, fmt.Errorf("%w: %v", ErrSetup, err)
	}
	checker := validate.New(cfg.Validate, cfg.Taxonomies)
	checker.CheckArchive(articles)
	steps := pipeline.Pipeline{
		{Name: validate.Stage, Run: checker.Check},
	}
	var stageMu sync.Mutex
	var stageErr error
	stats := steps.Run(ctx, articles, opts.Jobs, func(a *article.Article) {
		if a.HasErrors() {
			return
		}
		if _, err := st.Write(a); err != nil {
			stageMu.Lock()
			stageErr = errors.Join(stageErr, err)
			stageMu.Unlock()
		}
	})
	if stageErr != nil {
		return r, stageErr
	}
	collect(r, articles, readTime, stats)
	if err := ctx.Err(); err != nil {
		return r, err
	}
	if opts.Strict && r.Excluded > 0 {
		return r, fmt.Errorf("%w: %d articles excluded", ErrStrict, r.Excluded)
	}

	res, err := render(ctx, opts, st)
	r.Pages = res.Pages
	r.AddStage(report.Stage{Name: "hugo", Articles: r.Staged, Duration: res.Duration})
	return r, err
}

func checkDirs(opts Options) error {
	for _, dir := range []string{opts.ContentDir, opts.SiteDir} {
		info, err := os.Stat(dir)
		if err != nil {
			return fmt.Errorf("%w: %s: no such directory", ErrSetup, dir)
		}
		if !info.IsDir() {
			return fmt.Errorf("%w: %s: not a directory", ErrSetup, dir)
		}
	}
	return nil
}

// readContent parses the articles and stages the other content files
// unchanged.
func readContent(ctx context.Context, opts Options, st *stage.Stage) ([]*article.Article, error) {
	dir, err := content.List(opts.ContentDir)
	if err != nil {
		return nil, err
	}
	for _, rel := range dir.Others {
		data, err := os.ReadFile(filepath.Join(opts.ContentDir, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		if err := st.Copy(rel, data); err != nil {
			return nil, err
		}
	}
	return dir.Read(ctx, opts.Jobs, opts.Display)
}

// collect moves the articles' findings and the stages' numbers into the
// report.
func collect(r *report.Report, articles []*article.Article, readTime time.Duration, stats []pipeline.StepStats) {
	r.Articles = len(articles)
	for _, a := range articles {
		if a == nil {
			continue
		}
		r.AddFindings(a.Findings)
		if a.HasErrors() {
			r.Excluded++
		} else {
			r.Staged++
		}
	}
	r.AddStage(report.Stage{Name: "read", Articles: len(articles), Duration: readTime})
	for _, s := range stats {
		r.AddStage(report.Stage{Name: s.Name, Articles: s.Articles, Failures: s.Failures, Duration: s.Busy})
	}
}

// render builds the site into a fresh directory beside Dest and swaps it in,
// so a failed build leaves the previous site as it was.
func render(ctx context.Context, opts Options, st *stage.Stage) (hugo.Result, error) {
	parent := filepath.Dir(opts.Dest)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return hugo.Result{}, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(opts.Dest)+".building-")
	if err != nil {
		return hugo.Result{}, err
	}
	defer os.RemoveAll(tmp)
	res, err := hugo.Build(ctx, hugo.Options{
		SiteDir:    opts.SiteDir,
		Staged:     st.Fs(),
		ContentDir: st.Dir(),
		Dest:       tmp,
		BaseURL:    opts.BaseURL,
		Log:        opts.Log,
	})
	if err != nil {
		return res, err
	}
	return res, swapDir(tmp, opts.Dest)
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
