package build_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/capture"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/origin"
)

// Two articles fetched from WeChat-shaped pages build into the archive:
// their images localized, and the links between them local links, in
// whichever URL form each article used.
func TestFetchedArticlesBuild(t *testing.T) {
	pages := map[string]string{"/s/TestShortA1": "article.html", "/s/TestShortB2": "article2.html"}
	wechat := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, err := os.ReadFile(filepath.Join("..", "capture", "testdata", "wechat", pages[r.URL.Path]))
		if err != nil {
			http.NotFound(w, r)
			return
		}
		w.Write(data)
	}))
	defer wechat.Close()
	base, _ := url.Parse(wechat.URL)
	f := capture.NewFetcher(map[string]*url.URL{capture.WeChatHost: base})

	s := newTestSite(t, "")
	images := origin.New()
	written := map[string]string{}
	for path := range pages {
		c, err := f.Capture(t.Context(), "https://mp.weixin.qq.com"+path)
		if err != nil {
			t.Fatal(err)
		}
		w, err := capture.Write(c, capture.Options{ContentDir: s.Content, Category: "Life", Now: time.Now(), Bookkeeping: []string{"fetched"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := links.AddEquivalence(s.Site, c.Fetched, c.Source); err != nil {
			t.Fatal(err)
		}
		images.AddFromHTML([]byte(c.Body), "mmbiz.qpic.cn")
		rel, _ := filepath.Rel(s.Content, w.Path)
		written[path] = strings.TrimSuffix(filepath.ToSlash(rel), ".md")
	}
	imageServer := httptest.NewServer(images)
	defer imageServer.Close()
	imgBase, _ := url.Parse(imageServer.URL)
	s.Opts.Offline, s.Opts.Remap = false, map[string]*url.URL{"mmbiz.qpic.cn": imgBase}
	r := s.build(t)
	if r.Images == nil || r.Images.Stored != 2 {
		t.Errorf("images: %+v", r.Images)
	}

	a, b := written["/s/TestShortA1"], written["/s/TestShortB2"]
	pageA, err := os.ReadFile(filepath.Join(s.Opts.Dest, filepath.FromSlash(a), "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	pageB, _ := os.ReadFile(filepath.Join(s.Opts.Dest, filepath.FromSlash(b), "index.html"))
	for name, page := range map[string][]byte{a: pageA, b: pageB} {
		for _, m := range regexp.MustCompile(`<img[^>]*\ssrc="([^"]+)"`).FindAllSubmatch(page, -1) {
			if src := string(m[1]); strings.Contains(src, "qpic.cn") {
				t.Errorf("%s: image not localized: %s", name, src)
			}
		}
		if !strings.Contains(string(page), `src="/media/`) {
			t.Errorf("%s: no localized image", name)
		}
	}
	if !strings.Contains(string(pageA), `href="/`+b+`/"`) {
		t.Errorf("A's link (short form) does not lead to B's page /%s/", b)
	}
	if !strings.Contains(string(pageB), `href="/`+a+`/"`) {
		t.Errorf("B's link (long form) does not lead to A's page /%s/", a)
	}
	if !strings.Contains(string(pageA), "城市里的苔藓：一份观察笔记") || !strings.Contains(string(pageA), "山野植物志") {
		t.Error("A's page lacks its title or account")
	}
}
