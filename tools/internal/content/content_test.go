package content

import (
	"context"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// List finds articles at any depth, sorted, with slashes, leaves out
// what is hidden, and refuses, naming each, what is not an article.
func TestList(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{
		"b.md", "a.html", "_x.md", "_index.md", "cover.png", "x.svg", "y.org",
		"news/2024/story.md", "news/_index.md", "news/img/x.jpg",
		".gitkeep", "news/.draft.md.swp", ".hidden/secret.md", "news/.cache/c.md",
	} {
		p := filepath.Join(root, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "page.md"), []byte("---\ntitle: x\n---\n"), 0o644)
	for link, target := range map[string]string{
		"env.txt": "/proc/self/environ", "page.md": filepath.Join(outside, "page.md"), "dir": outside,
	} {
		if err := os.Symlink(target, filepath.Join(root, link)); err != nil {
			t.Fatal(err)
		}
	}
	d, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"_x.md", "a.html", "b.md", "news/2024/story.md"}; !slices.Equal(d.Articles, want) {
		t.Errorf("articles %q, want %q", d.Articles, want)
	}
	want := map[string]string{
		"_index.md": RuleSectionFile, "cover.png": RuleNotArticle, "x.svg": RuleNotArticle, "y.org": RuleNotArticle,
		"news/_index.md": RuleSectionFile, "news/img/x.jpg": RuleNotArticle,
		"env.txt": RuleSymlink, "page.md": RuleSymlink, "dir": RuleSymlink,
	}
	got := map[string]string{}
	for _, r := range d.Refused {
		got[r.Path] = r.Rule
		f := r.Finding("content/" + r.Path)
		if f.File != "content/"+r.Path || f.Message == "" {
			t.Errorf("finding %v", f)
		}
		if (r.Rule == RuleSymlink) != (f.Severity == article.Error) {
			t.Errorf("%s: severity %v", r.Path, f.Severity)
		}
	}
	if !maps.Equal(got, want) {
		t.Errorf("refused %v, want %v", got, want)
	}
	if _, err := List(filepath.Join(root, "missing")); err == nil {
		t.Error("a missing directory listed")
	}
}

// Read never follows a link, even one put in place after the listing,
// and does not read a file over the size limit.
func TestReadRefusesLinksAndLargeFiles(t *testing.T) {
	root := t.TempDir()
	os.WriteFile(filepath.Join(root, "big.md"), []byte("---\ntitle: big\n---\n0123456789"), 0o644)
	os.WriteFile(filepath.Join(root, "small.md"), []byte("---\ntitle: s\n---\n"), 0o644)
	d, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	d.MaxFileBytes = 20
	as, err := d.Read(context.Background(), 2, func(p string) string { return p })
	if err != nil {
		t.Fatal(err)
	}
	if len(as[0].Findings) != 1 || as[0].Findings[0].Rule != article.RuleTooLarge || as[0].Source != nil {
		t.Errorf("big.md: %v", as[0].Findings)
	}
	if len(as[1].Findings) != 0 || as[1].FrontMatter.Values["title"] != "s" {
		t.Errorf("small.md: %v", as[1].Findings)
	}
	os.Remove(filepath.Join(root, "small.md"))
	os.Symlink("/proc/self/environ", filepath.Join(root, "small.md"))
	if _, err := d.Read(context.Background(), 2, func(p string) string { return p }); err == nil {
		t.Error("a link read")
	}
	if _, err := ReadFile(filepath.Join(root, "small.md")); err == nil {
		t.Error("ReadFile followed a link")
	}
}

// BenchmarkList lists a flat archive of 10,000 articles, as large
// mirrors keep them.
func BenchmarkList(b *testing.B) {
	root := b.TempDir()
	for i := range 10000 {
		os.WriteFile(filepath.Join(root, fmt.Sprintf("%06d_article.md", i)), nil, 0o644)
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := List(root); err != nil {
			b.Fatal(err)
		}
	}
}
