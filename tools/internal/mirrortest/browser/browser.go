// Package browser runs real headless Chromium for the project's tests: it
// serves a built site on 127.0.0.1, opens pages with chromedp, and records
// every request the pages make and every console error, so tests can say
// "nothing ran, nothing was loaded from another host".
package browser

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Path finds Chromium, or skips the test when there is none, unless
// MIRROR_REQUIRE_BROWSER is set (as CI does), which makes that a failure.
func Path(t testing.TB) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("MIRROR_REQUIRE_BROWSER") != "" {
		t.Fatal("no Chromium found and MIRROR_REQUIRE_BROWSER is set; apt-get install -y chromium")
	}
	t.Skip("no Chromium found (apt-get install -y chromium)")
	return ""
}

// Browser is a headless Chromium with one tab.
type Browser struct {
	Ctx    context.Context
	Server *httptest.Server

	mu       sync.Mutex
	requests []string
	errors   []string
	failed   []string // responses of status 400 and over: "404 URL"
}

// Start serves dir on 127.0.0.1 and starts Chromium with the flags that
// keep it off the network except for pages it is sent to.
func Start(t testing.TB, dir string) *Browser {
	t.Helper()
	return StartHandler(t, http.FileServer(http.Dir(dir)))
}

// StartHandler is Start with the site served by h (mirror serve's).
func StartHandler(t testing.TB, h http.Handler) *Browser {
	t.Helper()
	exe := Path(t)
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	b := &Browser{Ctx: ctx, Server: srv}
	// Subscribe before the first page: the subscriptions buffer events.
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	exceptions := chromedp.Events(ctx, runtime.ExceptionThrown)
	console := chromedp.Events(ctx, runtime.ConsoleAPICalled)
	responses := chromedp.Events(ctx, network.ResponseReceived)
	go func() {
		for ev, err := range responses {
			if err != nil {
				return
			}
			if ev.Response.Status >= 400 {
				b.record(&b.failed, fmt.Sprintf("%d %s", ev.Response.Status, ev.Response.URL))
			}
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			b.record(&b.requests, ev.Request.URL)
		}
	}()
	go func() {
		for ev, err := range exceptions {
			if err != nil {
				return
			}
			b.record(&b.errors, "exception: "+ev.ExceptionDetails.Text)
		}
	}()
	go func() {
		for ev, err := range console {
			if err != nil {
				return
			}
			if ev.Type == "error" || ev.Type == "assert" {
				b.record(&b.errors, "console."+string(ev.Type))
			}
		}
	}()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return b
}

func (b *Browser) record(list *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*list = append(*list, s)
}

// Open loads a site path, waits for the page to be ready, then runs steps.
func (b *Browser) Open(t testing.TB, path string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	all := append([]chromedp.Action[chromedp.Void]{chromedp.Navigate(b.Server.URL + path), chromedp.WaitReady(chromedp.CSS("body"))}, steps...)
	if err := chromedp.Do(ctx, all...); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// Eval evaluates JavaScript in the page and decodes its result.
func Eval[T any](t testing.TB, b *Browser, js string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// Do runs steps in the tab.
func (b *Browser) Do(t testing.TB, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// Foreign returns, and forgets, the requests made to anything but the
// local server (data: and about: URLs are not requests to a host).
func (b *Browser) Foreign() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	local, _ := url.Parse(b.Server.URL)
	var out []string
	for _, r := range b.requests {
		u, err := url.Parse(r)
		if err != nil || (u.Scheme != "data" && u.Scheme != "about" && u.Scheme != "blob" && u.Host != local.Host) {
			out = append(out, r)
		}
	}
	b.requests = nil
	return out
}

// Failed lists the responses of status 400 and over so far.
func (b *Browser) Failed() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.failed...)
}

// Errors returns, and forgets, the console errors and uncaught exceptions.
func (b *Browser) Errors() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.errors
	b.errors = nil
	return out
}

// Viewport sets the window size, as a phone (mobile, touch) when narrow.
func (b *Browser) Viewport(t testing.TB, width, height int64) {
	t.Helper()
	var opts []chromedp.EmulateViewportOption
	if width < 600 {
		opts = append(opts, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	b.Do(t, chromedp.EmulateViewport(width, height, opts...))
}

// ColorScheme makes the page see prefers-color-scheme as "light" or "dark".
func (b *Browser) ColorScheme(t testing.TB, scheme string) {
	t.Helper()
	_, err := chromedp.Call(b.Ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
	})
	if err != nil {
		t.Fatal(err)
	}
}

// Screenshot returns a PNG of the whole page.
func (b *Browser) Screenshot(t testing.TB) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.Ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	return png
}
