package transform

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

// forbidden is what no sanitized body may hold, whatever the payload.
var forbidden = regexp.MustCompile(`(?i)<(script|style|iframe|object|embed|form|button|input|select|textarea|base|meta|link|template|noscript|set|animate\b|marquee|audio|video)\b` +
	`|\son[a-z]+\s*=|javascript:|vbscript:|data:text|srcdoc|formaction|xlink:href|expression\(|behavior:|@import|evil\.example/x\.(js|css|htc|html)|position:\s*fixed`)

// remoteLoad finds attributes that would make a browser fetch something
// from another host by itself (links are followed only when clicked).
var remoteLoad = regexp.MustCompile(`(?i)\s(src|srcset|poster|background|style)="[^"]*https?://`)

// Every payload of the corpus comes out harmless: nothing that runs, nothing
// that loads from another host, no id that clobbers a global.
func TestXSSCorpus(t *testing.T) {
	corpus := mirrortest.XSSCorpus(t)
	if len(corpus) < 40 {
		t.Fatalf("only %d payloads", len(corpus))
	}
	for _, payload := range corpus {
		a := article.Parse("x.md", "content/x.md", []byte("---\ntitle: X\n---\n"+payload))
		transform(t, a)
		out := string(a.Body)
		if m := forbidden.FindString(out); m != "" {
			t.Errorf("payload %s\nleft %q in %s", payload, m, out)
		}
		if m := remoteLoad.FindString(out); m != "" {
			t.Errorf("payload %s\nloads from another host (%q): %s", payload, m, out)
		}
		if why := unsafeMarkup(t, a.Body); why != "" {
			t.Errorf("payload %s\nleft %s: %s", payload, why, out)
		}
		if strings.Contains(out, `id="__xss"`) || strings.Contains(out, `name="__xss"`) {
			t.Errorf("payload %s\nclobbers a global: %s", payload, out)
		}
	}
}

// unsafeMarkup parses sanitized HTML as a browser would and names the
// first thing in it that could run or load something, or "".
func unsafeMarkup(t testing.TB, b []byte) string {
	doc, err := body.Parse(b)
	if err != nil {
		return "unparseable: " + err.Error()
	}
	why := ""
	body.Walk(doc, func(n *html.Node) {
		if why != "" {
			return
		}
		switch n.Data {
		case "script", "style", "iframe", "object", "embed", "form", "base", "meta", "link", "set", "animate", "template":
			why = "element " + n.Data
			return
		}
		for _, a := range n.Attr {
			key, val := strings.ToLower(a.Key), strings.ToLower(strings.Map(dropSpace, a.Val))
			switch {
			case strings.HasPrefix(key, "on"), key == "srcdoc", key == "formaction", key == "xlink:href":
				why = "attribute " + a.Key
			case strings.HasPrefix(val, "javascript:"), strings.HasPrefix(val, "vbscript:"), strings.HasPrefix(val, "data:text"):
				why = "URL " + a.Val
			case key == "style" && (strings.Contains(val, "url(") && !strings.Contains(val, "url(/media/") || strings.Contains(val, "expression(")):
				why = "style " + a.Val
			case (key == "src" || key == "srcset") && remote(a.Val):
				why = "remote " + key + " " + a.Val
			}
		}
	})
	return why
}

// remote says whether a src or srcset makes the browser ask another host.
func remote(v string) bool {
	for _, cand := range strings.Split(v, ",") {
		f := strings.Fields(cand)
		if len(f) == 0 {
			continue
		}
		u, err := url.Parse(f[0])
		if err != nil || u.Host != "" || strings.HasPrefix(f[0], "//") || strings.HasPrefix(f[0], "/\\") {
			return true
		}
	}
	return false
}

func dropSpace(r rune) rune {
	if r <= ' ' {
		return -1
	}
	return r
}

// FuzzTransform: the whole transform (parse, images, links, clean, render,
// sanitize) never panics, never lets anything that runs through, and a
// second pass over its own output changes nothing.
func FuzzTransform(f *testing.F) {
	for _, p := range mirrortest.XSSCorpus(f) {
		f.Add(p)
	}
	f.Add("标题 by 账号\n------\n<div><p><img data-src=\"https://mmbiz.qpic.cn/a/640\"></p><mp-common-profile data-nickname=\"n\"></mp-common-profile><p><br></p><p><br></p></div>\n<hr>\n<a href=\"https://mp.weixin.qq.com/s/x\",target=\"_blank\">原文链接</a>\n")
	f.Fuzz(func(t *testing.T, payload string) {
		a := article.Parse("x.md", "content/x.md", []byte("---\ntitle: 标题\n---\n"+payload))
		if a.HasErrors() {
			return
		}
		transform(t, a)
		if why := unsafeMarkup(t, a.Body); why != "" {
			t.Fatalf("%s in %q", why, a.Body)
		}
		again := &article.Article{Path: a.Path, File: a.File, Body: a.Body, FrontMatter: a.FrontMatter, Params: a.Params}
		reclean(t, again)
		if string(again.Body) != string(a.Body) {
			t.Fatalf("second pass changed the output:\n%q\n%q", a.Body, again.Body)
		}
	})
}
