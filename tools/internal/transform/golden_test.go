package transform

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/clean"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/store"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// transform runs what a build runs on an article offline with an empty
// image store: the checks' debris step, then the document steps (Steps:
// images not stored become links, links lead to articles not archived).
func transform(t testing.TB, a *article.Article) {
	t.Helper()
	if err := clean.Debris(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	reclean(t, a)
}

// reclean runs the document steps alone: what a second pass over the
// output means (the fetcher's debris is gone by then, and the output is not
// the fetcher's format).
func reclean(t testing.TB, a *article.Article) {
	t.Helper()
	x := &Archive{
		Graph:       links.NewGraph(links.NewIndex(nil, nil)),
		Rewriter:    images.NewRewriter(images.NewDefaultConfig(), store.NewManifest(), "/media/"),
		Clean:       clean.NewDefaultConfig(),
		RefPrefix:   "/ref",
		MediaPrefix: "/media/",
	}
	for _, step := range x.Steps() {
		if err := step.Run(context.Background(), a); err != nil {
			t.Fatalf("%s: %s: %v", a.Path, step.Name, err)
		}
	}
}

// articles lists the example articles and the real fixtures.
func articles(t *testing.T) map[string]string {
	files := map[string]string{}
	examples, _ := filepath.Glob(filepath.Join(mirrortest.RepoRoot(t), "content", "*.md"))
	for _, f := range examples {
		files["example-"+filepath.Base(f)] = f
	}
	if _, err := os.Stat(filepath.Join(mirrortest.RepoRoot(t), "..", "shared")); err == nil {
		real, _ := filepath.Glob(filepath.Join(mirrortest.Shared(t, "fixtures", "real"), "*.md"))
		for _, f := range real {
			if filepath.Base(f) != "README.md" {
				files["real-"+filepath.Base(f)] = f
			}
		}
	}
	return files
}

func load(t *testing.T, path string) *article.Article {
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return article.Parse(filepath.Base(path), path, src)
}

// The cleaned body of every example and real article is stable and
// reviewed: a change shows as a golden diff (go test -update rewrites them).
// A second pass over the output changes nothing.
func TestGolden(t *testing.T) {
	for name, path := range articles(t) {
		t.Run(name, func(t *testing.T) {
			a := load(t, path)
			transform(t, a)
			golden := filepath.Join("testdata", "golden", strings.TrimSuffix(name, ".md")+".html")
			if *update {
				os.WriteFile(golden, a.Body, 0o644)
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(want) != string(a.Body) {
				t.Errorf("cleaned body differs from %s (go test -update, then review the diff)", golden)
			}
			again := &article.Article{Path: a.Path, File: a.File, Body: a.Body, FrontMatter: a.FrontMatter, Params: a.Params}
			reclean(t, again)
			if string(again.Body) != string(a.Body) {
				t.Errorf("a second pass changed the output")
			}
		})
	}
}

// Cleaning loses no text: every visible character of the original body is
// in the cleaned one, in order, but for the fetcher's header and footer.
func TestTextIsKept(t *testing.T) {
	for name, path := range articles(t) {
		t.Run(name, func(t *testing.T) {
			a := load(t, path)
			before := &article.Article{Path: a.Path, File: a.File, Body: a.Body, FrontMatter: a.FrontMatter}
			clean.Debris(context.Background(), before)
			doc, err := body.Parse(before.Body)
			if err != nil {
				t.Fatal(err)
			}
			want := compact(clean.VisibleText(doc))
			transform(t, a)
			after, _ := body.Parse(a.Body)
			if got := compact(clean.VisibleText(after)); got != want {
				t.Errorf("text changed:\nbefore %s\nafter  %s", clip(want), clip(got))
			}
		})
	}
}

func compact(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

func clip(s string) string {
	if r := []rune(s); len(r) > 300 {
		return string(r[:300]) + "…"
	}
	return s
}
