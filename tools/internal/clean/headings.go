package clean

import (
	"context"
	"slices"
	"strconv"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
)

// Headings renumbers an article's headings to start below the page's own
// h1 (its title) and never skip a level: screen-reader users move by them,
// and a skip or a second h1 breaks that outline. Their order is kept: the
// article's highest level becomes h2, the next h3, and a heading is at most
// one level below the one before it.
func Headings(_ context.Context, a *article.Article) error {
	var headings []*html.Node
	body.Walk(a.Doc, func(n *html.Node) {
		if headingLevel(n) > 0 {
			headings = append(headings, n)
		}
	})
	var levels []int
	for _, h := range headings {
		if l := headingLevel(h); !slices.Contains(levels, l) {
			levels = append(levels, l)
		}
	}
	slices.Sort(levels)
	previous := 1 // the page's title
	for _, h := range headings {
		level := min(2+slices.Index(levels, headingLevel(h)), previous+1, 6)
		h.Data = "h" + strconv.Itoa(level)
		h.DataAtom = atom.Lookup([]byte(h.Data))
		previous = level
	}
	return nil
}

func headingLevel(n *html.Node) int {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		return int(n.Data[1] - '0')
	}
	return 0
}
