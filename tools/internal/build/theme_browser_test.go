package build_test

import (
	"bytes"
	"flag"
	"image/png"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
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
	"tag":      "/tags/%E5%B1%B1%E9%87%8E%E6%A4%8D%E7%89%A9%E5%BF%97/",
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

// The search page finds any run of two Han characters of a title or a
// body, in simplified or traditional script, filters and sorts, keeps the
// query in the URL, marks the hits as text, says when the index is gone,
// and fetches little per query.
func TestSearchPage(t *testing.T) {
	browser.Path(t)
	site := exampleSite(t)
	b := browser.Start(t, site)
	results := func() string {
		return browser.Eval[string](t, b, `[...document.querySelectorAll('#results li')].map(li => li.querySelector('a').textContent).join('|')`)
	}
	for _, tt := range []struct{ query, want, not string }{
		{"苔藓", "城市里的苔藓", ""},                  // a title word
		{"铜匠", "老街上的最后一家铜匠铺", ""},             // inside a title word
		{"膝盖", "城市里的苔藓", "铜匠"},                // body text only
		{"苔蘚", "城市里的苔藓", ""},                  // traditional
		{"城市里的苔", "城市里的苔藓", "铜匠"},             // across words
		{"苔", "", "苔藓"},                       // one character: asks for two
		{"<script>alert(1)</script>", "", ""}, // text, not markup
	} {
		b.Open(t, "/search/?q="+url.QueryEscape(tt.query), chromedp.Sleep(700*time.Millisecond))
		got := results()
		if tt.want != "" && !strings.Contains(got, tt.want) {
			t.Errorf("%s: results %q lack %s", tt.query, got, tt.want)
		}
		if tt.not != "" && strings.Contains(got, tt.not) {
			t.Errorf("%s: results %q hold %s", tt.query, got, tt.not)
		}
		if errs := b.Errors(); len(errs) > 0 {
			t.Errorf("%s: console errors: %v", tt.query, errs)
		}
		if foreign := b.Foreign(); len(foreign) > 0 {
			t.Errorf("requests to other hosts: %v", foreign)
		}
	}
	if n := browser.Eval[int](t, b, `document.querySelectorAll('#results script, #results img').length`); n != 0 {
		t.Errorf("markup from a query in the results: %d elements", n)
	}

	// The first query, everything it fetched included; hits marked.
	b.Open(t, "/search/?q=%E8%8B%94%E8%97%93", chromedp.Sleep(700*time.Millisecond))
	if bytes := browser.Eval[int](t, b, `window.searchBytes`); bytes <= 0 || bytes > 300<<10 {
		t.Errorf("a first query fetched %d bytes", bytes)
	} else {
		t.Logf("a first query: %d bytes fetched, results shown after %.0f ms", bytes, browser.Eval[float64](t, b, `window.searchMs`))
	}
	if marks := browser.Eval[string](t, b, `[...document.querySelectorAll('#results mark')].map(m => m.textContent).join('|')`); !strings.Contains(marks, "苔藓") {
		t.Errorf("hits not marked: %q", marks)
	}

	// Typing, filters and sorting, and the URL that keeps them.
	b.Open(t, "/search/", chromedp.Sleep(300*time.Millisecond))
	b.Do(t, chromedp.SendKeys("#q", "一个"), chromedp.Sleep(700*time.Millisecond))
	all := results()
	browser.Eval[bool](t, b, `(() => { const s = document.getElementById('f-category'); s.value = 'Life'; return s.dispatchEvent(new Event('change')); })()`)
	b.Do(t, chromedp.Sleep(500*time.Millisecond))
	life := results()
	if all == "" || life == "" || len(life) >= len(all) {
		t.Errorf("the category filter: %q of %q", life, all)
	}
	if u := browser.Eval[string](t, b, `location.search`); !strings.Contains(u, "q=") || !strings.Contains(u, "category=Life") {
		t.Errorf("the URL does not keep the query: %s", u)
	}
	b.Open(t, "/search/?q=%E4%B8%80%E4%B8%AA&category=Life&sort=date", chromedp.Sleep(700*time.Millisecond))
	if got := results(); got != life && !sameSet(got, life) {
		t.Errorf("the URL's query and filter: %q, want %q", got, life)
	}
	dates := browser.Eval[[]string](t, b, `[...document.querySelectorAll('#results time')].map(t => t.textContent)`)
	if !sort.SliceIsSorted(dates, func(i, j int) bool { return dates[i] > dates[j] }) {
		t.Errorf("sorted by date: %v", dates)
	}

	// No index: the page says so.
	os.RemoveAll(filepath.Join(site, search.Dir))
	b.Open(t, "/search/?q=%E8%8B%94%E8%97%93", chromedp.Sleep(700*time.Millisecond))
	if status := browser.Eval[string](t, b, `document.getElementById('search-status').textContent`); !strings.Contains(status, "搜索暂不可用") {
		t.Errorf("no index: status %q", status)
	}
}

func sameSet(a, b string) bool {
	x, y := strings.Split(a, "|"), strings.Split(b, "|")
	sort.Strings(x)
	sort.Strings(y)
	return strings.Join(x, "|") == strings.Join(y, "|")
}

// TestScreenshots writes docs/screenshots/*.png when run with -screenshots
// (make screenshots): home, an article, a category and search results, in
// light and dark, at phone and desktop widths.
func TestScreenshots(t *testing.T) {
	if !*screenshots {
		t.Skip("run with -screenshots to write docs/screenshots")
	}
	browser.Path(t)
	// Without a Chinese font every Chinese word would be drawn as boxes.
	if out, _ := exec.Command("fc-list", ":lang=zh").Output(); len(bytes.TrimSpace(out)) == 0 {
		t.Fatal("no Chinese font (fc-list :lang=zh): the screenshots would show boxes; apt-get install fonts-noto-cjk")
	}
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
