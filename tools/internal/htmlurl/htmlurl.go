// Package htmlurl reads URLs as they appear in fetched article HTML:
// &amp;-escaped or not, protocol-relative, upper-case hosts, stray percent
// signs. Links and images both go through it, so they agree on what a URL is.
package htmlurl

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

// badEscape matches a % that does not start a percent-escape.
var badEscape = regexp.MustCompile(`%([^0-9A-Fa-f]|[0-9A-Fa-f][^0-9A-Fa-f]|[0-9A-Fa-f]?$)`)

// Parse reads an absolute http(s) URL found in HTML. The scheme and host are
// lower-cased, default ports dropped; protocol-relative URLs get https.
// Anything else (relative URLs, mailto:, javascript:, data:) is not ok.
func Parse(raw string) (*url.URL, bool) {
	s := strings.TrimSpace(html.UnescapeString(raw))
	if strings.HasPrefix(s, "//") {
		s = "https:" + s
	}
	u, err := url.Parse(s)
	if err != nil {
		u, err = url.Parse(badEscape.ReplaceAllStringFunc(s, func(m string) string { return "%25" + m[1:] }))
	}
	if err != nil || u.Host == "" {
		return nil, false
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, false
	}
	u.Host = strings.TrimSuffix(strings.ToLower(u.Host), ".")
	if p := u.Port(); (p == "80" && u.Scheme == "http") || (p == "443" && u.Scheme == "https") {
		u.Host = u.Hostname()
	}
	return u, true
}
