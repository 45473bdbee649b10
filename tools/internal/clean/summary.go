package clean

import (
	"context"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/gohugoio/hugo/common/htime"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
)

// Params the summary step stages. Hugo reads summary itself, so its lists
// and feeds never render whole articles to make one.
const (
	ParamSummary     = "summary"
	ParamReadingTime = "readingtime"
	ParamImage       = "image"
	ParamYears       = "years"
	ParamMonths      = "months"
)

// Reading speeds: Chinese is read by the character, Latin by the word.
const (
	cjkPerMinute   = 400
	wordsPerMinute = 220
)

// Summarize computes the summary, reading time and lead image of an
// article from its document, counting characters for Chinese and words for
// Latin scripts. An article whose front matter has a summary keeps it.
func (c *Cleaner) Summarize(_ context.Context, a *article.Article) error {
	text := VisibleText(a.Doc)
	if _, set := a.FrontMatter.Values[ParamSummary]; !set {
		a.SetParam(ParamSummary, summarize(text, c.cfg.SummaryChars))
	}
	a.SetParam(ParamReadingTime, readingMinutes(text))
	if img := leadImage(a.Doc); img != nil {
		src, _ := body.Attr(img, "src")
		a.SetParam(ParamImage, src)
		if srcset, ok := body.Attr(img, "srcset"); ok {
			a.SetParam(ParamImage+"srcset", srcset)
		}
		if w, ok := body.Attr(img, "width"); ok {
			a.SetParam(ParamImage+"width", w)
		}
		if h, ok := body.Attr(img, "height"); ok {
			a.SetParam(ParamImage+"height", h)
		}
	}
	if d, ok := a.FrontMatter.Values["date"]; ok {
		if t, err := htime.ToTimeInDefaultLocationE(d, time.UTC); err == nil {
			// The archive pages: a year and a month taxonomy.
			a.SetParam(ParamYears, []string{t.Format("2006")})
			a.SetParam(ParamMonths, []string{t.Format("2006-01")})
		}
	}
	return nil
}

// VisibleText is the text a reader sees, the mirror's own additions left out.
func VisibleText(root *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node, inPre bool)
	walk = func(n *html.Node, inPre bool) {
		breaks := false
		if n.Type == html.ElementNode {
			if _, added := body.Attr(n, AddedMark); added {
				return
			}
			switch n.DataAtom {
			case atom.Script, atom.Style, atom.Template, atom.Noscript:
				return
			}
			breaks = body.BreaksText(n.DataAtom, inPre)
			inPre = inPre || n.DataAtom == atom.Pre
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		if breaks {
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inPre)
		}
		if breaks { // text after a heading is not the heading's
			b.WriteByte(' ')
		}
	}
	walk(root, false)
	return strings.Join(strings.Fields(b.String()), " ")
}

// summarize cuts text to about limit characters, at a word's end for Latin
// text, and marks the cut.
func summarize(text string, limit int) string {
	runes := []rune(text)
	if len(runes) <= limit {
		return text
	}
	cut := limit
	if !isCJK(runes[cut-1]) {
		for i := cut; i > limit/2; i-- {
			if unicode.IsSpace(runes[i]) {
				cut = i
				break
			}
		}
	}
	return strings.TrimRightFunc(string(runes[:cut]), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r)
	}) + "…"
}

// readingMinutes is how long the text takes to read, at least a minute.
func readingMinutes(text string) int {
	cjk, words := 0, 0
	inWord := false
	for _, r := range text {
		switch {
		case isCJK(r):
			cjk++
			inWord = false
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if !inWord {
				words++
			}
			inWord = true
		default:
			inWord = false
		}
	}
	minutes := float64(cjk)/cjkPerMinute + float64(words)/wordsPerMinute
	return max(1, int(math.Ceil(minutes)))
}

func isCJK(r rune) bool {
	return unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r)
}

// leadImage is the first local image of the article, for list thumbnails
// and social cards; the account card's avatar does not count.
func leadImage(root *html.Node) *html.Node {
	var lead *html.Node
	body.Walk(root, func(n *html.Node) {
		if lead != nil || n.Data != "img" {
			return
		}
		if _, inCard := body.Attr(n.Parent, AddedMark); inCard {
			return
		}
		if s, ok := body.Attr(n, "src"); ok && strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//") {
			lead = n
		}
	})
	return lead
}
