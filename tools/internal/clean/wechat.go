package clean

import (
	"context"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/labels"
)

// AddedMark marks elements the cleanup adds (account cards, "media not
// archived" boxes), so tests, themes and the search index can tell them
// from the author's.
const AddedMark = body.AddedMark

// IDPrefix starts every id of an article, so none can clash with the
// theme's.
const IDPrefix = "a-"

// Cleaner runs the WeChat cleanup with one site's settings.
type Cleaner struct{ cfg Config }

// New returns a cleaner.
func New(cfg Config) *Cleaner { return &Cleaner{cfg: cfg} }

// WeChat turns WeChat's markup into plain HTML that shows the same: the
// account card becomes a small card, audio and video players become a box
// linking to the original (unless their host is allowed), empty WeChat-only
// elements and empty spans go, runs of empty paragraphs collapse to one,
// images get an alt, and ids get a prefix.
func (c *Cleaner) WeChat(_ context.Context, a *article.Article) error {
	source := a.SourceURL()
	var drop []*html.Node
	body.Walk(a.Doc, func(n *html.Node) {
		switch {
		case n.Data == "mp-common-profile":
			replace(n, accountCard(n))
		case isEmbed(n):
			if !c.keepEmbed(n) {
				replace(n, mediaBox(n, source, c.cfg.Labels))
			}
		case strings.HasPrefix(n.Data, "mp-") && isBlank(n):
			drop = append(drop, n)
		case n.Data == "img":
			if _, ok := body.Attr(n, "alt"); !ok {
				body.SetAttr(n, "alt", caption(n))
			}
		}
		prefixIDs(n)
	})
	for _, n := range drop {
		n.Parent.RemoveChild(n)
	}
	collapse(a.Doc)
	return nil
}

// accountCard is the account's name, description and avatar (already in
// the image store: the image stage ran first).
func accountCard(n *html.Node) *html.Node {
	name, _ := body.Attr(n, "data-nickname")
	sig, _ := body.Attr(n, "data-signature")
	card := elem(atom.Aside, AddedMark, "account")
	if head, ok := body.Attr(n, "data-headimg"); ok && head != "" {
		img := elem(atom.Img, "src", head, "alt", "", "width", "48", "height", "48", "loading", "lazy")
		card.AppendChild(img)
	}
	text := elem(atom.P)
	strong := elem(atom.Strong)
	strong.AppendChild(&html.Node{Type: html.TextNode, Data: name})
	text.AppendChild(strong)
	if sig != "" {
		text.AppendChild(elem(atom.Br))
		text.AppendChild(&html.Node{Type: html.TextNode, Data: sig})
	}
	card.AppendChild(text)
	return card
}

// isEmbed recognizes WeChat's audio, music, video and mini-program embeds.
func isEmbed(n *html.Node) bool {
	switch n.Data {
	case "mpvoice", "qqmusic", "mp-miniprogram", "mpvideo", "mp-videosnap", "mpvideosnap", "mp-audio", "embed", "object", "video", "audio":
		return true
	case "iframe":
		return true
	}
	return false
}

// keepEmbed says whether an iframe's host is allowed to stay.
func (c *Cleaner) keepEmbed(n *html.Node) bool {
	if n.Data != "iframe" {
		return false
	}
	src, _ := body.Attr(n, "src")
	if src == "" {
		src, _ = body.Attr(n, "data-src")
	}
	u, err := url.Parse(strings.TrimSpace(src))
	if err != nil || u.Scheme != "https" || !c.cfg.embedAllowed(u.Hostname()) {
		return false
	}
	body.SetAttr(n, "src", u.String())
	body.DelAttr(n, "data-src", "srcdoc")
	return true
}

// mediaBox stands in for media the archive does not keep: it says so and
// links to the original article, showing the cover when there is one.
func mediaBox(n *html.Node, source string, l labels.Labels) *html.Node {
	box := elem(atom.Div, AddedMark, "media")
	if cover, ok := body.Attr(n, "data-cover"); ok && strings.HasPrefix(cover, "/") {
		box.AppendChild(elem(atom.Img, "src", cover, "alt", "", "loading", "lazy"))
	}
	p := elem(atom.P)
	p.AppendChild(&html.Node{Type: html.TextNode, Data: l.MediaNotArchived})
	if source != "" {
		a := elem(atom.A, "href", source, "rel", "noopener noreferrer")
		a.AppendChild(&html.Node{Type: html.TextNode, Data: l.OpenOriginal})
		p.AppendChild(a)
	} else {
		p.AppendChild(&html.Node{Type: html.TextNode, Data: l.OriginalUnknown})
	}
	box.AppendChild(p)
	return box
}

// caption is an image's alt text: the caption of its figure when it has
// one, else empty, which marks it as decoration for screen readers.
func caption(img *html.Node) string {
	for p := img.Parent; p != nil; p = p.Parent {
		if p.Data == "figure" {
			for c := p.FirstChild; c != nil; c = c.NextSibling {
				if c.Data == "figcaption" {
					return strings.Join(strings.Fields(textOf(c)), " ")
				}
			}
			return ""
		}
	}
	return ""
}

func prefixIDs(n *html.Node) {
	if id, ok := body.Attr(n, "id"); ok && !strings.HasPrefix(id, IDPrefix) {
		body.SetAttr(n, "id", IDPrefix+id)
	}
	if n.Data == "a" {
		href, _ := body.Attr(n, "href")
		if href = strings.TrimSpace(href); strings.HasPrefix(href, "#") && len(href) > 1 && !strings.HasPrefix(href, "#"+IDPrefix) {
			body.SetAttr(n, "href", "#"+IDPrefix+href[1:])
		}
	}
}

// collapse removes empty spans and keeps at most one empty paragraph
// (<p><br></p>, WeChat's spacer) in a row.
func collapse(n *html.Node) {
	var prevEmpty bool
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.ElementNode && c.Data == "span" && c.FirstChild == nil:
			n.RemoveChild(c)
		case c.Type == html.ElementNode && c.Data == "p" && isSpacer(c):
			if prevEmpty {
				n.RemoveChild(c)
			}
			prevEmpty = true
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		default:
			prevEmpty = false
			collapse(c)
		}
		c = next
	}
}

// isSpacer says whether a paragraph shows nothing but line breaks.
func isSpacer(p *html.Node) bool {
	for c := p.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.ElementNode && c.Data == "br":
		case c.Type == html.ElementNode && c.Data == "span" && isSpacer(c):
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		default:
			return false
		}
	}
	return true
}

// isBlank says whether an element shows nothing: no text, no image.
func isBlank(n *html.Node) bool {
	if strings.TrimSpace(textOf(n)) != "" {
		return false
	}
	blank := true
	body.Walk(n, func(c *html.Node) {
		switch c.Data {
		case "img", "svg", "video", "iframe":
			blank = false
		}
	})
	return blank
}

// textOf is the text under n.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func elem(a atom.Atom, attrs ...string) *html.Node {
	n := &html.Node{Type: html.ElementNode, DataAtom: a, Data: a.String()}
	for i := 0; i+1 < len(attrs); i += 2 {
		n.Attr = append(n.Attr, html.Attribute{Key: attrs[i], Val: attrs[i+1]})
	}
	return n
}

// replace puts with in n's place.
func replace(n, with *html.Node) {
	n.Parent.InsertBefore(with, n)
	n.Parent.RemoveChild(n)
}
