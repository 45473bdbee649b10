// Package body parses an article body into an HTML tree once, so the
// stages that rewrite it (images, links, cleanup, sanitizing) share one
// document, and renders the tree back to the bytes that get staged.
package body

import (
	"bytes"
	"context"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Parse parses HTML as the content of a <body>: the way a browser will see
// it once it sits inside the theme's page.
func Parse(b []byte) (*html.Node, error) {
	root := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(bytes.NewReader(b), root)
	if err != nil {
		return nil, err
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return root, nil
}

// Render serializes the children of a tree made by Parse.
func Render(root *html.Node) ([]byte, error) {
	hoistFromVoid(root)
	var buf bytes.Buffer
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		if err := html.Render(&buf, c); err != nil {
			return nil, err
		}
	}
	return buf.Bytes(), nil
}

// voidElements cannot have children in HTML; html.Render refuses a tree
// where one does, which the parser builds for a foreign-content element
// with such a name (<math><area>x).
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"keygen": true, "link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true,
}

// hoistFromVoid moves the children of void-named elements out after them,
// which is also where a browser reading the serialized HTML puts them.
func hoistFromVoid(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && voidElements[c.Data] {
			for c.LastChild != nil {
				child := c.LastChild
				c.RemoveChild(child)
				n.InsertBefore(child, c.NextSibling)
			}
		}
		hoistFromVoid(c)
	}
}

// ParseStep is the pipeline step that parses the article's body into Doc.
func ParseStep(_ context.Context, a *article.Article) error {
	doc, err := Parse(a.Body)
	if err != nil {
		return err
	}
	a.Doc = doc
	return nil
}

// RenderStep is the pipeline step that writes Doc back into Body, as HTML,
// and lets the tree go.
func RenderStep(_ context.Context, a *article.Article) error {
	b, err := Render(a.Doc)
	if err != nil {
		return err
	}
	a.Body, a.BodyFormat, a.Doc = b, article.HTML, nil
	return nil
}

// Walk calls visit for every element under n, in document order. visit may
// change the element, or replace or remove it: a node put in its place is
// not visited, and a removed node's children are not either.
func Walk(n *html.Node, visit func(*html.Node)) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			visit(c)
		}
		if c.Parent == n {
			Walk(c, visit)
		}
		c = next
	}
}

// Attr returns an element's attribute.
func Attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// SetAttr sets an element's attribute, adding it if needed.
func SetAttr(n *html.Node, key, val string) {
	for i := range n.Attr {
		if n.Attr[i].Key == key {
			n.Attr[i].Val = val
			return
		}
	}
	n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
}

// DelAttr removes an element's attributes with the given keys.
func DelAttr(n *html.Node, keys ...string) {
	out := n.Attr[:0]
	for _, a := range n.Attr {
		drop := false
		for _, k := range keys {
			if a.Key == k {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, a)
		}
	}
	n.Attr = out
}
