package validate

import (
	"strings"
)

// checkRequired reports missing title and date, and any other key the site
// requires.
func (c *Checker) checkRequired(fm *frontMatter) {
	at := fm.a.FrontMatter.Start
	title, ok := fm.get("title")
	switch s, isString := title.(string); {
	case !ok:
		report(fm.a, RuleMissingTitle, at, "no title")
	case isString && strings.TrimSpace(s) == "":
		report(fm.a, RuleEmptyTitle, fm.valueAt("title"), "the title is empty")
	}
	if _, ok := fm.get("date"); !ok {
		report(fm.a, RuleMissingDate, at, "no date")
	}
	for _, k := range c.cfg.Required {
		lower := strings.ToLower(k)
		if lower == "title" || lower == "date" {
			continue
		}
		if _, ok := fm.get(lower); !ok {
			report(fm.a, RuleMissingKey, at, "no %s (the site requires it: validate.required)", k)
		}
	}
}
