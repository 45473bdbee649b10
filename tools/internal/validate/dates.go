package validate

import (
	"time"

	"github.com/gohugoio/hugo/common/htime"
)

// checkDates reports dates Hugo cannot parse, a date or publishDate in the
// future (Hugo silently skips such pages unless buildFuture is set), an
// expiry date that has passed (Hugo skips those too), and lastmod before
// date.
func (c *Checker) checkDates(fm *frontMatter) {
	dates := map[string]time.Time{}
	for _, key := range []string{"date", "publishdate", "pubdate", "lastmod", "modified", "expirydate", "unpublishdate"} {
		v, ok := fm.get(key)
		if !ok || !hasKind(v, kindDate) {
			continue // a missing date or a wrong type is reported elsewhere
		}
		t, err := htime.ToTimeInDefaultLocationE(v, time.UTC)
		if err != nil {
			report(fm.a, RuleDateInvalid, fm.valueAt(key), "%s %s is not a date Hugo can read", fm.keys[key], fm.raw(key))
			continue
		}
		dates[key] = t
	}
	now := c.Now()
	for _, key := range []string{"date", "publishdate", "pubdate"} {
		if t, ok := dates[key]; ok && t.After(now) && !c.cfg.AllowFuture {
			report(fm.a, RuleDateFuture, fm.valueAt(key), "%s %s is in the future: Hugo would skip the article (set buildFuture to publish it)", fm.keys[key], t.Format(time.RFC3339))
		}
	}
	for _, key := range []string{"expirydate", "unpublishdate"} {
		if t, ok := dates[key]; ok && t.Before(now) {
			report(fm.a, RuleExpired, fm.valueAt(key), "%s %s has passed: Hugo will not publish the article", fm.keys[key], t.Format(time.RFC3339))
		}
	}
	date, hasDate := dates["date"]
	for _, key := range []string{"lastmod", "modified"} {
		if t, ok := dates[key]; ok && hasDate && t.Before(date) {
			report(fm.a, RuleLastmod, fm.valueAt(key), "%s %s is before date %s", fm.keys[key], t.Format(time.RFC3339), date.Format(time.RFC3339))
		}
	}
}
