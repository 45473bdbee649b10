package build_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/report"
)

// testSite is a whole mirror repository of a test's own, made from an
// inline txtar in a temporary directory, the way Hugo's own integration
// tests make sites: its files are content/'s, but those under "site/",
// which go over a copy of the repository's site/ (settings, layouts);
// themes/ is the repository's. It builds as `mirror build` does, offline
// and without search.
type testSite struct {
	Root, Content, Site string
	Opts                build.Options
}

// newTestSite writes archive (txtar) into a new repository.
func newTestSite(t *testing.T, archive string) *testSite {
	t.Helper()
	return newTestSiteIn(t, t.TempDir(), archive)
}

// newTestSiteIn is newTestSite in the directory root.
func newTestSiteIn(t *testing.T, root, archive string) *testSite {
	t.Helper()
	repo := mirrortest.RepoRoot(t)
	s := &testSite{Root: root, Content: filepath.Join(root, "content"), Site: filepath.Join(root, "site")}
	copyDir(t, filepath.Join(repo, "site"), s.Site)
	if err := os.Symlink(filepath.Join(repo, "themes"), filepath.Join(root, "themes")); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(s.Content, 0o755)
	s.write(t, archive)
	s.Opts = build.Options{Root: root, ContentDir: s.Content, SiteDir: s.Site, Dest: filepath.Join(root, "public"),
		Offline: true, NoSearch: true, Log: io.Discard}
	return s
}

// write writes the files of archive (txtar) into the repository.
func (s *testSite) write(t *testing.T, archive string) {
	t.Helper()
	for _, f := range txtar.Parse([]byte(archive)).Files {
		p := filepath.Join(s.Content, filepath.FromSlash(f.Name))
		if rest, ok := strings.CutPrefix(f.Name, "site/"); ok {
			p = filepath.Join(s.Site, filepath.FromSlash(rest))
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// build builds the site into Dest and checks it is measured as it is and
// readable by all; a failed build fails the test.
func (s *testSite) build(t *testing.T) *report.Report {
	t.Helper()
	r, err := build.Run(context.Background(), s.Opts)
	if err != nil {
		t.Fatalf("the build failed: %v", err)
	}
	checkMeasured(t, r, s.Opts.Dest)
	checkReadable(t, s.Opts.Dest)
	return r
}

// page reads a page of the built site.
func (s *testSite) page(t *testing.T, rel string) string {
	t.Helper()
	return readFile(t, filepath.Join(s.Opts.Dest, filepath.FromSlash(rel)))
}

// writeTxtar writes the files of a txtar into dir.
func writeTxtar(t *testing.T, dir, files string) {
	t.Helper()
	for _, f := range txtar.Parse([]byte(files)).Files {
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
