package status

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/capture"
	"github.com/archivemirror/mirror/tools/internal/images/fetch"
)

var t0 = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)

func TestApply(t *testing.T) {
	day := func(d int) time.Time { return t0.AddDate(0, 0, d) }
	rec := func(s Status, since, checked int) Record {
		return Record{Source: "s", Status: s, Since: day(since), Checked: day(checked)}
	}
	answer := func(s Status, at int) Record { return Record{Source: "s", Status: s, Checked: day(at)} }
	cases := []struct {
		name  string
		old   Record
		known bool
		in    Record
		want  Record
	}{
		{"first check", Record{}, false, answer(Live, 1), rec(Live, 1, 1)},
		{"first check, unknown answer", Record{}, false, answer(Unavailable, 1), rec(Unavailable, 1, 1)},
		{"still live: since is kept", rec(Live, 1, 1), true, answer(Live, 5), rec(Live, 1, 5)},
		{"live to deleted: since is the check", rec(Live, 1, 1), true, answer(Deleted, 5), rec(Deleted, 5, 5)},
		{"still deleted: since is kept", rec(Deleted, 5, 5), true, answer(Deleted, 9), rec(Deleted, 5, 9)},
		{"unavailable does not overwrite deleted", rec(Deleted, 5, 5), true, answer(Unavailable, 9), rec(Deleted, 5, 5)},
		{"error does not overwrite live", rec(Live, 1, 1), true, answer(Error, 9), rec(Live, 1, 1)},
		{"unavailable to live", rec(Unavailable, 1, 1), true, answer(Live, 3), rec(Live, 3, 3)},
		{"deleted back to live", rec(Deleted, 5, 5), true, answer(Live, 9), rec(Live, 9, 9)},
		{"violation to account gone", rec(Violation, 2, 2), true, answer(AccountGone, 9), rec(AccountGone, 9, 9)},
	}
	for _, c := range cases {
		if got := Apply(c.old, c.known, c.in); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

// wechat serves a live article at /s/Live… and each interstitial class
// at the path named after it, from package capture's test pages.
func wechat(t testing.TB, hits *int) *url.URL {
	t.Helper()
	pages := filepath.Join("..", "capture", "testdata", "wechat")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*hits++
		name := strings.TrimPrefix(r.URL.Path, "/s/")
		switch {
		case strings.HasPrefix(name, "Live"):
			name = "article"
		case strings.HasPrefix(name, "Busy"):
			http.Error(w, "busy", http.StatusTooManyRequests)
			return
		case name == "Away":
			http.Redirect(w, r, "https://example.org/", http.StatusFound)
			return
		}
		http.ServeFile(w, r, filepath.Join(pages, strings.ToLower(name)+".html"))
	}))
	t.Cleanup(srv.Close)
	u, _ := url.Parse(srv.URL)
	return u
}

func checker(t testing.TB, hits *int) *Checker {
	f := capture.NewFetcher(map[string]*url.URL{capture.WeChatHost: wechat(t, hits)})
	return &Checker{Capture: f.Capture, Rate: 1000, Now: time.Now, Sleep: fetch.Sleep, Backoff: time.Millisecond, MaxRefusals: 3}
}

func originals(paths ...string) []Original {
	var out []Original
	for _, p := range paths {
		out = append(out, Original{File: p + ".md", Title: p, Source: "https://mp.weixin.qq.com/s/" + p})
	}
	return out
}

// Each class of page gives its status; the record is saved and read back.
func TestCheckClasses(t *testing.T) {
	site := t.TempDir()
	store, _ := Load(site)
	hits := 0
	c := checker(t, &hits)
	want := map[string]Status{
		"Live1": Live, "Deleted": Deleted, "Violation": Violation, "Privacy": Privacy, "Account-gone": AccountGone,
		"Failed": Deleted, "Captcha": Unavailable, "Expired": Unavailable, "Notarticle": Unavailable, "Away": Unavailable, "Missing": Unavailable,
	}
	var paths []string
	for p := range want {
		paths = append(paths, p)
	}
	c.MaxRefusals = 100
	sum, err := c.Run(t.Context(), store, originals(paths...), Options{})
	if err != nil || sum.Checked != len(want) {
		t.Fatalf("%+v %v", sum, err)
	}
	again, err := Load(site)
	if err != nil {
		t.Fatal(err)
	}
	for p, s := range want {
		r, ok := again.Get(ID("https://mp.weixin.qq.com/s/" + p))
		if !ok || r.Status != s {
			t.Errorf("%s: %+v, want %s", p, r, s)
		}
		if s.Vanished() && r.Message == "" {
			t.Errorf("%s: no message kept", p)
		}
	}
	if r, _ := again.Get(ID("https://mp.weixin.qq.com/s/Away")); r.Message != "redirected to another host" {
		t.Errorf("a redirect away: %q", r.Message)
	}
}

// The check goes at the rate asked, 1 a second by default: 1,000
// originals take 999 seconds of the (simulated) clock, ±10 %.
func TestCheckRate(t *testing.T) {
	clock := t0
	c := &Checker{
		Capture: func(context.Context, string) (capture.Capture, error) {
			clock = clock.Add(50 * time.Millisecond) // the request itself
			return capture.Capture{}, nil
		},
		Rate: 1, Now: func() time.Time { return clock },
		Sleep: func(_ context.Context, d time.Duration) error { clock = clock.Add(d); return nil },
	}
	var paths []string
	for i := range 1000 {
		paths = append(paths, fmt.Sprintf("Art%d", i))
	}
	store, _ := Load(t.TempDir())
	if _, err := c.Run(t.Context(), store, originals(paths...), Options{}); err != nil {
		t.Fatal(err)
	}
	if took := clock.Sub(t0); took < 899*time.Second || took > 1099*time.Second {
		t.Errorf("1,000 checks at 1/s took %s", took)
	}
}

// Interrupted, a check keeps what it found; the next starts with what it
// did not ask, then the least recently checked.
func TestCheckResumes(t *testing.T) {
	site := t.TempDir()
	hits := 0
	c := checker(t, &hits)
	var paths []string
	for i := range 20 {
		paths = append(paths, fmt.Sprintf("Live%02d", i))
	}
	ctx, cancel := context.WithCancel(t.Context())
	c.Progress = func(done, total int) {
		if done == 7 {
			cancel()
		}
	}
	store, _ := Load(site)
	sum, err := c.Run(ctx, store, originals(paths...), Options{})
	if !errors.Is(err, context.Canceled) || sum.Checked != 7 {
		t.Fatalf("%+v %v", sum, err)
	}
	c.Progress = nil
	store, _ = Load(site)
	sum, err = c.Run(t.Context(), store, originals(paths...), Options{Limit: 13})
	if err != nil || sum.Checked != 13 {
		t.Fatalf("%+v %v", sum, err)
	}
	for _, o := range sum.Selected {
		if o.Title < "Live07" {
			t.Errorf("%s asked again before the unchecked ones", o.Title)
		}
	}
	if hits != 20 {
		t.Errorf("%d requests for 20 originals", hits)
	}
}

// A check WeChat keeps refusing stops early; --only and --since narrow.
func TestCheckStopsAndNarrows(t *testing.T) {
	hits := 0
	c := checker(t, &hits)
	store, _ := Load(t.TempDir())
	// A 429 is retried by the fetcher (4 requests), a captcha is not.
	_, err := c.Run(t.Context(), store, originals("Busy1", "Captcha", "Busy2", "Live1", "Live2"), Options{})
	if !errors.Is(err, ErrThrottled) || hits != 9 {
		t.Errorf("%v after %d requests", err, hits)
	}
	store, _ = Load(t.TempDir())
	c.Run(t.Context(), store, originals("Live1", "Deleted"), Options{})
	if sum, _ := c.Run(t.Context(), store, originals("Live1", "Deleted"), Options{Only: Deleted, DryRun: true}); len(sum.Selected) != 1 || sum.Selected[0].Title != "Deleted" {
		t.Errorf("--only deleted: %+v", sum.Selected)
	}
	if sum, _ := c.Run(t.Context(), store, originals("Live1", "Deleted"), Options{Since: time.Hour, DryRun: true}); len(sum.Selected) != 0 {
		t.Errorf("--since 1h: %+v", sum.Selected)
	}
}

// A damaged record is an error naming file and line, and is not
// overwritten; two checks do not run at once.
func TestDamagedRecordAndLock(t *testing.T) {
	site := filepath.Join(t.TempDir(), "site")
	os.MkdirAll(Dir(site), 0o755)
	bad := filepath.Join(Dir(site), "ab.yaml")
	os.WriteFile(bad, []byte("# x\n\"ab01\": {\"source\": \"s\", \"status\": \"live\"}\n\"ab02\": {broken\n"), 0o644)
	if _, err := Load(site); err == nil || !strings.Contains(err.Error(), "ab.yaml:3") {
		t.Errorf("damaged: %v", err)
	}
	release, err := Lock(site)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Lock(site); err == nil || !strings.Contains(err.Error(), "another check") {
		t.Errorf("a second lock: %v", err)
	}
	release()
	if release, err := Lock(site); err != nil {
		t.Errorf("after release: %v", err)
	} else {
		release()
	}
}
