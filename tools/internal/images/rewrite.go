package images

import (
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/labels"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// Rule ids of the image stage's findings.
const (
	RuleFailed      = "img/failed"
	RuleNotAllowed  = "img/host-not-allowed"
	RuleOffline     = "img/offline"
	RulePlaceholder = "img/placeholder"
	RuleTooMany     = "img/too-many"
)

// maxReports is how many images left remote an article's findings name
// one by one; the others are counted in one more.
const maxReports = 20

// Stage is the name the image stage files its findings under.
const Stage = "images"

// Rewriter points article documents at stored images.
type Rewriter struct {
	cfg      Config
	manifest *store.Manifest
	// prefix is the URL path stored files are published under, e.g.
	// "/archive/media/" for a site under /archive/.
	prefix string

	mu   sync.Mutex
	used map[string]bool
}

// NewRewriter returns a rewriter publishing store files under prefix.
func NewRewriter(cfg Config, m *store.Manifest, prefix string) *Rewriter {
	// Sized for the images and their copies, most of them used.
	return &Rewriter{cfg: cfg, manifest: m, prefix: prefix, used: make(map[string]bool, 2*m.Len())}
}

// Used lists the store files the rewritten articles show, which are the
// ones to publish.
func (r *Rewriter) Used() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]string, 0, len(r.used))
	for f := range r.used {
		out = append(out, f)
	}
	return out
}

// Rewrite is the image stage's step: every image reference in the parsed
// document points at its stored copy, with its real width and height, lazy
// loading and the source URL kept in data-origin for provenance. An image
// that could not be localized keeps its remote URL, asks the browser not to
// send a Referer, and is reported with the reason.
func (r *Rewriter) Rewrite(_ context.Context, a *article.Article) error {
	reported := map[string]bool{}
	var unnamed []remoteReason // beyond maxReports: counted by rule
	local := func(raw string) (store.Entry, bool) {
		key, _, ok := Key(raw)
		if !ok {
			return store.Entry{}, false
		}
		e, ok := r.manifest.Get(key)
		if ok && e.Status == store.OK {
			r.Use(e.File)
			return e, true
		}
		if !reported[key] {
			reported[key] = true
			reason, found := r.whyRemote(raw, e, ok)
			switch {
			case !found:
			case len(reported) <= maxReports:
				a.Report(reason.severity, reason.rule, -1, reason.message)
			default:
				unnamed = append(unnamed, reason)
			}
		}
		return store.Entry{}, false
	}
	body.Walk(a.Doc, func(n *html.Node) { r.element(n, local) })
	reportUnnamed(a, unnamed)
	return nil
}

// remoteReason is why an image stays remote, as reported.
type remoteReason struct {
	severity      article.Severity
	rule, message string
}

// whyRemote says why an image stays remote; not found when its URL is not
// one.
func (r *Rewriter) whyRemote(raw string, e store.Entry, known bool) (remoteReason, bool) {
	_, fetchURL, _ := Key(raw)
	u, _ := url.Parse(fetchURL)
	switch {
	case u == nil:
		return remoteReason{}, false
	case !r.cfg.allowed(u.Hostname()):
		return remoteReason{article.Info, RuleNotAllowed, fetchURL + ": host not on the image allowlist (params.mirror.images.hosts); left remote"}, true
	case known && e.Status == store.Failed && strings.Contains(e.Error, errPlaceholder.Error()):
		return remoteReason{article.Warning, RulePlaceholder, fetchURL + ": " + e.Error + "; left remote"}, true
	case known && e.Status == store.Failed:
		return remoteReason{article.Warning, RuleFailed, fetchURL + ": " + e.Error + "; left remote"}, true
	default:
		return remoteReason{article.Warning, RuleOffline, fetchURL + ": not in the image store (built offline); left remote"}, true
	}
}

// reportUnnamed reports the images past maxReports in one line per rule.
func reportUnnamed(a *article.Article, unnamed []remoteReason) {
	counts := map[string]int{}
	var rules []remoteReason
	for _, reason := range unnamed {
		if counts[reason.rule] == 0 {
			rules = append(rules, reason)
		}
		counts[reason.rule]++
	}
	for _, reason := range rules {
		n := counts[reason.rule]
		images := "images"
		if n == 1 {
			images = "image"
		}
		a.Report(reason.severity, reason.rule, -1, fmt.Sprintf("and %d more %s left remote", n, images))
	}
}

func (r *Rewriter) element(n *html.Node, local func(string) (store.Entry, bool)) {
	get := func(k string) (string, bool) { return body.Attr(n, k) }
	switch n.Data {
	case "img":
		r.img(n, local)
	case "source":
		if v, ok := get("srcset"); ok {
			body.SetAttr(n, "srcset", r.srcset(v, local))
		}
	case "video":
		r.attr(n, "poster", local)
	case "mp-common-profile":
		r.attr(n, "data-headimg", local)
	case "iframe":
		if v, ok := get("data-cover"); ok {
			if raw, err := url.QueryUnescape(v); err == nil {
				if e, ok := local(raw); ok {
					body.SetAttr(n, "data-cover", r.prefix+e.File)
				}
			}
		}
	}
	r.attr(n, "data-backsrc", local)
	if style, ok := get("style"); ok && strings.Contains(strings.ToLower(style), "url(") {
		body.SetAttr(n, "style", cssURL.ReplaceAllStringFunc(style, func(m string) string {
			raw := cssURL.FindStringSubmatch(m)[1]
			if e, ok := local(raw); ok {
				return `url("` + r.prefix + e.File + `")`
			}
			return m
		}))
	}
}

func (r *Rewriter) attr(n *html.Node, key string, local func(string) (store.Entry, bool)) {
	if v, ok := body.Attr(n, key); ok {
		if e, ok := local(v); ok {
			body.SetAttr(n, key, r.prefix+e.File)
		}
	}
}

func (r *Rewriter) img(n *html.Node, local func(string) (store.Entry, bool)) {
	src := imgSource(func(k string) (string, bool) { return body.Attr(n, k) })
	if strings.TrimSpace(src) == "" {
		return
	}
	if v, ok := body.Attr(n, "srcset"); ok {
		body.SetAttr(n, "srcset", r.srcset(v, local))
	}
	body.DelAttr(n, lazyAttrs...)
	body.DelAttr(n, "data-srcset")
	_, fetchURL, isURL := Key(src)
	e, ok := local(src)
	switch {
	case !ok && isURL && r.cfg.Remote == "link":
		replaceWithLink(n, fetchURL, r.cfg.Labels)
		return
	case !ok && isURL:
		body.SetAttr(n, "src", fetchURL)
		body.SetAttr(n, "referrerpolicy", "no-referrer")
		body.SetAttr(n, "loading", "lazy")
		return
	case !ok:
		return
	}
	body.SetAttr(n, "src", r.prefix+e.File)
	if srcset := r.variantSrcset(e); srcset != "" {
		body.SetAttr(n, "srcset", srcset)
		body.SetAttr(n, "sizes", "(max-width: 42rem) 100vw, 40rem")
	}
	body.SetAttr(n, "width", strconv.Itoa(e.Width))
	body.SetAttr(n, "height", strconv.Itoa(e.Height))
	body.SetAttr(n, "loading", "lazy")
	body.SetAttr(n, "decoding", "async")
	body.SetAttr(n, "data-origin", fetchURL)
}

// replaceWithLink puts a link to a remote image in its place, so the page
// loads nothing from a third party but the reader can still see it.
func replaceWithLink(img *html.Node, remote string, l labels.Labels) {
	a := &html.Node{Type: html.ElementNode, DataAtom: atom.A, Data: "a", Attr: []html.Attribute{
		{Key: "href", Val: remote}, {Key: "rel", Val: "noopener noreferrer"},
		{Key: "referrerpolicy", Val: "no-referrer"}, {Key: "data-mirror", Val: "remote-image"},
	}}
	label := l.ImageNotArchived
	if alt, ok := body.Attr(img, "alt"); ok && strings.TrimSpace(alt) != "" {
		label = strings.Replace(l.ImageNotArchivedAlt, "%s", strings.TrimSpace(alt), 1)
	}
	if insideLink(img) {
		// Links do not nest: say so in plain text inside the outer link.
		a = &html.Node{Type: html.ElementNode, DataAtom: atom.Span, Data: "span", Attr: []html.Attribute{{Key: "data-mirror", Val: "remote-image"}}}
		label = l.ImageNotArchivedShort
	}
	a.AppendChild(&html.Node{Type: html.TextNode, Data: label})
	img.Parent.InsertBefore(a, img)
	img.Parent.RemoveChild(img)
}

func insideLink(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && p.Data == "a" {
			return true
		}
	}
	return false
}

// variantSrcset lists an image's stored copies by width, the image itself
// last, or "" when it has no copies.
func (r *Rewriter) variantSrcset(e store.Entry) string {
	if len(e.Variants) == 0 {
		return ""
	}
	var b strings.Builder
	for _, v := range e.Variants { // narrowest first
		r.Use(v.File)
		fmt.Fprintf(&b, "%s%s %dw, ", r.prefix, v.File, v.Width)
	}
	fmt.Fprintf(&b, "%s%s %dw", r.prefix, e.File, e.Width)
	return b.String()
}

// Use marks store files as shown by the site (for articles staged from the
// build cache, which this rewriter never sees).
func (r *Rewriter) Use(files ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, f := range files {
		r.used[f] = true
	}
}

// srcset localizes each candidate of a srcset that is in the store.
func (r *Rewriter) srcset(v string, local func(string) (store.Entry, bool)) string {
	cands := strings.Split(v, ",")
	for i, c := range cands {
		f := strings.Fields(c)
		if len(f) == 0 {
			continue
		}
		if e, ok := local(f[0]); ok {
			f[0] = r.prefix + e.File
		}
		cands[i] = strings.Join(f, " ")
	}
	return strings.Join(cands, ", ")
}
