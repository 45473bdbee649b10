package scaffold

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// --categories-from-content takes the categories the mirror's own
// articles use, in order of first use.
func TestCategoriesFromContent(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "content"), 0o755)
	os.WriteFile(filepath.Join(root, "content", "a.md"), []byte("---\ntitle: A\ncategories: [\"科技\"]\n---\n<p>a</p>\n"), 0o644)
	os.WriteFile(filepath.Join(root, "content", "b.md"), []byte("---\ntitle: B\ncategories: [\"生活\", \"科技\"]\n---\n<p>b</p>\n"), 0o644)
	got, err := categoriesOf(root, []string{"content/a.md", "content/b.md"})
	if err != nil || !slices.Equal(got, []string{"科技", "生活"}) {
		t.Fatalf("%q, %v", got, err)
	}
	cfg := filepath.Join(root, "hugo.toml")
	os.WriteFile(cfg, []byte("title = \"x\"\n\n[params.mirror.validate]\n  categories = [\"Academic\", \"Culture\"]\n  required = [\"title\"]\n"), 0o644)
	set, err := setCategories(cfg, got)
	if err != nil || len(set) != 1 {
		t.Fatalf("%v %v", set, err)
	}
	data, _ := os.ReadFile(cfg)
	if want := "  categories = [\"科技\", \"生活\"]\n  required = [\"title\"]\n"; !slices.Contains([]string{string(data)}, "title = \"x\"\n\n[params.mirror.validate]\n"+want) {
		t.Errorf("the config:\n%s", data)
	}
	if again, _ := setCategories(cfg, got); len(again) != 0 {
		t.Error("a second run changed the config")
	}
}

// Both ways of setting the categories at once is an error; taking them
// from a mirror with no articles of its own says so.
func TestCategoriesOptions(t *testing.T) {
	root := t.TempDir()
	os.MkdirAll(filepath.Join(root, "site"), 0o755)
	os.MkdirAll(filepath.Join(root, "content"), 0o755)
	os.WriteFile(filepath.Join(root, "site", "hugo.toml"), []byte("title = \"x\"\n\n[params.mirror.validate]\n  categories = [\"Academic\"]\n"), 0o644)
	os.WriteFile(filepath.Join(root, "content", "example.md"), []byte("---\ntitle: E\ncategories: [\"Life\"]\n---\n<p>e</p>\n"), 0o644)
	os.WriteFile(filepath.Join(root, ExamplesFile), []byte("content/example.md\n"), 0o644)

	_, err := Init(t.Context(), InitOptions{Root: root, Categories: []string{"生活"}, CategoriesFromContent: true})
	if err == nil || !strings.Contains(err.Error(), "--categories and --categories-from-content") {
		t.Errorf("both at once: %v", err)
	}
	res, err := Init(t.Context(), InitOptions{Root: root, CategoriesFromContent: true})
	if err != nil || len(res.Settings) != 0 || !strings.Contains(strings.Join(res.Notes, "\n"), "the examples do not count") {
		t.Errorf("from a mirror of examples only: %+v, %v", res, err)
	}
}
