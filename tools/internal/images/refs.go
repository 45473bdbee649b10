package images

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Ref is one image URL found in an article (see article.ImageRef).
type Ref = article.ImageRef

// lazyAttrs hold the real URL of a lazily loaded image; the first one set
// wins over src, which then holds a placeholder (WeChat's data-src, the
// cnbeta/ifeng lazyload, common lazy-loading scripts).
var lazyAttrs = []string{"data-src", "data-original", "lazyload", "data-lazy-src", "data-actualsrc"}

// cssURL finds url(...) in inline styles.
var cssURL = regexp.MustCompile(`(?i)url\(\s*["']?([^"')]+)["']?\s*\)`)

// elementURLs lists the image URLs an element shows, as written.
func elementURLs(tag string, attr func(string) (string, bool)) []string {
	var urls []string
	add := func(name string) {
		if v, ok := attr(name); ok && strings.TrimSpace(v) != "" {
			urls = append(urls, v)
		}
	}
	switch tag {
	case "img":
		urls = append(urls, imgSource(attr))
		for _, name := range []string{"srcset", "data-srcset"} {
			if v, ok := attr(name); ok {
				urls = append(urls, srcsetURLs(v)...)
			}
		}
	case "source":
		if v, ok := attr("srcset"); ok {
			urls = append(urls, srcsetURLs(v)...)
		}
	case "video":
		add("poster")
	case "mp-common-profile":
		add("data-headimg")
	case "iframe":
		if v, ok := attr("data-cover"); ok {
			if u, err := url.QueryUnescape(v); err == nil {
				urls = append(urls, u)
			}
		}
	}
	add("data-backsrc")
	if style, ok := attr("style"); ok {
		for _, m := range cssURL.FindAllStringSubmatch(style, -1) {
			urls = append(urls, m[1])
		}
	}
	return urls
}

// imgSource is the URL an img really shows: a lazy-loading attribute when
// set, else src.
func imgSource(attr func(string) (string, bool)) string {
	for _, name := range lazyAttrs {
		if v, ok := attr(name); ok && strings.TrimSpace(v) != "" {
			return v
		}
	}
	v, _ := attr("src")
	return v
}

// srcsetURLs splits a srcset into its URLs.
func srcsetURLs(srcset string) []string {
	var urls []string
	for _, cand := range strings.Split(srcset, ",") {
		if f := strings.Fields(cand); len(f) > 0 {
			urls = append(urls, f[0])
		}
	}
	return urls
}

// Scan lists the first max distinct image URLs of an article body
// without building a tree: it runs before any article is rewritten, so
// all images can be fetched at once. more counts the distinct images past
// max (see article.Limits).
func Scan(body []byte, max int) (refs []Ref, more int) {
	z := html.NewTokenizer(bytes.NewReader(body))
	seen := map[string]bool{}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return refs, more
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		attrs := map[string]string{}
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			if _, dup := attrs[string(k)]; !dup {
				attrs[string(k)] = string(v)
			}
		}
		get := func(n string) (string, bool) { v, ok := attrs[n]; return v, ok }
		for _, raw := range elementURLs(string(name), get) {
			key, fetchURL, ok := Key(raw)
			if ok && !seen[key] {
				seen[key] = true
				if len(refs) == max {
					more++
					continue
				}
				refs = append(refs, Ref{Key: key, URL: fetchURL})
			}
		}
	}
}
