package links

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/clean"
)

// art makes an article from front matter lines and a body.
func art(path string, fm []string, bodyHTML string) *article.Article {
	src := "---\n" + strings.Join(fm, "\n") + "\n---\n" + bodyHTML
	return article.Parse(path, "content/"+path, []byte(src))
}

func footer(u string) string {
	return "<hr>\n<a href=\"" + u + "\",target=\"_blank\" rel=\"noopener noreferrer\">原文链接</a>\n"
}

func archive() []*article.Article {
	return []*article.Article{
		// Known by its footer's short URL; the data file gives its long form.
		art("a.md", []string{"title: A"}, `<p><a href="http://mp.weixin.qq.com/s?__biz=B&amp;mid=2&amp;idx=1&amp;sn=x&amp;chksm=y#wechat_redirect">to b</a>
<a href="https://mp.weixin.qq.com/s?__biz=Z&amp;mid=9&amp;idx=1&amp;sn=q&amp;scene=21">missing</a>
<a href="#top">top</a> <a href="mailto:x@y.z">mail</a> <a href="https://example.com/page">web</a>
<a href="/s/relative">relative</a></p>`+footer("https://mp.weixin.qq.com/s/AAA")),
		// Known by its front matter source and sources.
		art("b.md", []string{"title: B", "source: https://mp.weixin.qq.com/s/BBB", "sources: ['https://mp.weixin.qq.com/s?__biz=B&mid=2&idx=1']"},
			`<p><a href="https://mp.weixin.qq.com/s/AAA">back to a</a> <a href="https://mp.weixin.qq.com/s/CCC">to c</a></p>`),
		// Left out of the build.
		art("c.md", []string{"title: C", "tags: [a, b"}, `<p>x</p>`+footer("https://mp.weixin.qq.com/s/CCC")),
		art("d.md", []string{"title: D"}, `<p><a href="https://mp.weixin.qq.com/s?__biz=A&mid=1&idx=1">to a, long</a>
<a href="http://mp.weixin.qq.com/s?__biz=Z&amp;mid=9&amp;idx=1">missing again</a></p>`),
	}
}

var equivalences = [][]string{{"https://mp.weixin.qq.com/s/AAA", "https://mp.weixin.qq.com/s?__biz=A&mid=1&idx=1&sn=s"}}

func scanned(t *testing.T) (*Graph, []*article.Article) {
	t.Helper()
	as := archive()
	for _, a := range as {
		clean.Debris(context.Background(), a) // as the build does first
	}
	var entries []Entry
	for _, a := range as {
		entries = append(entries, EntryOf(a))
	}
	g := NewGraph(NewIndex(entries, KeysOf(equivalences)))
	for _, a := range as {
		if !a.HasErrors() {
			g.Scan(context.Background(), a)
		}
	}
	return g, as
}

func TestGraph(t *testing.T) {
	g, _ := scanned(t)
	if got := g.CitedBy("a.md"); !slices.Equal(got, []string{"b.md", "d.md"}) {
		t.Errorf("a cited by %v", got)
	}
	if got := g.CitedBy("b.md"); !slices.Equal(got, []string{"a.md"}) {
		t.Errorf("b cited by %v", got)
	}
	missing := g.Missing()
	if len(missing) != 1 || missing[0].URL != "https://mp.weixin.qq.com/s?__biz=Z&mid=9&idx=1&sn=q" && missing[0].URL != "https://mp.weixin.qq.com/s?__biz=Z&mid=9&idx=1" {
		t.Fatalf("missing %+v", missing)
	}
	if !slices.Equal(missing[0].CitedBy, []string{"content/a.md", "content/d.md"}) {
		t.Errorf("missing cited by %v", missing[0].CitedBy)
	}
	broken := g.Broken()
	if len(broken) != 2 || !strings.Contains(broken[0].Reason, "relative") || !strings.Contains(broken[1].Reason, "left out of the build") {
		t.Errorf("broken %+v", broken)
	}
	c := g.Counts()
	if c.Internal != 3 || c.Missing != 2 || c.External != 1 || c.Broken != 2 || c.Links != 10 {
		t.Errorf("counts %+v", c)
	}
}

func TestRewrite(t *testing.T) {
	g, as := scanned(t)
	r := NewRewriter(g, "/REF")
	a := as[0]
	doc, _ := body.Parse(a.Body)
	a.Doc = doc
	if err := r.Rewrite(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	out, _ := body.Render(a.Doc)
	for _, want := range []string{
		`href="/REF/b"`, // long form, via b's sources
		`href="https://mp.weixin.qq.com/s?__biz=Z&amp;mid=9&amp;idx=1&amp;sn=q" rel="noopener noreferrer"`,
		`href="#top">`, `href="mailto:x@y.z">`,
		`href="https://example.com/page" rel="noopener noreferrer"`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "chksm") {
		t.Error("tracking noise left in a rewritten link")
	}
	if got := a.Params[ParamCitedBy]; !slices.Equal(got.([]string), []string{"/b", "/d"}) {
		t.Errorf("citedby %v", got)
	}
	if len(a.Findings) != 1 || a.Findings[0].Rule != "link/broken" {
		t.Errorf("findings %v", a.Findings)
	}
}

func TestDecodeEquivalences(t *testing.T) {
	yaml := "- - https://a/1\n  - https://a/2\n- [https://b/1]\n"
	got, err := decodeEquivalences([]byte(yaml), "yaml")
	if err != nil || len(got) != 2 || got[0][1] != "https://a/2" {
		t.Errorf("yaml: %v %v", got, err)
	}
	toml := "articles = [['https://a/1', 'https://a/2']]\n"
	if got, err := decodeEquivalences([]byte(toml), "toml"); err != nil || len(got) != 1 {
		t.Errorf("toml: %v %v", got, err)
	}
	if _, err := decodeEquivalences([]byte("- 42\n"), "yaml"); err == nil {
		t.Error("a list of numbers was accepted")
	}
}
