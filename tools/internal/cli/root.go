package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"github.com/spf13/cobra"
)

// Exit codes, decided here and nowhere else.
const (
	ExitOK       = 0
	ExitFindings = 1 // the run worked and found errors, or the build failed
	ExitSetup    = 2 // the run could not start: bad flags, missing directories
)

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func fail(code int, err error) error { return &exitError{code: code, err: err} }

// globals are the flags every command shares.
type globals struct {
	root, content, dest string
}

func (g *globals) contentDir() string { return g.orDefault(g.content, "content") }
func (g *globals) destDir() string    { return g.orDefault(g.dest, "public") }
func (g *globals) siteDir() string    { return g.abs(filepath.Join(g.root, "site")) }

func (g *globals) orDefault(dir, name string) string {
	if dir != "" {
		return g.abs(dir)
	}
	return g.abs(filepath.Join(g.root, name))
}

func (g *globals) abs(p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		return p
	}
	return a
}

// display names a file in messages: relative to the working directory when
// it is below it, as compilers do, so the names are short and clickable.
func display(p string) string {
	wd, err := workingDir()
	if err != nil {
		return p
	}
	rel, err := filepath.Rel(wd, p)
	if err != nil || strings.HasPrefix(rel, "..") {
		return p
	}
	return filepath.ToSlash(rel)
}

// workingDir is the working directory, asked once: display names every
// article of a build, and a system call each cost a tenth of a second at
// 10,000 articles. Commands do not change directory.
var workingDir = sync.OnceValues(os.Getwd)

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(stderr, "mirror: %v\n", err)
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	// cobra's own errors are about flags and arguments.
	return ExitSetup
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{}
	root := &cobra.Command{
		Use:   "mirror",
		Short: "Build a static mirror archive of fetched articles",
		Long: `mirror turns a directory of fetched articles (Hugo content files holding
a page's raw HTML, as WeChat and news fetchers write them) into a static
archive site: it validates front matter, localizes images, rewrites links
and cleans the HTML into a staged copy, then renders it with the embedded
Hugo. content/ itself is never modified by a build.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	pf := root.PersistentFlags()
	pf.StringVar(&g.root, "root", ".", "the mirror repository")
	pf.StringVar(&g.content, "content", "", "the articles (default ROOT/content)")
	pf.StringVar(&g.dest, "dest", "", "where the site is written (default ROOT/public)")
	new(profiles).register(root)
	root.AddCommand(
		newBuildCmd(g),
		newValidateCmd(g),
		newLocalizeCmd(g),
		newLinksCmd(g),
		newOriginCmd(g),
		newInitCmd(g),
		newNewArticleCmd(g),
		newServeCmd(g),
		newHugoCmd(g),
		newMediaCmd(g),
		newFetchCmd(g),
		newImportCmd(g),
		newCheckCmd(g),
	)
	return root
}
