package stage

import (
	"bytes"
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
)

func htmlArticle(rel, body string) *article.Article {
	a := article.Parse(rel, "content/"+rel, []byte("---\ntitle: T\n---\n"))
	a.Body = []byte(body)
	a.BodyFormat = article.HTML
	return a
}

// A spliced page is what Hugo would have written had the body been staged
// whole: the body in place of its marker, relref links resolved.
func TestSplice(t *testing.T) {
	fs := afero.NewMemMapFs()
	st, err := New(fs, "/staged", "/REF", NewDefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	body := `<p>x &amp; {{< not >}}</p><a href="/REF/dir/b">b</a><a href="/REF/c">c</a>`
	rel, whole, err := st.Write(htmlArticle("dir/a.md", body), "tag1")
	if err != nil {
		t.Fatal(err)
	}
	staged, _ := afero.ReadFile(fs, "/staged/"+rel)
	if bytes.Contains(staged, []byte("<p>")) || !bytes.HasPrefix(staged, whole[:bytes.Index(whole, []byte("<p>"))]) {
		t.Fatalf("staged file holds the body or lost its front matter:\n%s", staged)
	}
	_, bodyAt, _ := splitStaged(whole)
	page := "<html><div>" + string(staged[bytes.Index(staged, []byte("<!--")):]) + "</div></html>"
	var out bytes.Buffer
	links := map[string]string{"/dir/b": "/archive/b/", "/c": "/x?a=1&b=2"}
	if err := st.Splice(&out, "/public/dir/a/index.html", []byte(page), func(ref string) string { return links[ref] }); err != nil {
		t.Fatal(err)
	}
	want := "<html><div>" + strings.NewReplacer(`{{< relref "/dir/b" >}}`, "/archive/b/", `{{< relref "/c" >}}`, "/x?a=1&amp;b=2").Replace(string(bodyAt)) + "</div></html>"
	if out.String() != want {
		t.Errorf("spliced:\n%s\nwant:\n%s", out.String(), want)
	}
	if !strings.Contains(want, `&#123;&#123;< not >}}`) {
		t.Errorf("the body's own shortcode syntax is not escaped: %s", want)
	}

	// Pages without markers, or with a marker of another secret, are
	// written as they are.
	for _, page := range []string{"<p>plain</p>", "<!--mirror-body 00000000000000000000000000000000 dir/a.html-->"} {
		out.Reset()
		if err := st.Splice(&out, "/public/index.html", []byte(page), nil); err != nil || out.String() != page {
			t.Errorf("Splice(%q) = %q, %v", page, out.String(), err)
		}
	}
	// A marker the theme escaped, or put in a feed, is an error: the page
	// would show it, not the body.
	marker := string(staged[bytes.Index(staged, []byte("<!--")):])
	for name, page := range map[string]string{
		"/public/index.html": "<meta content=\"" + strings.NewReplacer("<", "&lt;", ">", "&gt;").Replace(marker) + "\">",
		"/public/index.xml":  "<description>" + marker + "</description>",
	} {
		out.Reset()
		if err := st.Splice(&out, name, []byte(page), nil); err == nil || !strings.Contains(err.Error(), "spliceBodies = false") {
			t.Errorf("Splice(%s, %q): %v, want an error", name, page, err)
		}
	}
}

// The secret and the staged files survive between builds; a stage
// without its secret restages everything, and bodies of articles gone or
// staged whole are removed.
func TestSpliceAcrossBuilds(t *testing.T) {
	fs := afero.NewMemMapFs()
	write := func(cfg Config, rels ...string) *Stage {
		t.Helper()
		st, err := New(fs, "/staged", "/REF", cfg)
		if err != nil {
			t.Fatal(err)
		}
		for _, rel := range rels {
			if !st.Current(strings.TrimSuffix(rel, ".md")+".html", "tag") {
				if _, _, err := st.Write(htmlArticle(rel, "<p>"+rel+"</p>"), "tag"); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := st.Finish(); err != nil {
			t.Fatal(err)
		}
		return st
	}
	first := write(NewDefaultConfig(), "a.md", "b.md")
	second := write(NewDefaultConfig(), "a.md")
	if !bytes.Equal(first.marker, second.marker) {
		t.Error("the secret changed between builds")
	}
	for _, p := range []string{"/staged/b.html", "/staged.bodies/b.html"} {
		if ok, _ := afero.Exists(fs, p); ok {
			t.Errorf("%s of a removed article stayed", p)
		}
	}
	if ok, _ := afero.Exists(fs, "/staged/a.html"); !ok {
		t.Error("an article still there was removed")
	}
	fs.Remove("/staged.secret")
	third := write(NewDefaultConfig(), "a.md")
	staged, _ := afero.ReadFile(fs, "/staged/a.html")
	if bytes.Equal(third.marker, first.marker) || !bytes.Contains(staged, third.marker) {
		t.Errorf("a new secret did not restage the article: %s", staged)
	}
	write(Config{}, "a.md")
	staged, _ = afero.ReadFile(fs, "/staged/a.html")
	if !bytes.Contains(staged, []byte("<p>a.md</p>")) {
		t.Errorf("bodies staged whole again: %s", staged)
	}
	if ok, _ := afero.Exists(fs, "/staged.bodies"); ok {
		t.Error("bodies kept apart stayed when they are staged whole")
	}
}
