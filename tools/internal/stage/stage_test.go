package stage

import (
	"strings"
	"testing"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
)

func TestWrite(t *testing.T) {
	fs := afero.NewMemMapFs()
	st, err := New(fs, "/staged", "/REF123", Config{})
	if err != nil {
		t.Fatal(err)
	}
	a := article.Parse("dir/a.md", "content/dir/a.md", []byte("---\ntitle: A\ndraft: [\"false\"]\n---\nignored"))
	a.FrontMatter.Values["draft"] = false
	a.SetParam("summary", "短")
	a.Body = []byte(`<p>{{< shortcode >}} and {{% x %}}</p><a href="/REF123/dir/b">b</a><a href="/REF123x/evil">c</a>`)
	a.BodyFormat = article.HTML
	rel, _, err := st.Write(a, "")
	if err != nil || rel != "dir/a.html" {
		t.Fatalf("rel %q, %v", rel, err)
	}
	got, _ := afero.ReadFile(fs, "/staged/dir/a.html")
	for _, want := range []string{
		`"draft": false`, `"summary": "短"`, `"title": "A"`,
		`&#123;&#123;< shortcode >}} and &#123;&#123;% x %}}`,
		`<a href="{{< relref "/dir/b" >}}">b</a>`,
		`<a href="/REF123x/evil">c</a>`,
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("staged file lacks %s:\n%s", want, got)
		}
	}
	back := article.Parse("dir/a.html", "a.html", got)
	if back.HasErrors() || back.FrontMatter.Values["summary"] != "短" {
		t.Errorf("the staged front matter does not read back: %v", back.Findings)
	}
}
