package validate

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/capture"
)

// Checker runs the rules with one site's settings.
type Checker struct {
	cfg        Config
	taxonomies map[string]bool
	known      map[string]bool
	categories map[string]string // lower case → as configured
	// Now is the clock future dates are judged by.
	Now func() time.Time
	// Limits bound an article's taxonomies (see article.Limits).
	Limits article.Limits
	// reserved are the first parts of the paths the site's own pages
	// use (see Reserve).
	reserved map[string]bool
}

// New returns a checker for a site with these settings and taxonomies
// (their plural names, which are front matter keys).
func New(cfg Config, taxonomies []string) *Checker {
	c := &Checker{
		cfg:        cfg,
		taxonomies: map[string]bool{},
		known:      map[string]bool{},
		categories: map[string]string{},
		Now:        time.Now,
		Limits:     article.NewDefaultLimits(),
		reserved:   map[string]bool{},
	}
	for _, k := range slices.Concat(articleKeys, taxonomies, cfg.KnownKeys, cfg.Required) {
		c.known[strings.ToLower(k)] = true
	}
	for _, t := range taxonomies {
		c.taxonomies[strings.ToLower(t)] = true
	}
	for _, cat := range cfg.Categories {
		c.categories[strings.ToLower(cat)] = cat
	}
	return c
}

// Check is the validate stage: it reports what is wrong with one article
// and fixes the warnings in the article's in-memory front matter and body,
// which is what gets staged. The file's bytes are never changed.
func (c *Checker) Check(_ context.Context, a *article.Article) error {
	for i, f := range a.Findings {
		// The reader's findings: it does not know what --fix can do.
		a.Findings[i].Fixable = fixable(f.Rule)
	}
	checkFile(a)
	checkCapture(a)
	if a.FrontMatter.Values == nil {
		return nil
	}
	fm := newFrontMatter(a)
	c.checkKeys(fm)
	c.checkRequired(fm)
	c.checkTypes(fm)
	c.checkDates(fm)
	c.checkTaxonomies(fm)
	return nil
}

// frontMatter is one article's decoded front matter with its keys looked up
// case-insensitively, as Hugo does, and their positions.
type frontMatter struct {
	a    *article.Article
	keys map[string]string // lower case → as written
	// located holds the keys' positions, found only when a finding needs
	// one: most articles have none, and finding them parses the YAML again.
	located map[string]field
}

func newFrontMatter(a *article.Article) *frontMatter {
	fm := &frontMatter{a: a, keys: map[string]string{}}
	for k := range a.FrontMatter.Values {
		fm.keys[strings.ToLower(k)] = k
	}
	return fm
}

// field returns where a key and its value are in the file.
func (fm *frontMatter) field(lower string) (field, bool) {
	if fm.located == nil {
		fm.located = fields(fm.a)
	}
	f, ok := fm.located[fm.keys[lower]]
	return f, ok
}

// get returns the value of a key, ignoring case.
func (fm *frontMatter) get(lower string) (any, bool) {
	k, ok := fm.keys[lower]
	if !ok {
		return nil, false
	}
	return fm.a.FrontMatter.Values[k], true
}

// raw returns the value of a key as written in the file, on one line.
func (fm *frontMatter) raw(lower string) string {
	f, ok := fm.field(lower)
	if !ok {
		return describe(fm.a.FrontMatter.Values[fm.keys[lower]])
	}
	text := strings.Join(strings.Fields(string(fm.a.Source[f.ValueStart:f.ValueEnd])), " ")
	if len(text) > 60 {
		text = text[:57] + "..."
	}
	return text
}

// drop removes a key from the staged front matter.
func (fm *frontMatter) drop(lower string) {
	delete(fm.a.FrontMatter.Values, fm.keys[lower])
	delete(fm.keys, lower)
}

// set replaces a value in the staged front matter.
func (fm *frontMatter) set(lower string, v any) {
	fm.a.FrontMatter.Values[fm.keys[lower]] = v
}

// keyAt and valueAt are where a key and its value start, or the start of
// the front matter when the key is missing.
func (fm *frontMatter) keyAt(lower string) int {
	if f, ok := fm.field(lower); ok {
		return f.KeyStart
	}
	return fm.a.FrontMatter.Start
}

func (fm *frontMatter) valueAt(lower string) int {
	if f, ok := fm.field(lower); ok {
		return f.ValueStart
	}
	return fm.keyAt(lower)
}

// report files a finding with the rule's severity.
func report(a *article.Article, rule string, offset int, format string, args ...any) {
	a.Report(severityOf(rule), rule, offset, fmt.Sprintf(format, args...))
	a.Findings[len(a.Findings)-1].Fixable = fixable(rule)
}

// checkCapture finds captures that are not articles: WeChat's pages for a
// deleted, removed, hidden… article (an error: left out, with the class),
// and captures cut short (a warning: capture again).
func checkCapture(a *article.Article) {
	body := string(a.Body)
	if class, msg := capture.ClassifyText(body); class != capture.Article {
		a.Report(article.Error, class.Rule(), -1, fmt.Sprintf("WeChat's page %q was captured, not the article", msg))
		return
	}
	if capture.Truncated(body) {
		a.Report(article.Warning, RuleTruncated, -1, "the capture looks cut short (GitHub's comment limit, or a tag left open at its end): capture it again")
	}
}
