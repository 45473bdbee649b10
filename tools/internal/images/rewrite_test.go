package images

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/store"
)

func TestRewrite(t *testing.T) {
	m := store.NewManifest()
	ok := func(raw, file string, w, h int) {
		key, u, _ := Key(raw)
		m.Set(store.Entry{Key: key, URL: u, Status: store.OK, File: file, Width: w, Height: h})
	}
	ok("https://mmbiz.qpic.cn/a/640?wx_fmt=png", "aa/a.png", 1080, 608)
	key0, _, _ := Key("https://mmbiz.qpic.cn/a/640?wx_fmt=png")
	e0, _ := m.Get(key0)
	e0.Variants = store.Variants{{Width: 540, File: "cc/a540.png"}}
	m.Set(e0)
	ok("https://mmbiz.qpic.cn/head/0?wx_fmt=png", "hh/h.png", 300, 300)
	ok("https://mmbiz.qpic.cn/bg/640", "bb/b.jpg", 10, 10)
	key, u, _ := Key("https://mmbiz.qpic.cn/gone/640")
	m.Set(store.Entry{Key: key, URL: u, Status: store.Failed, Error: "HTTP 404", Permanent: true})
	tests := []struct {
		name, in string
		want     []string
		findings []string
		remote   string
	}{
		{"data-src wins over a placeholder src",
			`<img data-src="https://mmbiz.qpic.cn/a/640?wx_fmt=png&amp;from=appmsg" src="data:image/svg+xml,x" data-w="1080">`,
			[]string{`src="/arch/media/aa/a.png"`, `srcset="/arch/media/cc/a540.png 540w, /arch/media/aa/a.png 1080w"`, `sizes="`, `width="1080"`, `height="608"`, `loading="lazy"`, `decoding="async"`, `data-origin="https://mmbiz.qpic.cn/a/640?wx_fmt=png"`},
			nil, "link"},
		{"protocol-relative src",
			`<img src="//mmbiz.qpic.cn/a/640?wx_fmt=png#imgIndex=2">`,
			[]string{`src="/arch/media/aa/a.png"`}, nil, "link"},
		{"failed image stays remote without a referrer (remote = load)",
			`<img data-src="http://mmbiz.qpic.cn/gone/640">`,
			[]string{`src="https://mmbiz.qpic.cn/gone/640"`, `referrerpolicy="no-referrer"`},
			[]string{RuleFailed}, "load"},
		{"failed image becomes a link (the default)",
			`<img data-src="http://mmbiz.qpic.cn/gone/640" alt="a chart">`,
			[]string{`<a href="https://mmbiz.qpic.cn/gone/640" rel="noopener noreferrer" referrerpolicy="no-referrer" data-mirror="remote-image">Image not archived (a chart): open it on its original site</a>`},
			[]string{RuleFailed}, "link"},
		{"not fetched (offline)",
			`<img src="https://mmbiz.qpic.cn/never/640">`,
			[]string{`referrerpolicy="no-referrer"`}, []string{RuleOffline}, "load"},
		{"host not allowed",
			`<img src="https://static.cnbetacdn.com/a.webp">`,
			[]string{`src="https://static.cnbetacdn.com/a.webp"`, `referrerpolicy="no-referrer"`}, []string{RuleNotAllowed}, "load"},
		{"profile avatar", `<mp-common-profile data-headimg="http://mmbiz.qpic.cn/head/0?wx_fmt=png"></mp-common-profile>`,
			[]string{`data-headimg="/arch/media/hh/h.png"`}, nil, "link"},
		{"background image", `<section style="background-image: url(&quot;https://mmbiz.qpic.cn/bg/640&quot;); color: red">x</section>`,
			[]string{`url(&#34;/arch/media/bb/b.jpg&#34;)`, `color: red`}, nil, "link"},
		{"srcset", `<img src="https://mmbiz.qpic.cn/a/640" srcset="https://mmbiz.qpic.cn/a/640 2x, https://other.example/x.png 1x">`,
			[]string{`srcset="/arch/media/cc/a540.png 540w, /arch/media/aa/a.png 1080w"`}, []string{RuleNotAllowed}, "link"},
		{"video poster", `<video poster="https://mmbiz.qpic.cn/bg/640"></video>`, []string{`poster="/arch/media/bb/b.jpg"`}, nil, "link"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := body.Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			a := &article.Article{File: "content/a.md", Doc: doc}
			cfg := NewDefaultConfig()
			cfg.Remote = tt.remote
			r := NewRewriter(cfg, m, "/arch/media/")
			if err := r.Rewrite(context.Background(), a); err != nil {
				t.Fatal(err)
			}
			out, _ := body.Render(a.Doc)
			for _, w := range tt.want {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %s:\n%s", w, out)
				}
			}
			if strings.Contains(string(out), "data-src=") {
				t.Errorf("lazy attribute left: %s", out)
			}
			var got []string
			for _, f := range a.Findings {
				got = append(got, f.Rule)
			}
			if strings.Join(got, ",") != strings.Join(tt.findings, ",") {
				t.Errorf("findings %v, want %v", a.Findings, tt.findings)
			}
		})
	}
}

// Past maxReports an article's images are counted, a line per rule, under
// the rule that holds for them: offline images are not failures.
func TestRewriteCountsUnnamedImagesByRule(t *testing.T) {
	m := store.NewManifest()
	var html strings.Builder
	for i := range maxReports + 6 {
		fmt.Fprintf(&html, `<img src="https://mmbiz.qpic.cn/never/%d">`, i)
	}
	key, u, _ := Key("https://mmbiz.qpic.cn/gone/1")
	m.Set(store.Entry{Key: key, URL: u, Status: store.Failed, Error: "HTTP 404", Permanent: true})
	html.WriteString(`<img src="https://mmbiz.qpic.cn/gone/1">`)
	doc, err := body.Parse([]byte(html.String()))
	if err != nil {
		t.Fatal(err)
	}
	a := &article.Article{File: "content/a.md", Doc: doc}
	if err := NewRewriter(NewDefaultConfig(), m, "/media/").Rewrite(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	var last []string
	for _, f := range a.Findings[maxReports:] {
		last = append(last, f.Rule+": "+f.Message)
	}
	want := []string{RuleOffline + ": and 6 more images left remote", RuleFailed + ": and 1 more image left remote"}
	if strings.Join(last, "|") != strings.Join(want, "|") {
		t.Errorf("past the named ones: %q, want %q", last, want)
	}
}

// A key tells the host of its URL, as a parse of the URL fetched would.
func TestHostOfKey(t *testing.T) {
	for _, raw := range []string{
		"https://mmbiz.qpic.cn/mmbiz_png/ABC/640?wx_fmt=png",
		"//MMBIZ.QPIC.CN/a.png",
		"http://example.com:8080/i.png",
		"http://[::1]:8080/i.png",
		"http://[fe80::1]/i.png",
		"https://example.com",
		"https://example.com?id=1",
		"https://user:pw@example.com/i.png",
		"https://xn--fsq.example/%E5%9B%BE.png",
		"http://127.0.0.1:9/i.png#frag",
	} {
		key, fetchURL, ok := Key(raw)
		if !ok {
			t.Errorf("Key(%q) refused", raw)
			continue
		}
		u, err := url.Parse(fetchURL)
		if err != nil {
			t.Fatal(err)
		}
		if got := hostOfKey(key); got != u.Hostname() {
			t.Errorf("hostOfKey(%q) = %q, want %q (of %s)", key, got, u.Hostname(), raw)
		}
	}
}

func TestKey(t *testing.T) {
	same := []string{
		"https://mmbiz.qpic.cn/mmbiz_png/ABC/640?wx_fmt=png&from=appmsg",
		"http://mmbiz.qpic.cn/mmbiz_png/ABC/640?wx_fmt=png&amp;tp=webp&amp;wxfrom=5&amp;wx_lazy=1&amp;wx_co=1",
		"//MMBIZ.QPIC.CN/mmbiz_png/ABC/640?wx_fmt=jpeg#imgIndex=3",
		" https://mmbiz.qpic.cn/mmbiz_png/ABC/640 ",
	}
	want, fetchURL, _ := Key(same[0])
	for _, s := range same[1:] {
		if k, _, ok := Key(s); !ok || k != want {
			t.Errorf("Key(%q) = %q, want %q", s, k, want)
		}
	}
	if fetchURL != "https://mmbiz.qpic.cn/mmbiz_png/ABC/640?wx_fmt=png" {
		t.Errorf("fetch URL %q", fetchURL)
	}
	if a, _, _ := Key("https://mmbiz.qpic.cn/mmbiz_png/ABC/0"); a == want {
		t.Error("different sizes share a key")
	}
	if a, _, _ := Key("https://example.com/i.png?id=1"); a == func() string { k, _, _ := Key("https://example.com/i.png?id=2"); return k }() {
		t.Error("meaningful query ignored")
	}
	for _, bad := range []string{"data:image/png;base64,xx", "/relative.png", "javascript:alert(1)", ""} {
		if _, _, ok := Key(bad); ok {
			t.Errorf("Key(%q) accepted", bad)
		}
	}
}

func TestScanFindsEveryKindOfReference(t *testing.T) {
	html := `<img data-src="https://mmbiz.qpic.cn/1/640" src="https://mmbiz.qpic.cn/placeholder">
<img lazyload="https://x0.ifengimg.com/a.jpg" src="https://d.ifengimg.com/w1080/a.jpg">
<img srcset="https://h.example/2.png 1x, https://h.example/3.png 2x">
<section data-backsrc="https://h.example/4.png" style="background-image:url('https://h.example/5.png')"></section>
<mp-common-profile data-headimg="http://mmbiz.qpic.cn/6/0"></mp-common-profile>
<video poster="https://h.example/7.jpg"></video>
<iframe class="video_iframe" data-cover="http%3A%2F%2Fmmbiz.qpic.cn%2F8%2F0%3Fwx_fmt%3Djpeg"></iframe>`
	var got []string
	for _, r := range scanAll([]byte(html)) {
		got = append(got, r.Key)
	}
	want := "mmbiz.qpic.cn/1/640 x0.ifengimg.com/a.jpg h.example/2.png h.example/3.png h.example/4.png h.example/5.png mmbiz.qpic.cn/6/0 h.example/7.jpg mmbiz.qpic.cn/8/0"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
}

// scanAll lists every image of a body, with no limit.
func scanAll(body []byte) []Ref {
	refs, _ := Scan(body, math.MaxInt)
	return refs
}

// Scan keeps the first images up to the limit and counts the others.
func TestScanLimit(t *testing.T) {
	var b strings.Builder
	for i := range 50 {
		fmt.Fprintf(&b, `<img src="https://mmbiz.qpic.cn/a/%d/640"><img src="https://mmbiz.qpic.cn/a/%d/640">`, i, i)
	}
	refs, more := Scan([]byte(b.String()), 10)
	if len(refs) != 10 || more != 40 {
		t.Errorf("%d refs, %d more; want 10 and 40", len(refs), more)
	}
}
