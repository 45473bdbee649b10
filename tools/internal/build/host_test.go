package build_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/publish"
	"github.com/archivemirror/mirror/tools/internal/scaffold"
)

// A site over Cloudflare Pages' 20,000 files is not published: the build
// fails naming the limit and the remedy, and the site published before
// stays as it was.
func TestSiteOverTheHostsLimit(t *testing.T) {
	s := newTestSite(t, threeArticles)
	cfg := filepath.Join(s.Site, "hugo.toml")
	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(cfg, []byte(scaffold.SetTOML(string(data), "params.mirror.host", "name", `"cloudflare-pages"`)), 0o644)
	s.build(t)
	before := snapshot(t, s.Opts.Dest)

	static := filepath.Join(s.Site, "static", "scans")
	os.MkdirAll(static, 0o755)
	for i := range 20000 {
		if err := os.WriteFile(filepath.Join(static, fmt.Sprintf("%05d.txt", i)), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	_, err = build.Run(context.Background(), s.Opts)
	if !errors.Is(err, publish.ErrOverLimit) {
		t.Fatalf("the build did not fail over the limit: %v", err)
	}
	for _, want := range []string{"Cloudflare Pages allows 20000", "raise pagination.pagerSize", "[params.mirror.host]"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the error does not say %q: %v", want, err)
		}
	}
	if after := snapshot(t, s.Opts.Dest); after != before {
		t.Error("the published site changed")
	}
}

func appendTo(t *testing.T, file, text string) {
	t.Helper()
	f, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

// snapshot is the site's files and sizes, as a string to compare.
func snapshot(t *testing.T, site string) string {
	t.Helper()
	var b strings.Builder
	walkFiles(t, site, func(rel string, data []byte) { fmt.Fprintf(&b, "%s %d\n", rel, len(data)) })
	return b.String()
}
