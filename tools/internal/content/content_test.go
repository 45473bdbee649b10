package content

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// List finds articles and other files at any depth, sorted, with slashes,
// and leaves out what is hidden.
func TestList(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{
		"b.md", "a.html", "_index.md", "cover.png",
		"news/2024/story.md", "news/_index.md", "news/img/x.jpg",
		".gitkeep", "news/.draft.md.swp", ".hidden/secret.md", "news/.cache/c.md",
	} {
		p := filepath.Join(root, filepath.FromSlash(f))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	d, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.html", "b.md", "news/2024/story.md"}; !slices.Equal(d.Articles, want) {
		t.Errorf("articles %q, want %q", d.Articles, want)
	}
	if want := []string{"_index.md", "cover.png", "news/_index.md", "news/img/x.jpg"}; !slices.Equal(d.Others, want) {
		t.Errorf("others %q, want %q", d.Others, want)
	}
	if _, err := List(filepath.Join(root, "missing")); err == nil {
		t.Error("a missing directory listed")
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
