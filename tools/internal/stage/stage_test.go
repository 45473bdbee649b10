package stage

import (
	"bytes"
	"maps"
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

// The index reads back as written; a damaged one, or one of an earlier
// version (JSON), reads as none: every file is then staged again.
func TestIndexRoundTrip(t *testing.T) {
	index := map[string]string{"a.html": "tag m2 secret", "b/c.md": ""}
	if got := decodeIndex(indexBytes(index)); !maps.Equal(got, index) {
		t.Errorf("read back %v", got)
	}
	data := indexBytes(index)
	for _, damaged := range [][]byte{data[:len(data)-1], []byte(`{"a.html":"tag"}`), nil} {
		if got := decodeIndex(damaged); len(got) != 0 {
			t.Errorf("%q read as %v", damaged, got)
		}
	}
}

func indexBytes(index map[string]string) []byte {
	var b bytes.Buffer
	encodeIndex(&b, index)
	return b.Bytes()
}
