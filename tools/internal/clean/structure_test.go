package clean

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
)

func TestStructureHeadings(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"h1 in the body", `<h1>A</h1><p>x</p><h2>B</h2>`, "h2 h3"},
		{"starting at h3", `<h3>A</h3><h4>B</h4><h3>C</h3>`, "h2 h3 h2"},
		{"a skipped level", `<h2>A</h2><h4>B</h4>`, "h2 h3"},
		{"a deep heading first", `<h4>A</h4><h2>B</h2><h3>C</h3><h4>D</h4>`, "h2 h2 h3 h4"},
		{"nested in WeChat sections", `<section><section><h5>A</h5></section><h6>B</h6></section>`, "h2 h3"},
		{"already right", `<h2>A</h2><h3>B</h3><h2>C</h2>`, "h2 h3 h2"},
		{"no headings", `<p>x</p>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := body.Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			a := &article.Article{Doc: doc}
			if err := Structure(t.Context(), a); err != nil {
				t.Fatal(err)
			}
			var got []string
			body.Walk(doc, func(n *html.Node) {
				if headingLevel(n) > 0 {
					got = append(got, n.Data)
				}
			})
			if strings.Join(got, " ") != tt.want {
				t.Errorf("%s → %v, want %s", tt.in, got, tt.want)
			}
			out, _ := body.Render(doc)
			if strings.Count(string(out), "<h") != strings.Count(string(out), "</h") {
				t.Errorf("unbalanced: %s", out)
			}
		})
	}
}

func TestStructureOrphanListItems(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"continuing a numbered list (WeChat)",
			`<ol><li>一</li></ol><ul><li>a</li></ul><li>二</li><ul><li>b</li></ul><li>三</li>`,
			`<ol><li>一</li></ol><ul><li>a</li></ul><ol start="2"><li>二</li></ol><ul><li>b</li></ul><ol start="3"><li>三</li></ol>`},
		{"a run kept together", `<p>x</p><li>a</li> <li>b</li><p>y</p>`, `<p>x</p><ul><li>a</li><li>b</li></ul> <p>y</p>`},
		{"a numbered list with its own start", `<ol start="5"><li>五</li></ol><li>六</li>`, `<ol start="5"><li>五</li></ol><ol start="6"><li>六</li></ol>`},
		{"text between breaks the run", `<li>a</li>text<li>b</li>`, `<ul><li>a</li></ul>text<ul><li>b</li></ul>`},
		{"in a section", `<section><li>a</li></section>`, `<section><ul><li>a</li></ul></section>`},
		{"lists left alone", `<ul><li>a</li></ul><ol><li>b</li></ol>`, `<ul><li>a</li></ul><ol><li>b</li></ol>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := body.Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if err := Structure(t.Context(), &article.Article{Doc: doc}); err != nil {
				t.Fatal(err)
			}
			out, _ := body.Render(doc)
			if got := string(out); got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
		})
	}
}
