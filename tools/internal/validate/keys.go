package validate

import (
	"sort"
	"strings"
)

// checkKeys reports keys nobody reads: often a typo of one that matters.
func (c *Checker) checkKeys(fm *frontMatter) {
	known := make([]string, 0, len(c.known))
	for k := range c.known {
		known = append(known, k)
	}
	sort.Strings(known)
	for lower, key := range fm.keys {
		if c.known[lower] {
			continue
		}
		msg := "unknown front matter key " + key + ": neither Hugo nor the site reads it"
		if s := closest(lower, known); s != "" {
			msg += "; did you mean " + s + "?"
		}
		report(fm.a, RuleUnknownKey, fm.keyAt(lower), "%s", msg)
	}
}

// closest returns the candidate nearest to s when it is near enough to be
// a typo of it (a case difference, or up to two edits for longer words).
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
