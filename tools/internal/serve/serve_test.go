package serve

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/report"
)

const site = `baseURL = "/"
disableKinds = ["taxonomy", "term", "RSS", "sitemap"]
`

func write(t *testing.T, p, s string) {
	t.Helper()
	os.MkdirAll(filepath.Dir(p), 0o755)
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, url string) string {
	resp, err := http.Get(url)
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// mirror serve rebuilds when an article changes, and the served page shows
// the change within a few seconds; pages get the reload script.
func TestServeRebuildsOnChange(t *testing.T) {
	root := t.TempDir()
	write(t, filepath.Join(root, "site", "hugo.toml"), site)
	write(t, filepath.Join(root, "site", "layouts", "page.html"), `<html><body>{{ .Content }}</body></html>`)
	write(t, filepath.Join(root, "site", "layouts", "home.html"), `<html><body>home</body></html>`)
	article := filepath.Join(root, "content", "a.md")
	write(t, article, "---\ntitle: A\ndate: 2024-01-01\n---\n<p>first version</p>\n")
	ready := make(chan string, 1)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	errc := make(chan error, 1)
	go func() {
		errc <- Run(ctx, Options{
			Build: build.Options{Root: root, ContentDir: filepath.Join(root, "content"), SiteDir: filepath.Join(root, "site"), Offline: true, Log: io.Discard},
			Addr:  "127.0.0.1:0",
			Ready: func(url string) { ready <- url },
			Built: func(*report.Report, error) {},
		})
	}()
	var url string
	select {
	case url = <-ready:
	case err := <-errc:
		t.Fatalf("serve: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not start")
	}
	page := get(t, url+"a/")
	if !strings.Contains(page, "first version") || !strings.Contains(page, "/__mirror/events") {
		t.Fatalf("page: %s", page)
	}
	write(t, article, "---\ntitle: A\ndate: 2024-01-01\n---\n<p>second version</p>\n")
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(get(t, url+"a/"), "second version") {
		if time.Now().After(deadline) {
			t.Fatal("the change did not show within 5 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(root, "public")); err == nil {
		t.Error("serve wrote public/")
	}
}

// A port already in use is an error at once, saying how to take another,
// before any build (it built the whole site first, then failed).
func TestServePortInUse(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	root := t.TempDir()
	write(t, filepath.Join(root, "site", "hugo.toml"), site)
	built := false
	err = Run(context.Background(), Options{
		Build: build.Options{Root: root, ContentDir: filepath.Join(root, "content"), SiteDir: filepath.Join(root, "site"), Offline: true, Log: io.Discard},
		Addr:  taken.Addr().String(),
		Built: func(*report.Report, error) { built = true },
	})
	if err == nil || !strings.Contains(err.Error(), "--listen") {
		t.Errorf("serving on a port in use: %v", err)
	}
	if built {
		t.Error("the site was built before the port was known to be taken")
	}
}
