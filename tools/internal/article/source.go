package article

import (
	"html"
	"regexp"
	"strings"
)

// Front matter keys for where an article came from. The fetcher does not
// write them (it appends a 原文链接 anchor instead); mirrors may.
const (
	// KeySource is the article's source URL.
	KeySource = "source"
	// KeySources lists other URLs of the same article (its short and long
	// WeChat forms, a mirror's copy), so links through any of them resolve.
	KeySources = "sources"
)

// sourceLink matches the fetcher's footer: an <hr>, then an anchor whose text
// is 原文链接, at the very end of the body. Real footers have a stray comma
// after the href's closing quote (`href="…",target="_blank"`).
var sourceLink = regexp.MustCompile(`(?s)<hr\s*/?>\s*<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>\s*原文链接\s*</a>\s*$`)

// SourceLink finds the fetcher's footer and returns the source URL it links
// to and the offset in body where the footer starts.
func SourceLink(body []byte) (url string, start int, ok bool) {
	// Only the tail can hold the footer; avoid scanning long bodies.
	from := max(0, len(body)-4096)
	m := sourceLink.FindSubmatchIndex(body[from:])
	if m == nil {
		return "", 0, false
	}
	url = strings.TrimSpace(html.UnescapeString(string(body[from+m[2] : from+m[3]])))
	return url, from + m[0], url != ""
}

// SourceURL is where the article came from: the front matter's source key
// when set, else the fetcher's 原文链接 footer.
func (a *Article) SourceURL() string {
	if s, ok := a.FrontMatter.Values[KeySource].(string); ok && strings.TrimSpace(s) != "" {
		return strings.TrimSpace(s)
	}
	if u, ok := a.Params[KeySource].(string); ok {
		return u
	}
	u, _, _ := SourceLink(a.Body)
	return u
}
