package hugo

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/spf13/afero"
)

// Build renders a site from staged content through the file system it is
// given, and hands over the resolver of links into the site before any
// page is written.
func TestBuild(t *testing.T) {
	site := t.TempDir()
	for name, data := range map[string]string{
		"hugo.toml":               "baseURL = \"/archive/\"\ndisableKinds = [\"rss\", \"sitemap\", \"taxonomy\", \"term\"]\n",
		"layouts/page.html":       `<p>{{ .Title }}</p>`,
		"layouts/home.html":       `home`,
		"layouts/section.html":    `section`,
		"static/robots-extra.txt": `static`,
	} {
		p := filepath.Join(site, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	staged := afero.NewMemMapFs()
	contentDir := filepath.Join(t.TempDir(), "staged")
	afero.WriteFile(staged, filepath.Join(contentDir, "posts", "a.md"), []byte("---\ntitle: A\n---\nbody\n"), 0o644)
	dest := afero.NewMemMapFs()
	destDir := filepath.Join(t.TempDir(), "public")
	var permalink func(string) string
	res, err := Build(context.Background(), Options{
		SiteDir: site, Staged: staged, ContentDir: contentDir, Dest: destDir, Publish: dest, Log: io.Discard,
		Linked: func(p func(string) string) { permalink = p },
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages == 0 {
		t.Error("no pages")
	}
	page, err := afero.ReadFile(dest, filepath.Join(destDir, "posts", "a", "index.html"))
	if err != nil || string(page) != "<p>A</p>" {
		t.Errorf("page %q, %v", page, err)
	}
	if _, err := afero.ReadFile(dest, filepath.Join(destDir, "robots-extra.txt")); err != nil {
		t.Errorf("static files not copied: %v", err)
	}
	if _, err := os.Stat(destDir); err == nil {
		t.Error("the site was written to the disk, not through the file system given")
	}
	if permalink == nil || permalink("/posts/a") != "/archive/posts/a/" {
		t.Errorf("links into the site do not resolve")
	}
}

// A cancelled build returns at once.
func TestBuildCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	site := t.TempDir()
	os.WriteFile(filepath.Join(site, "hugo.toml"), []byte("baseURL = \"/\"\n"), 0o644)
	_, err := Build(ctx, Options{SiteDir: site, Staged: afero.NewMemMapFs(), ContentDir: filepath.Join(t.TempDir(), "c"),
		Dest: filepath.Join(t.TempDir(), "p"), Publish: afero.NewMemMapFs(), Log: io.Discard})
	if err != context.Canceled {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}
