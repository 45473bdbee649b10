package validate

import (
	"sort"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// articleKeys are the front matter keys an article may set: what the
// theme shows of it and what the stages read. The site's taxonomies are
// added, and validate.knownKeys. Every other key is dropped from the
// staged copy: an article is text, and what it may say about itself must
// not reach other pages.
var articleKeys = []string{
	"title", "date", "lastmod", "publishdate", "expirydate", "draft",
	"summary", "description", "keywords", "iscjklanguage",
	"source", "sources", "account", "fetched",
}

// siteKeys are the keys that would let one article place or render pages
// beyond its own, and the stages' own params: never an article's, whatever
// the site allows (Config.Validate refuses them in knownKeys).
var siteKeys = map[string]string{
	"url":            "it publishes the page at any address, the home page's or another article's",
	"aliases":        "it writes redirects at any address, the home page's or another article's",
	"slug":           "it renames the page, onto another article's address (list it in knownKeys to allow safe slugs)",
	"layout":         "it renders the page with another template",
	"type":           "it renders the page with another section's templates",
	"kind":           "it makes the page another kind of page",
	"outputs":        "it sets which files the page is written as",
	"cascade":        "it sets front matter of other pages",
	"menus":          "it adds the page to the site's menus on every page",
	"menu":           "it adds the page to the site's menus on every page",
	"weight":         "it reorders the site's lists",
	"markup":         "it picks another renderer, outside the sanitizer",
	"build":          "it sets whether and how the page is rendered and listed",
	"_build":         "it sets whether and how the page is rendered and listed",
	"headless":       "it sets whether the page is rendered",
	"sitemap":        "it sets the page's sitemap entry",
	"resources":      "it sets the page's resources",
	"params":         "it sets params the theme reads for the site's own use",
	"lang":           "it moves the page to another language",
	"translationkey": "it links the page to other pages",
	"path":           "it sets the page's logical path, another page's",
	"sites":          "it moves the page to other languages or versions of the site",
	"images":         "Hugo's social-card templates load it from any host",
	"image":          "the build sets it from the article's first stored image",
	"imagesrcset":    "the build sets it from the article's first stored image",
	"imagewidth":     "the build sets it from the article's first stored image",
	"imageheight":    "the build sets it from the article's first stored image",
	"readingtime":    "the build computes it",
	"related":        "the build computes it",
	"newer":          "the build computes it",
	"older":          "the build computes it",
	"citedby":        "the build computes it",
}

// checkKeys drops, with a warning, every key an article may not set; a
// key nobody reads is often a typo of one that matters, and is named as
// such. A slug the site allows must name one page at the article's place.
func (c *Checker) checkKeys(fm *frontMatter) {
	var allowed []string
	for lower, key := range fm.keys {
		if c.known[lower] {
			if lower == "slug" {
				c.checkSlug(fm)
			}
			continue
		}
		if allowed == nil {
			allowed = c.allowedKeys()
		}
		if why, ok := siteKeys[lower]; ok {
			report(fm.a, RuleKeyNotAllowed, fm.keyAt(lower), "%s is not an article's to set (%s): dropped", key, why)
		} else {
			msg := "unknown front matter key " + key + ": dropped"
			if s := closest(lower, allowed); s != "" {
				msg += "; did you mean " + s + "?"
			}
			report(fm.a, RuleUnknownKey, fm.keyAt(lower), "%s", msg)
		}
		fm.drop(lower)
	}
}

// checkSlug keeps a slug that is a safe page name as it is (see
// article.PagePath), and drops any other.
func (c *Checker) checkSlug(fm *frontMatter) {
	v, _ := fm.get("slug")
	if s, ok := v.(string); ok && s != "" && article.PagePath(s) == s {
		return
	}
	report(fm.a, RuleKeyNotAllowed, fm.valueAt("slug"), "slug %s is not a page name (lower-case letters, digits, \"_\", \"-\", \".\"): dropped", fm.raw("slug"))
	fm.drop("slug")
}

// allowedKeys lists the keys an article may set, sorted, for suggestions.
func (c *Checker) allowedKeys() []string {
	keys := make([]string, 0, len(c.known))
	for k := range c.known {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Closest returns the candidate nearest to s when it is near enough to be
// a typo of it (a case difference, or up to two edits for longer words).
func Closest(s string, candidates []string) string { return closest(s, candidates) }

func closest(s string, candidates []string) string {
	best, bestDist := "", 3
	ls := strings.ToLower(s)
	for _, c := range candidates {
		d := editDistance(ls, strings.ToLower(c))
		if d < bestDist && d < len([]rune(ls))/2+1 {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in characters.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
