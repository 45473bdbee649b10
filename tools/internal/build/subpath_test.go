package build_test

import (
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/mirrortest/browser"
	"github.com/archivemirror/mirror/tools/internal/serve"
)

// A site under a sub-path (a GitHub Pages project site), previewed as
// mirror serve serves it: / leads to the base path; the home page and an
// article load their CSS and images, and every link of the home page
// reaches a page: no 404 anywhere; an unknown path is the site's 404.
func TestSubPathPreview(t *testing.T) {
	browser.Path(t)
	root := mirrortest.RepoRoot(t)
	dest := buildWith(t, build.Options{Root: exampleRoot(t), Offline: true, ContentDir: filepath.Join(root, "content"),
		BaseURL: "https://someone.github.io/archive/"})
	b := browser.StartHandler(t, serve.Site(dest, "/archive/"))

	b.Open(t, "/", chromedp.Sleep(200*time.Millisecond))
	if u := browser.Eval[string](t, b, `location.pathname`); u != "/archive/" {
		t.Errorf("/ led to %s", u)
	}
	if css := browser.Eval[int](t, b, `document.styleSheets.length`); css == 0 {
		t.Error("no stylesheet loaded")
	}
	links := browser.Eval[[]string](t, b, `[...new Set([...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href')).filter(h => h.startsWith('/')))]`)
	if len(links) < 10 {
		t.Fatalf("%d local links on the home page", len(links))
	}
	for _, l := range links {
		if !strings.HasPrefix(l, "/archive/") {
			t.Errorf("a link outside the sub-path: %s", l)
			continue
		}
		resp, err := http.Get(b.Server.URL + l)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %v %v", l, err, resp.Status)
		}
		resp.Body.Close()
	}
	b.Open(t, "/archive/20240312_e63d7f8c7e28f4f0/", chromedp.Sleep(200*time.Millisecond))
	browser.Eval[any](t, b, `window.scrollTo(0, document.body.scrollHeight)`)
	b.Do(t, chromedp.Sleep(400*time.Millisecond))
	if n := browser.Eval[int](t, b, `[...document.images].filter(i => i.complete && i.naturalWidth > 0).length`); n == 0 {
		t.Error("no image of the article loaded")
	}
	if failed := b.Failed(); len(failed) > 0 {
		t.Errorf("responses over 400: %v", failed)
	}
	resp, err := http.Get(b.Server.URL + "/archive/no-such-page/")
	if err != nil || resp.StatusCode != 404 {
		t.Errorf("an unknown page: %v %v", err, resp.Status)
	}
	resp.Body.Close()
}
