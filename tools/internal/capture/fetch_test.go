package capture

import (
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// wechatServer serves the WeChat-shaped pages of testdata/wechat (written
// for this project) at the paths fetchers meet them.
func wechatServer(t *testing.T) (*Fetcher, *int) {
	t.Helper()
	pages := map[string]string{
		"/s/TestShortA1": "article.html", "/s/TestShortB2": "article2.html", "/s/TestText": "textshare.html", "/s/TestPictures": "imageshare.html",
		"/s/Deleted": "deleted.html", "/s/Violation": "violation.html", "/s/Failed": "failed.html",
		"/s/Privacy": "privacy.html", "/s/Expired": "expired.html", "/s/Gone": "account-gone.html",
		"/s/Captcha": "captcha.html", "/s/Video": "notarticle.html",
	}
	requests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests++
		if r.URL.Path == "/s/Away" {
			http.Redirect(w, r, "https://example.org/elsewhere", http.StatusFound)
			return
		}
		name, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		data, err := os.ReadFile(filepath.Join("testdata", "wechat", name))
		if err != nil {
			t.Error(err)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(data)
	}))
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	return NewFetcher(map[string]*url.URL{WeChatHost: base}), &requests
}

// Fetching the WeChat-shaped pages: title, account, date in UTC+8, body
// and the canonical URL are right (golden files), and a second fetch
// writes nothing.
func TestFetchGolden(t *testing.T) {
	f, _ := wechatServer(t)
	content := t.TempDir()
	for _, short := range []string{"TestShortA1", "TestShortB2", "TestText", "TestPictures"} {
		c, err := f.Capture(t.Context(), "https://mp.weixin.qq.com/s/"+short)
		if err != nil {
			t.Fatalf("%s: %v", short, err)
		}
		w, err := Write(c, Options{ContentDir: content, Category: "Life", Now: now, Bookkeeping: []string{"fetched"}})
		if err != nil || !w.Created {
			t.Fatalf("%s: %+v %v", short, w, err)
		}
		got, _ := os.ReadFile(w.Path)
		golden := filepath.Join("testdata", "golden", short+".md")
		if *update {
			os.MkdirAll(filepath.Dir(golden), 0o755)
			os.WriteFile(golden, got, 0o644)
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run with -update)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s: the content file differs from %s:\n%s", short, golden, got)
		}
		again, err := Write(c, Options{ContentDir: content, Category: "Life", Now: now.Add(time.Hour), Bookkeeping: []string{"fetched"}})
		if err != nil || again.Changed {
			t.Errorf("%s: a second fetch wrote: %+v %v", short, again, err)
		}
	}
	c, _ := f.Capture(t.Context(), "https://mp.weixin.qq.com/s/TestShortA1")
	if want := time.Date(2025, 3, 4, 20, 30, 0, 0, ChinaTime); !c.Published.Equal(want) || c.Published.Format("-07:00") != "+08:00" {
		t.Errorf("published %v, want %v in UTC+8", c.Published, want)
	}
	if c.Source != "https://mp.weixin.qq.com/s?__biz=MzkxMjM0NTY3OA==&mid=2651000999&idx=1&sn=5f3c2a1b" || c.Fetched != "https://mp.weixin.qq.com/s/TestShortA1" {
		t.Errorf("source %s, fetched %s", c.Source, c.Fetched)
	}
	if strings.Contains(c.Body, "visibility") || !strings.Contains(c.Body, `data-src="https://mmbiz.qpic.cn/mmbiz_png/testimg1/640?wx_fmt=png"`) {
		t.Errorf("body: %s", c.Body)
	}
}

// Every interstitial is refused with its rule, and a page that is no
// article, a URL that is not an article's, a redirect elsewhere and a
// missing page are errors that say so; nothing is written.
func TestFetchRefuses(t *testing.T) {
	f, requests := wechatServer(t)
	cases := map[string]string{
		"/s/Deleted": "capture/deleted", "/s/Violation": "capture/violation", "/s/Failed": "capture/failed",
		"/s/Privacy": "capture/privacy", "/s/Expired": "capture/expired", "/s/Gone": "capture/account-gone",
		"/s/Captcha": "capture/captcha", "/s/Video": "capture/not-article",
		"/mp/profile_ext?action=home&__biz=Mz": "not a WeChat article URL", "/s/Away": "not an allowed host",
		"/s/Missing": "404",
	}
	for path, want := range cases {
		c, err := f.Capture(t.Context(), "https://mp.weixin.qq.com"+path)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %+v, %v; want an error saying %q", path, c.Title, err, want)
		}
		var r *Refused
		if strings.HasPrefix(want, "capture/") && (!errors.As(err, &r) || r.Class.Rule() != want) {
			t.Errorf("%s: not refused as %s: %v", path, want, err)
		}
	}
	// A server that does not answer.
	closed, _ := url.Parse("http://127.0.0.1:1")
	if _, err := NewFetcher(map[string]*url.URL{WeChatHost: closed}).Capture(t.Context(), "https://mp.weixin.qq.com/s/TestShortA1"); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Errorf("unreachable: %v", err)
	}
	before := *requests
	if _, err := f.Capture(t.Context(), "https://example.org/article"); err == nil || *requests != before {
		t.Errorf("another site: %v, %d requests", err, *requests-before)
	}
}
