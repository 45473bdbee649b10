package links

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"strings"

	"golang.org/x/net/html"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
)

// RuleTooMany is the finding of an article with more links than the
// site's limit (see article.Limits).
const RuleTooMany = "link/too-many"

// ParamCitedBy is the staged front matter key listing the logical paths of
// the archived articles that cite this one, for the theme's "cited by".
const ParamCitedBy = "citedby"

// Rewriter rewrites the links of parsed articles.
type Rewriter struct {
	graph *Graph
	// RefPrefix starts the href of a link into the archive, followed by
	// the target's logical path; the stage turns it into Hugo's relref, so
	// the link is right under any permalink configuration and baseURL.
	RefPrefix string
}

// NewRefPrefix returns a prefix for the hrefs of links into the archive,
// random so no article can forge one (see Rewriter.RefPrefix).
func NewRefPrefix() string {
	token := make([]byte, 8)
	rand.Read(token)
	return "/mirror-ref-" + hex.EncodeToString(token)
}

// NewRewriter returns a rewriter for a scanned graph.
func NewRewriter(g *Graph, refPrefix string) *Rewriter {
	return &Rewriter{graph: g, RefPrefix: refPrefix}
}

// Rewrite is the link stage's step. A link to an archived article opens the
// mirror's copy; a link to a WeChat article the archive lacks keeps working,
// reduced to its canonical URL; links to other sites get rel="noopener
// noreferrer". Anchors within the page and mailto: are left alone. The
// article also learns which archived articles cite it.
func (r *Rewriter) Rewrite(_ context.Context, a *article.Article) error {
	body.Walk(a.Doc, func(n *html.Node) {
		if n.Data != "a" {
			return
		}
		href, ok := body.Attr(n, "href")
		if !ok {
			return
		}
		r.link(a, n, href)
	})
	if cites := r.graph.CitedBy(a.Path); len(cites) > 0 {
		refs := make([]string, len(cites))
		for i, p := range cites {
			refs[i] = RefOf(p)
		}
		a.SetParam(ParamCitedBy, refs)
	}
	return nil
}

func (r *Rewriter) link(a *article.Article, n *html.Node, href string) {
	l := LinkOf(href)
	kind, detail := r.graph.classify(l)
	switch kind {
	case kindInternal:
		body.SetAttr(n, "href", r.RefPrefix+RefOf(detail))
		origin := cmp.Or(l.Canonical, strings.TrimSpace(href))
		body.SetAttr(n, "data-origin", origin)
		body.DelAttr(n, "target", "rel")
	case kindMissing:
		body.SetAttr(n, "href", detail)
		external(n)
	case kindExternal:
		external(n)
	case kindBroken:
		a.Report(article.Warning, "link/broken", -1, strings.TrimSpace(href)+": "+detail)
	}
}

// external marks a link to another site: opened without giving it a handle
// on the mirror's page or the reader's path.
func external(n *html.Node) {
	body.SetAttr(n, "rel", "noopener noreferrer")
}
