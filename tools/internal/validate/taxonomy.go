package validate

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// checkTaxonomies checks every taxonomy key (tags, categories and any the
// site adds): a list of non-empty strings, and for categories, one of the
// site's when it lists them.
func (c *Checker) checkTaxonomies(fm *frontMatter) {
	taxonomies := make([]string, 0, len(c.taxonomies))
	for t := range c.taxonomies {
		taxonomies = append(taxonomies, t)
	}
	sort.Strings(taxonomies)
	for _, tax := range taxonomies {
		v, ok := fm.get(tax)
		if !ok || v == nil {
			continue
		}
		terms, ok := c.terms(fm, tax, v)
		if !ok {
			continue
		}
		if tax == "categories" && len(c.categories) > 0 {
			c.checkCategories(fm, terms)
		}
	}
}

// terms reads a taxonomy value as Hugo would, reporting and repairing what
// Hugo would read differently than meant. ok is false for a value Hugo
// cannot read as terms at all.
func (c *Checker) terms(fm *frontMatter, tax string, v any) ([]string, bool) {
	key := fm.keys[tax]
	switch x := v.(type) {
	case string:
		report(fm.a, RuleListString, fm.valueAt(tax), "%s is a string, not a list; read as [%q]", key, x)
		if strings.TrimSpace(x) == "" {
			fm.set(tax, []any{})
			return nil, true
		}
		fm.set(tax, []any{x})
		return c.listTerms(fm, tax, []any{x})
	case []any:
		return c.listTerms(fm, tax, x)
	}
	report(fm.a, RuleType, fm.valueAt(tax), "%s must be a list of strings, not %s", key, describe(v))
	return nil, false
}

func (c *Checker) listTerms(fm *frontMatter, tax string, list []any) ([]string, bool) {
	key := fm.keys[tax]
	if max := c.Limits.MaxTerms; len(list) > max {
		report(fm.a, RuleTooManyTerms, fm.valueAt(tax), "%s has %d items; the first %d are kept (limits.maxTerms)", key, len(list), max)
		list = list[:max]
		fm.set(tax, list)
	}
	terms := make([]string, 0, len(list))
	kept := make([]any, 0, len(list))
	for i, it := range list {
		var term string
		switch x := it.(type) {
		case string:
			if strings.TrimSpace(x) == "" {
				report(fm.a, RuleListItem, fm.valueAt(tax), "%s item %d is empty; dropped", key, i+1)
				continue
			}
			term = x
		case bool, int, int64, uint64, float64:
			term = fmt.Sprint(x)
			report(fm.a, RuleListItem, fm.valueAt(tax), "%s item %d is %v, not a string; read as %q", key, i+1, x, term)
		default:
			report(fm.a, RuleType, fm.valueAt(tax), "%s item %d must be a string, not %s", key, i+1, describe(it))
			return nil, false
		}
		term, ok := c.safeTerm(fm, tax, i, term)
		if !ok {
			continue
		}
		terms = append(terms, term)
		kept = append(kept, term)
	}
	if len(kept) != len(list) || !sameStrings(kept, list) {
		fm.set(tax, kept)
	}
	return terms, true
}

// safeTerm is a term as staged (see article.SafeTerm), reporting a change;
// ok is false for a term to drop.
func (c *Checker) safeTerm(fm *frontMatter, tax string, i int, term string) (string, bool) {
	key := fm.keys[tax]
	safe, ok := article.SafeTerm(term, c.Limits.MaxTermBytes)
	switch {
	case !ok:
		report(fm.a, RuleTermUnsafe, fm.valueAt(tax), "%s item %d %q names no page of its own; dropped", key, i+1, term)
	case safe != strings.TrimSpace(term):
		report(fm.a, RuleTermUnsafe, fm.valueAt(tax), "%s item %d %q is staged as %q (a term is text, never a path; limits.maxTermBytes)", key, i+1, term, safe)
	}
	return safe, ok
}

func sameStrings(a, b []any) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (c *Checker) checkCategories(fm *frontMatter, terms []string) {
	for _, t := range terms {
		if _, ok := c.categories[strings.ToLower(t)]; ok {
			continue
		}
		msg := fmt.Sprintf("category %q is not one of the site's (validate.categories)", t)
		if s := closest(t, c.cfg.Categories); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		report(fm.a, RuleCategory, fm.valueAt("categories"), "%s", msg)
	}
}

// jsonList renders terms as a list that YAML, TOML and JSON all read.
func jsonList(terms ...string) string {
	b, _ := json.Marshal(terms)
	return string(b)
}

// CheckParams is the step after the stages that set taxonomies from an
// article's text (its account, from the fetcher's "TITLE by ACCOUNT"
// line): their terms are made safe as the front matter's are.
func (c *Checker) CheckParams(_ context.Context, a *article.Article) error {
	for key, v := range a.Params {
		terms, ok := v.([]string)
		if !ok || !c.taxonomies[strings.ToLower(key)] {
			continue
		}
		kept := make([]string, 0, len(terms))
		for _, t := range terms {
			safe, ok := article.SafeTerm(t, c.Limits.MaxTermBytes)
			switch {
			case !ok:
				a.Report(severityOf(RuleTermUnsafe), RuleTermUnsafe, -1, fmt.Sprintf("%s %q names no page of its own; dropped", key, t))
				continue
			case safe != strings.TrimSpace(t):
				a.Report(severityOf(RuleTermUnsafe), RuleTermUnsafe, -1, fmt.Sprintf("%s %q is staged as %q (a term is text, never a path)", key, t, safe))
			}
			kept = append(kept, safe)
		}
		a.Params[key] = kept
	}
	return nil
}
