package build_test

import (
	"bytes"
	"flag"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/mirrortest/browser"
	"github.com/archivemirror/mirror/tools/internal/search"
)

var screenshots = flag.Bool("screenshots", false, "write the theme's screenshots to docs/screenshots")

// examplePages are one page of each type of the example site.
var examplePages = map[string]string{
	"home":     "/",
	"article":  "/20240312_e63d7f8c7e28f4f0/",
	"category": "/categories/tech/",
	"account":  "/accounts/%E5%B1%B1%E9%87%8E%E6%A4%8D%E7%89%A9%E5%BF%97/",
	"tag":      "/tags/fetched/",
	"archive":  "/months/",
	"month":    "/months/2024-03/",
	"year":     "/years/2024/",
	"search":   "/search/",
	"about":    "/about/",
	"404":      "/404.html",
}

func exampleSite(t *testing.T) string {
	root := mirrortest.RepoRoot(t)
	return buildWith(t, build.Options{Root: exampleRoot(t), Offline: true, ContentDir: filepath.Join(root, "content")})
}

// Every page type renders with no console error, no request to another
// host, and no horizontal scroll on a 360 px wide phone.
func TestThemePages(t *testing.T) {
	browser.Path(t)
	b := browser.Start(t, exampleSite(t))
	for _, width := range []int64{360, 1280} {
		b.Viewport(t, width, 800)
		for name, path := range examplePages {
			t.Run(name+"/"+string(rune('0'+width/360)), func(t *testing.T) {
				b.Open(t, path, chromedp.Sleep(100*time.Millisecond))
				if errs := b.Errors(); len(errs) > 0 {
					t.Errorf("console errors: %v", errs)
				}
				if foreign := b.Foreign(); len(foreign) > 0 {
					t.Errorf("requests to other hosts: %v", foreign)
				}
				if over := browser.Eval[int](t, b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); over > 0 {
					t.Errorf("%d px of horizontal scroll at %d px wide", over, width)
				}
				if h1 := browser.Eval[string](t, b, `(document.querySelector('h1') || {}).textContent || ''`); strings.TrimSpace(h1) == "" {
					t.Error("no heading")
				}
			})
		}
	}
}

// Searching a two-character Chinese word finds the article, through the
// title index and through Pagefind's full text.
func TestSearchChinese(t *testing.T) {
	browser.Path(t)
	if _, ok := search.Find(mirrortest.RepoRoot(t)); !ok {
		if os.Getenv("MIRROR_REQUIRE_BROWSER") != "" {
			t.Fatal("Pagefind is not installed (npm ci)")
		}
		t.Skip("Pagefind is not installed (npm ci)")
	}
	b := browser.Start(t, exampleSite(t))
	for _, tt := range []struct{ query, inTitles, inFullText string }{
		{"苔藓", "城市里的苔藓", "城市里的苔藓"},           // a word in the title
		{"铜匠", "老街上的最后一家铜匠铺", "老街上的最后一家铜匠铺"}, // inside a title word: Pagefind alone misses such substrings
		{"膝盖", "", "城市里的苔藓"},                 // body text only
	} {
		b.Open(t, "/search/?q="+tt.query)
		b.Do(t, chromedp.Sleep(1500*time.Millisecond))
		titles := browser.Eval[string](t, b, `document.getElementById('title-results').textContent`)
		full := browser.Eval[string](t, b, `document.getElementById('full-results').textContent`)
		if tt.inTitles != "" && !strings.Contains(titles, tt.inTitles) {
			t.Errorf("%s: title results %q lack %s", tt.query, titles, tt.inTitles)
		}
		if !strings.Contains(full, tt.inFullText) {
			t.Errorf("%s: full-text results %q lack %s", tt.query, full, tt.inFullText)
		}
		if errs := b.Errors(); len(errs) > 0 {
			t.Errorf("console errors: %v", errs)
		}
		if foreign := b.Foreign(); len(foreign) > 0 {
			t.Errorf("requests to other hosts: %v", foreign)
		}
	}
}

// TestScreenshots writes docs/screenshots/*.png when run with -screenshots
// (make screenshots): home, an article, a category and search results, in
// light and dark, at phone and desktop widths.
func TestScreenshots(t *testing.T) {
	if !*screenshots {
		t.Skip("run with -screenshots to write docs/screenshots")
	}
	browser.Path(t)
	dir := filepath.Join(mirrortest.RepoRoot(t), "docs", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	b := browser.Start(t, exampleSite(t))
	shots := map[string]string{"home": "/", "article": examplePages["article"], "category": "/categories/life/", "search": "/search/?q=苔藓"}
	for _, scheme := range []string{"light", "dark"} {
		b.ColorScheme(t, scheme)
		for _, size := range []struct {
			name string
			w, h int64
		}{{"phone", 390, 844}, {"desktop", 1280, 900}} {
			b.Viewport(t, size.w, size.h)
			for name, path := range shots {
				b.Open(t, path, chromedp.Sleep(800*time.Millisecond))
				// Load the lazy images below the fold, then go back up.
				browser.Eval[any](t, b, `window.scrollTo(0, document.body.scrollHeight)`)
				b.Do(t, chromedp.Sleep(500*time.Millisecond))
				browser.Eval[any](t, b, `window.scrollTo(0, 0)`)
				shot := b.Screenshot(t)
				checkScreenshot(t, shot, size.w)
				if err := os.WriteFile(filepath.Join(dir, name+"-"+size.name+"-"+scheme+".png"), shot, 0o644); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
}

// checkScreenshot checks a screenshot is a PNG of a page at the width
// asked (in device pixels: phones have two per CSS pixel), and shows
// something: not one color.
func checkScreenshot(t *testing.T, data []byte, width int64) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	b := img.Bounds()
	if w := int64(b.Dx()); w != width && w != 2*width {
		t.Errorf("the screenshot is %d pixels wide, asked for %d", w, width)
	}
	first := img.At(b.Min.X, b.Min.Y)
	for y := b.Min.Y; y < b.Max.Y; y += 7 {
		for x := b.Min.X; x < b.Max.X; x += 7 {
			if img.At(x, y) != first {
				return
			}
		}
	}
	t.Error("the screenshot is blank")
}
