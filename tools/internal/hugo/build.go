package hugo

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/bep/logg"
	"github.com/bep/overlayfs"
	"github.com/gohugoio/hugo/common/herrors"
	"github.com/gohugoio/hugo/common/loggers"
	"github.com/gohugoio/hugo/config"
	"github.com/gohugoio/hugo/config/allconfig"
	"github.com/gohugoio/hugo/deps"
	"github.com/gohugoio/hugo/hugofs"
	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"
	"github.com/spf13/fsync"
)

// Options say what to build and where.
type Options struct {
	// SiteDir is the Hugo project (site/), absolute.
	SiteDir string
	// Staged holds the staged content under ContentDir: the disk, or a
	// file system layered over it (ContentDir must then not exist on disk).
	Staged     afero.Fs
	ContentDir string
	// Dest is where the site is written, absolute; Publish, when set, is
	// the file system Hugo writes it through (the disk otherwise).
	Dest    string
	Publish afero.Fs
	// BaseURL overrides the site's baseURL when set.
	BaseURL string
	// Log receives Hugo's warnings and errors.
	Log io.Writer
	// Settings are extra configuration keys, as on Hugo's command line.
	Settings map[string]any
	// Linked, when set, is given the resolver of links into the site (a
	// page's logical path to its URL, as relref resolves it) once Hugo has
	// read the site, before it writes a page.
	Linked func(permalink func(ref string) string)
}

// Result is what a build produced.
type Result struct {
	Pages    int           `json:"pages"`
	Duration time.Duration `json:"duration_ns"`
	Warnings int           `json:"warnings"`
}

// Build renders the site once. Cancelled, it returns at once: Hugo
// cannot be stopped half-way, so it is left to finish (or to end with the
// process) writing into Dest, which the caller discards.
func Build(ctx context.Context, opts Options) (Result, error) {
	start := time.Now()
	sites, err := newSites(opts)
	if err != nil {
		return Result{}, err
	}
	built := make(chan error, 1)
	go func() { built <- sites.Build(hugolib.BuildCfg{}) }()
	select {
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case err = <-built:
	}
	defer sites.Close()
	if err != nil {
		return Result{}, fmt.Errorf("hugo: %w", err)
	}
	if err := copyStatic(sites); err != nil {
		return Result{}, fmt.Errorf("hugo: copying static files: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	res := Result{
		Pages:    len(sites.Pages()),
		Duration: time.Since(start),
		Warnings: sites.Log.LoggCount(logg.LevelWarn),
	}
	return res, nil
}

// cacheLimitGB bounds Hugo's in-memory caches (its HUGO_MEMORYLIMIT), which
// by default may grow to a quarter of the machine's memory. Staged articles
// carry their summaries and their bodies are spliced in, so Hugo reads and
// renders each page once: keeping what it read cached doubled the build's
// peak memory at 256 MB, and at 50 MB left the garbage collector a fifth
// less to do under the build's memory budget, for the same speed.
const cacheLimitGB = "0.05"

func newSites(opts Options) (*hugolib.HugoSites, error) {
	if os.Getenv("HUGO_MEMORYLIMIT") == "" {
		// Hugo reads the limit from its environment only.
		os.Setenv("HUGO_MEMORYLIMIT", cacheLimitGB)
	}
	if opts.Log == nil {
		opts.Log = os.Stderr
	}
	logger := loggers.New(loggers.Options{Level: logg.LevelWarn, StdOut: opts.Log, StdErr: opts.Log})
	var source afero.Fs = afero.NewOsFs()
	if _, onDisk := opts.Staged.(*afero.OsFs); !onDisk {
		// Staged in memory: layered over the disk, where the site is.
		source = overlayfs.New(overlayfs.Options{
			Fss:           []afero.Fs{opts.Staged, afero.NewOsFs()},
			FirstWritable: true,
		})
	}
	flags := config.New()
	flags.Set("workingDir", opts.SiteDir)
	flags.Set("contentDir", opts.ContentDir)
	flags.Set("publishDir", opts.Dest)
	// The stages stage articles as HTML files, which Hugo refuses unless
	// the site allows them; that is our requirement, not the site's choice.
	flags.Set("security.allowContent", []string{".*"})
	// A link into the archive is a relref; one that does not resolve must
	// not take the whole site down.
	flags.Set("refLinksErrorLevel", "warning")
	if opts.BaseURL != "" {
		flags.Set("baseURL", opts.BaseURL)
	}
	for k, v := range opts.Settings {
		flags.Set(k, v)
	}
	configs, err := allconfig.LoadConfig(allconfig.ConfigSourceDescriptor{
		Flags:       flags,
		Fs:          source,
		Filename:    siteConfigFile(opts.SiteDir),
		Environment: "production",
		Logger:      logger,
	})
	if err != nil {
		return nil, fmt.Errorf("hugo: reading the config in %s: %w", opts.SiteDir, err)
	}
	dest := opts.Publish
	if dest == nil {
		dest = afero.NewOsFs()
	}
	fs := hugofs.NewFromSourceAndDestination(source, dest, flags)
	sites, err := hugolib.NewHugoSites(deps.DepsCfg{
		Configs:  configs,
		Fs:       fs,
		LogLevel: logger.Level(),
		StdOut:   opts.Log,
		StdErr:   opts.Log,
	})
	if err != nil {
		return nil, fmt.Errorf("hugo: %w", err)
	}
	if opts.Linked != nil {
		opts.Linked(newLinks(sites).permalink)
	}
	return sites, nil
}

// copyStatic copies the site's and the theme's static files into the
// site, as the hugo command does after a build (hugolib leaves it to its
// caller): files already there and up to date are left alone.
func copyStatic(sites *hugolib.HugoSites) error {
	for _, static := range sites.BaseFs.SourceFilesystems.Static {
		syncer := fsync.NewSyncer()
		syncer.NoTimes = sites.Configs.Base.NoTimes
		syncer.NoChmod = sites.Configs.Base.NoChmod
		syncer.ChmodFilter = keepMode
		syncer.SrcFs = static.Fs
		syncer.DestFs = sites.Deps.Fs.PublishDirStatic
		target := string(filepath.Separator)
		if static.PublishFolder != "" {
			target = filepath.Join(target, static.PublishFolder)
		}
		if err := syncer.Sync(target, string(filepath.Separator)); err != nil && !herrors.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// keepMode says which files the static copy leaves their mode to, as the
// hugo command does: directories, since the static files are a union of
// directories whose own modes mean nothing for the site's (its root is a
// virtual one, mode 0: the site became unreadable to all but root), and
// files their owner cannot write (module cache files are 0444).
func keepMode(_, src os.FileInfo) bool {
	return src.IsDir() || src.Mode().Perm()&0o200 == 0
}

// siteConfigFile finds the site's config file the way Hugo does when run in
// the site directory; empty lets Hugo look for config/ directories itself.
func siteConfigFile(siteDir string) string {
	for _, name := range []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.json"} {
		p := filepath.Join(siteDir, name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return ""
}

// MemoryBudget is the soft memory limit a site of n articles renders
// under unless the user sets one. Left alone, Go lets the heap grow to
// twice what is live before collecting, and a build took three times its
// live memory (live: about 220 MB while Hugo renders 10,000 articles).
// 96 MiB and 32 KiB per article (408 MiB at 10,000) cut the peak by 30 %,
// from 640 to 450 MB, in about the same time, measured; 29 KiB (379 MiB)
// took the peak from 470 to 450 MB for 5 % more time. Below the live heap
// the collector would run all the time (Go caps it at half the CPU), so
// the budget is generous for small archives.
func MemoryBudget(n int) int64 { return 96<<20 + int64(n)*29<<10 }

// MemoryLimit is the soft memory limit to render n articles under, given
// the one asked for: asked, it (math.MaxInt64: none); else the user's
// GOMEMLIMIT, already in force (0: nothing to set); else MemoryBudget.
func MemoryLimit(asked int64, n int) int64 {
	switch {
	case asked != 0:
		return asked
	case os.Getenv("GOMEMLIMIT") != "":
		return 0
	}
	return MemoryBudget(n)
}

// SetMemoryLimit sets MemoryLimit(asked, n) as the process's soft memory
// limit and returns it, 0 when it sets none.
func SetMemoryLimit(asked int64, n int) int64 {
	limit := MemoryLimit(asked, n)
	if limit <= 0 {
		return 0
	}
	debug.SetMemoryLimit(limit)
	if limit == math.MaxInt64 {
		return 0
	}
	return limit
}
