package validate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
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
		return []string{x}, true
	case []any:
		return c.listTerms(fm, tax, x)
	}
	report(fm.a, RuleType, fm.valueAt(tax), "%s must be a list of strings, not %s", key, describe(v))
	return nil, false
}

func (c *Checker) listTerms(fm *frontMatter, tax string, list []any) ([]string, bool) {
	key := fm.keys[tax]
	terms := make([]string, 0, len(list))
	kept := make([]any, 0, len(list))
	for i, it := range list {
		switch x := it.(type) {
		case string:
			if strings.TrimSpace(x) == "" {
				report(fm.a, RuleListItem, fm.valueAt(tax), "%s item %d is empty; dropped", key, i+1)
				continue
			}
			terms = append(terms, x)
			kept = append(kept, x)
		case bool, int, int64, uint64, float64:
			s := fmt.Sprint(x)
			report(fm.a, RuleListItem, fm.valueAt(tax), "%s item %d is %v, not a string; read as %q", key, i+1, x, s)
			terms = append(terms, s)
			kept = append(kept, s)
		default:
			report(fm.a, RuleType, fm.valueAt(tax), "%s item %d must be a string, not %s", key, i+1, describe(it))
			return nil, false
		}
	}
	if len(kept) != len(list) || !sameStrings(kept, list) {
		fm.set(tax, kept)
	}
	return terms, true
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
