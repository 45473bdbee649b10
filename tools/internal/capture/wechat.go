package capture

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"
)

// Capture is an article as captured: what the content file is written
// from.
type Capture struct {
	Title, Account string
	// Published is when the article was published (WeChat's unix time,
	// shown in UTC+8, China's time).
	Published time.Time
	Digest    string
	// Body is the article's HTML, its images' lazy data-src kept for the
	// image stage.
	Body string
	// Source is the article's canonical URL; Fetched is the URL it was
	// captured from, when another (a short link).
	Source, Fetched string
	// Truncated says the capture looks cut short (a comment at GitHub's
	// limit, an unclosed tag at the end): written, flagged for recapture.
	Truncated bool
}

// ChinaTime is the zone WeChat's pages show times in.
var ChinaTime = time.FixedZone("UTC+8", 8*3600)

// ErrNotArticle is returned for a page that is no article.
var ErrNotArticle = errors.New("not an article")

// ParseWeChat reads a WeChat article page fetched from pageURL. An
// interstitial is an error naming its class (see Classify).
func ParseWeChat(page []byte, pageURL string) (Capture, error) {
	if class, msg := Classify(page); class != Article {
		return Capture{}, &Refused{Class: class, Message: msg}
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return Capture{}, err
	}
	c := Capture{
		Title:   first(meta(doc, "og:title"), text(doc.Find("#activity-name")), jsVar(page, "msg_title")),
		Account: first(text(doc.Find("#js_name")), jsVar(page, "nickname"), meta(doc, "og:article:author")),
		Digest:  first(metaName(doc, "description"), meta(doc, "og:description"), jsVar(page, "msg_desc")),
		Source:  canonical(first(meta(doc, "og:url"), jsVar(page, "msg_link")), pageURL),
	}
	if ct := first(jsVar(page, "ct"), jsVar(page, "oriCreateTime"), jsVar(page, "create_time")); ct != "" {
		if unix, err := strconv.ParseInt(ct, 10, 64); err == nil && unix > 0 {
			c.Published = time.Unix(unix, 0).In(ChinaTime)
		}
	}
	if c.Source != pageURL {
		c.Fetched = pageURL
	}
	c.Body = body(doc, page)
	if strings.TrimSpace(c.Title) == "" || strings.TrimSpace(stripTags(c.Body)) == "" && !strings.Contains(c.Body, "<img") {
		return Capture{}, fmt.Errorf("%w: no title or no body found", ErrNotArticle)
	}
	c.Truncated = Truncated(c.Body)
	return c, nil
}

// Refused is the error of a page that is an interstitial, not an article.
type Refused struct {
	Class   Class
	Message string
}

func (r *Refused) Error() string {
	if r.Message == "" {
		return fmt.Sprintf("%s: the page is not a WeChat article", r.Class.Rule())
	}
	return fmt.Sprintf("%s: WeChat shows %q instead of the article", r.Class.Rule(), r.Message)
}

// body is the article's HTML: #js_content (its hidden style is the
// container's, not kept), a text-share post's #js_text_desc, or an
// image-share post's pictures.
func body(doc *goquery.Document, page []byte) string {
	for _, sel := range []string{"#js_content", "#js_text_desc"} {
		if s := doc.Find(sel).First(); s.Length() > 0 {
			if h, err := s.Html(); err == nil && strings.TrimSpace(h) != "" {
				return strings.TrimSpace(h)
			}
		}
	}
	var b strings.Builder
	for _, m := range pictureURL.FindAllSubmatch(page, -1) {
		fmt.Fprintf(&b, "<p><img data-src=\"%s\"></p>\n", html.EscapeString(html.UnescapeString(jsUnescape(string(m[1])))))
	}
	return b.String()
}

var pictureURL = regexp.MustCompile(`cdn_url\s*:\s*['"]([^'"]+)['"]`)

// commentLimit is the most characters a GitHub comment holds.
const commentLimit = 65536

// Truncated says whether a body looks cut short: at GitHub's comment
// limit (a longer one came another way: fetched pages often are), or
// ending inside a tag.
func Truncated(body string) bool {
	if len(body) >= commentLimit-200 { // bytes ≥ characters: counted only near the limit
		if n := utf8.RuneCountInString(body); n >= commentLimit-200 && n <= commentLimit {
			return true
		}
	}
	last := strings.LastIndexByte(body, '<')
	return last >= 0 && !strings.Contains(body[last:], ">")
}

func meta(doc *goquery.Document, property string) string {
	v, _ := doc.Find(`meta[property="` + property + `"]`).Attr("content")
	return strings.TrimSpace(v)
}

func metaName(doc *goquery.Document, name string) string {
	v, _ := doc.Find(`meta[name="` + name + `"]`).Attr("content")
	return strings.TrimSpace(v)
}

func text(s *goquery.Selection) string { return strings.TrimSpace(s.First().Text()) }

func first(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// jsVar finds `var NAME = "…"` (or NAME: '…', NAME = '…' || …) in the
// page's scripts, unescaped.
func jsVar(page []byte, name string) string {
	re := regexp.MustCompile(`\b` + regexp.QuoteMeta(name) + `\s*[=:]\s*(?:htmlDecode\()?["']([^"'\n]*)["']`)
	m := re.FindSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(jsUnescape(string(m[1])))
}

// jsUnescape undoes the \xNN escapes WeChat writes in its variables.
func jsUnescape(s string) string {
	return jsEscape.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.ParseUint(m[2:], 16, 8)
		return string(rune(n))
	})
}

var jsEscape = regexp.MustCompile(`\\x[0-9a-fA-F]{2}`)

// canonical is the article's long URL, without the fragment and the
// tracking parameters a share adds; pageURL when the page names none.
func canonical(raw, pageURL string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return pageURL
	}
	u.Scheme = "https"
	u.Fragment = ""
	// What names the article, in WeChat's order, as WeChat writes it
	// (__biz ends in "=="); the rest is tracking.
	q := u.Query()
	var kept []string
	for _, k := range []string{"__biz", "mid", "idx", "sn"} {
		if v := q.Get(k); v != "" {
			kept = append(kept, k+"="+url.PathEscape(v))
		}
	}
	u.RawQuery = strings.Join(kept, "&")
	return u.String()
}
