package clean

import (
	"bytes"
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
)

// Sanitizer applies the allowlist policy for untrusted article HTML.
type Sanitizer struct {
	policy *bluemonday.Policy
}

// NewSanitizer builds the policy. mediaPrefix is the URL path of the image
// store's files, the only place inline styles may load images from.
// remoteImages lets img elements load from other hosts (the image stage's
// "load" setting); by default images come from the site itself or data:.
func NewSanitizer(cfg Config, mediaPrefix string, remoteImages bool) *Sanitizer {
	return &Sanitizer{policy: policy(cfg, mediaPrefix, remoteImages)}
}

// Sanitize is the last step before staging: it sanitizes the body as it
// will be written, and again until parsing and serializing it changes
// nothing, so the document a browser builds from the bytes is the one that
// was sanitized (HTML that changes meaning when re-serialized is how
// mutation XSS gets past sanitizers). Each round also collapses what
// sanitizing emptied, so cleaning the output again changes nothing.
func (s *Sanitizer) Sanitize(_ context.Context, a *article.Article) error {
	out := s.policy.SanitizeBytes(a.Body)
	for range 6 {
		doc, err := body.Parse(out)
		if err != nil {
			return err
		}
		collapse(doc)
		again, err := body.Render(doc)
		if err != nil {
			return err
		}
		again = s.policy.SanitizeBytes(again)
		if bytes.Equal(again, out) {
			a.Body = out
			return nil
		}
		out = again
	}
	return fmt.Errorf("sanitized HTML does not settle; the article is left out")
}

// Elements the archive shows: text, structure, tables, figures, images,
// links, and the SVG WeChat layouts are drawn with. Everything else (script,
// style, iframe unless allowed, object, embed, form, base, meta, link...)
// goes; the text inside an unknown element stays.
var (
	textElements = []string{
		"p", "div", "section", "article", "aside", "header", "footer", "span", "br", "hr", "center",
		"h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "strike", "del", "ins",
		"sub", "sup", "small", "big", "mark", "abbr", "cite", "q", "dfn", "time", "font",
		"blockquote", "pre", "code", "kbd", "samp", "var", "tt",
		"ul", "ol", "li", "dl", "dt", "dd",
		"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
		"figure", "figcaption", "img", "a", "picture", "details", "summary", "ruby", "rt", "rp",
	}
	svgElements = []string{
		"svg", "g", "path", "circle", "ellipse", "rect", "line", "polyline", "polygon", "text", "tspan",
		"defs", "lineargradient", "radialgradient", "stop", "clippath", "mask", "pattern",
		"animatetransform", "foreignobject", "title", "desc",
	}
	svgAttributes = []string{
		"viewbox", "preserveaspectratio", "xmlns", "d", "cx", "cy", "r", "rx", "ry", "x", "y", "x1", "y1", "x2", "y2",
		"dx", "dy", "points", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap",
		"stroke-linejoin", "stroke-dasharray", "stroke-opacity", "opacity", "transform", "offset", "stop-color",
		"stop-opacity", "gradienttransform", "gradientunits", "clip-path", "clip-rule", "mask", "text-anchor",
		"font-size", "font-family", "font-weight", "patternunits", "clippathunits", "maskunits",
		// animateTransform may only animate transforms: the attribute it
		// changes is fixed, never href.
		"type", "from", "to", "values", "dur", "begin", "end", "repeatcount", "repeatdur", "fill", "keytimes",
		"keysplines", "calcmode", "additive", "accumulate", "restart",
	}
)

// ids the cleanup wrote (prefixed); and the safe shapes of other values.
var (
	prefixedID = regexp.MustCompile(`^` + IDPrefix + `[\w\-:.]{0,100}$`)
	safeNumber = regexp.MustCompile(`^[0-9.%]+$`)
	safeText   = regexp.MustCompile(`^[^<>"'\\` + "`" + `{}]*$`)
)

func policy(cfg Config, mediaPrefix string, remoteImages bool) *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(textElements...)
	p.AllowElements(svgElements...)
	p.AllowAttrs("id").Matching(prefixedID).Globally()
	p.AllowAttrs("title", "lang").Matching(safeText).Globally()
	p.AllowAttrs("dir").Matching(regexp.MustCompile(`^(?i:ltr|rtl|auto)$`)).Globally()
	p.AllowAttrs("align").Matching(regexp.MustCompile(`^(?i:left|right|center|justify)$`)).Globally()
	p.AllowAttrs("valign").Matching(regexp.MustCompile(`^(?i:top|middle|bottom|baseline)$`)).Globally()
	p.AllowAttrs(AddedMark, "data-origin").Matching(safeText).Globally()
	p.AllowAttrs("width", "height").Matching(safeNumber).OnElements("img", "td", "th", "table", "col", "svg", "rect", "foreignobject", "pattern", "mask")
	p.AllowAttrs("colspan", "rowspan", "span").Matching(bluemonday.Integer).OnElements("td", "th", "col", "colgroup")
	p.AllowAttrs("start", "reversed").OnElements("ol")
	p.AllowAttrs("open").OnElements("details")
	p.AllowAttrs("datetime").Matching(safeText).OnElements("time", "del", "ins")
	p.AllowAttrs("cite").Matching(safeText).OnElements("blockquote", "q")
	p.AllowAttrs(svgAttributes...).Matching(svgValue).OnElements(svgElements...)
	p.AllowAttrs("attributename").Matching(regexp.MustCompile(`^(?i:transform)$`)).OnElements("animatetransform")

	// Links and images: http(s), mailto, the site's own paths, data:image
	// in img only.
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	p.RequireParseableURLs(true)
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^[a-z ]+$`)).OnElements("a")
	p.AllowAttrs("name").Matching(prefixedID).OnElements("a")
	p.AllowDataURIImages()
	if remoteImages {
		p.AllowAttrs("src").OnElements("img")
		p.AllowAttrs("srcset").Matching(regexp.MustCompile(`^[^<>"'()\\]*$`)).OnElements("img", "source")
	} else {
		// Only the site's own files and its media bucket: nothing loads
		// from a third party.
		src, srcset := localImage(mediaPrefix)
		p.AllowAttrs("src").Matching(src).OnElements("img")
		p.AllowAttrs("srcset").Matching(srcset).OnElements("img", "source")
	}
	p.AllowAttrs("sizes").Matching(regexp.MustCompile(`^[^<>"'\\]*$`)).OnElements("img", "source")
	p.AllowAttrs("alt").Matching(safeAlt).OnElements("img")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^(lazy|eager)$`)).OnElements("img")
	p.AllowAttrs("decoding").Matching(regexp.MustCompile(`^(async|sync|auto)$`)).OnElements("img")
	p.AllowAttrs("referrerpolicy").Matching(regexp.MustCompile(`^no-referrer$`)).OnElements("img", "iframe")
	if len(cfg.EmbedHosts) > 0 {
		p.AllowElements("iframe")
		p.AllowAttrs("src").Matching(embedSrc(cfg.EmbedHosts)).OnElements("iframe")
		p.AllowAttrs("width", "height").Matching(safeNumber).OnElements("iframe")
		p.AllowAttrs("allowfullscreen").OnElements("iframe")
		p.RequireSandboxOnIFrame(bluemonday.SandboxAllowScripts, bluemonday.SandboxAllowSameOrigin, bluemonday.SandboxAllowPresentation)
	}

	p.AllowStyles(layoutProperties...).MatchingHandler(safeStyleValue).Globally()
	p.AllowStyles("background-image", "background").MatchingHandler(func(v string) bool { return safeBackground(v, mediaPrefix) }).Globally()
	p.AllowStyles("position").MatchingEnum("static", "relative", "absolute").Globally()
	p.AddSpaceWhenStrippingTag(true)
	return p
}

// localImage matches an img src on the site itself (a path, not a
// protocol-relative //host URL) or inline data, and a srcset whose every
// candidate is on the site; with media in a bucket (mediaPrefix an
// http(s) address), also the bucket's store files.
func localImage(mediaPrefix string) (src, srcset *regexp.Regexp) {
	local, srcLocal := `/[^/\\,\s][^,\s]*`, `/[^/\\]|data:image/`
	if strings.HasPrefix(mediaPrefix, "http://") || strings.HasPrefix(mediaPrefix, "https://") {
		stored := regexp.QuoteMeta(mediaPrefix) + `[0-9a-f]{2}/[0-9a-f]{32}\.[a-z0-9]+`
		local = `(?:` + local + `|` + stored + `)`
		srcLocal += `|` + stored + `$`
	}
	candidate := local + `(\s+[\d.]+[wx])?`
	src = regexp.MustCompile(`^(?:` + srcLocal + `)`)
	srcset = regexp.MustCompile(`^\s*` + candidate + `(\s*,\s*` + candidate + `)*\s*$`)
	return src, srcset
}

// safeAlt allows any text in alt: the renderer escapes it.
var safeAlt = regexp.MustCompile(`^[^\x00]*$`)

// svgValue allows numbers and lists of numbers, path data, transforms,
// colours and names; and url() only to a fragment in the same article
// (gradients, clip paths), never to another document.
var svgValue = regexp.MustCompile(`^(?:[-+0-9.,;%\sa-zA-Z#()]|url\(#` + IDPrefix + `[\w\-]+\))*$`)

func embedSrc(hosts []string) *regexp.Regexp {
	quoted := make([]string, len(hosts))
	for i, h := range hosts {
		quoted[i] = regexp.QuoteMeta(strings.ToLower(h))
	}
	return regexp.MustCompile(`^https://(?:` + strings.Join(quoted, "|") + `)/`)
}

// layoutProperties are the inline style properties kept: layout and
// typography, which is where WeChat layouts live.
var layoutProperties = []string{
	"color", "background-color", "opacity", "visibility",
	"font", "font-size", "font-weight", "font-style", "font-family", "font-variant",
	"text-align", "text-decoration", "text-decoration-line", "text-decoration-color", "text-indent", "text-transform",
	"text-shadow", "line-height", "letter-spacing", "word-spacing", "white-space", "word-break", "word-wrap",
	"overflow-wrap", "vertical-align", "writing-mode", "direction", "unicode-bidi",
	"margin", "margin-top", "margin-right", "margin-bottom", "margin-left",
	"padding", "padding-top", "padding-right", "padding-bottom", "padding-left",
	"border", "border-top", "border-right", "border-bottom", "border-left", "border-width", "border-style",
	"border-color", "border-radius", "border-top-left-radius", "border-top-right-radius",
	"border-bottom-left-radius", "border-bottom-right-radius", "border-collapse", "border-spacing",
	"border-left-color", "border-left-width", "border-left-style", "border-bottom-color", "border-bottom-width",
	"border-bottom-style", "border-top-color", "border-top-width", "border-top-style",
	"border-right-color", "border-right-width", "border-right-style",
	"width", "min-width", "max-width", "height", "min-height", "max-height", "box-sizing",
	"display", "float", "clear", "overflow", "overflow-x", "overflow-y",
	"flex", "flex-direction", "flex-wrap", "flex-flow", "flex-grow", "flex-shrink", "flex-basis",
	"justify-content", "align-items", "align-self", "align-content", "order", "gap", "column-gap", "row-gap",
	"grid-template-columns", "grid-template-rows", "grid-column", "grid-row",
	"top", "right", "bottom", "left", "z-index", "transform", "transform-origin",
	"box-shadow", "outline", "list-style", "list-style-type", "list-style-position",
	"table-layout", "caption-side", "empty-cells",
	"background-size", "background-position", "background-repeat", "background-clip", "background-origin",
	"background-attachment",
}

// safeStyleValue refuses what lets a style load or run anything: url(),
// expression(), escapes, imports, and markup characters.
func safeStyleValue(v string) bool {
	lower := strings.ToLower(v)
	for _, bad := range []string{"url(", "expression", "javascript:", "vbscript:", "\\", "@", "<", ">", "/*", "behavior", "-moz-binding", "image-set", "image(", "element(", "var("} {
		if strings.Contains(lower, bad) {
			return false
		}
	}
	return true
}

// storeURL is a background image in the image store; nothing else may be
// loaded by a style.
var storeURL = regexp.MustCompile(`url\(\s*["']?([^"')]*)["']?\s*\)`)

func safeBackground(v, mediaPrefix string) bool {
	for _, m := range storeURL.FindAllStringSubmatch(v, -1) {
		if !strings.HasPrefix(m[1], mediaPrefix) || strings.Contains(m[1], "..") {
			return false
		}
	}
	return safeStyleValue(storeURL.ReplaceAllString(v, ""))
}
