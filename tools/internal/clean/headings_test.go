package clean

import (
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
)

func TestHeadings(t *testing.T) {
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
			if err := Headings(t.Context(), a); err != nil {
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
