package clean

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
)

// Structure mends what assistive technology reads as the article's
// structure and WeChat's editor leaves broken: headings that start at h1
// or skip levels, list items outside any list.
func Structure(_ context.Context, a *article.Article) error {
	var headings, items []*html.Node
	body.Walk(a.Doc, func(n *html.Node) {
		switch {
		case headingLevel(n) > 0:
			headings = append(headings, n)
		case n.DataAtom == atom.Li && !isList(n.Parent):
			items = append(items, n)
		}
	})
	renumber(headings)
	wrapOrphans(items)
	return nil
}

// renumber has headings start below the page's own h1 (its title) and
// never skip a level: screen-reader users move by them. Their order is
// kept: the article's highest level becomes h2, the next h3, and a heading
// is at most one level below the one before it.
func renumber(headings []*html.Node) {
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
}

// wrapOrphans puts list items found outside a list into one: each run of
// them becomes a list continuing the numbered list just before (WeChat
// writes "<ol><li>1</li></ol><ul>…</ul><li>2</li>"), else a bulleted one.
func wrapOrphans(items []*html.Node) {
	for i := 0; i < len(items); {
		first := items[i]
		run := 1
		for next := adjacentElement(first, true); i+run < len(items) && next == items[i+run]; next = adjacentElement(next, true) {
			run++
		}
		list := &html.Node{Type: html.ElementNode, Data: "ul", DataAtom: atom.Ul}
		if next, ok := numberedBefore(first); ok {
			list.Data, list.DataAtom = "ol", atom.Ol
			list.Attr = []html.Attribute{{Key: "start", Val: strconv.Itoa(next)}}
		}
		first.Parent.InsertBefore(list, first)
		for _, li := range items[i : i+run] {
			li.Parent.RemoveChild(li)
			list.AppendChild(li)
		}
		i += run
	}
}

// numberedBefore says which number an orphan item takes when it
// continues a numbered list: the closest ol among the lists just before it.
func numberedBefore(n *html.Node) (next int, ok bool) {
	for s := adjacentElement(n, false); s != nil && isList(s); s = adjacentElement(s, false) {
		if s.DataAtom == atom.Ol {
			start, err := strconv.Atoi(attrOr(s, "start", "1"))
			if err != nil {
				start = 1
			}
			return start + childItems(s), true
		}
	}
	return 0, false
}

func isList(n *html.Node) bool {
	return n != nil && n.Type == html.ElementNode && (n.DataAtom == atom.Ul || n.DataAtom == atom.Ol || n.DataAtom == atom.Menu)
}

func childItems(n *html.Node) int {
	count := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.DataAtom == atom.Li {
			count++
		}
	}
	return count
}

func attrOr(n *html.Node, key, fallback string) string {
	if v, ok := body.Attr(n, key); ok {
		return v
	}
	return fallback
}

// adjacentElement is the element beside n, after it or before it, across
// white space; nil across text.
func adjacentElement(n *html.Node, after bool) *html.Node {
	step := func(s *html.Node) *html.Node {
		if after {
			return s.NextSibling
		}
		return s.PrevSibling
	}
	for s := step(n); s != nil; s = step(s) {
		if s.Type == html.ElementNode {
			return s
		}
		if s.Type == html.TextNode && strings.TrimSpace(s.Data) != "" {
			return nil
		}
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
