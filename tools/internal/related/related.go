// Package related computes, for every article, the articles a reader may
// want next: related ones (same account first, then same category, nearest
// in time) and the previous and next article of its category. Computing
// them once for the archive, instead of asking Hugo on every page, keeps
// the cost linear in the archive's size: at 10,000 articles Hugo's own
// related search took longer than the rest of the site together.
package related

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"time"
)

// Article is what the lists need of an article.
type Article struct {
	Ref      string // its logical path, as site.GetPage takes it
	Account  string
	Category string // its first category
	Date     time.Time
}

// Of is the Article of ref, of this account and date, in the first of
// categories.
func Of(ref, account string, date time.Time, categories []string) Article {
	a := Article{Ref: ref, Account: account, Date: date}
	if len(categories) > 0 {
		a.Category = categories[0]
	}
	return a
}

// Lists are one article's related and neighbouring articles, as refs.
type Lists struct {
	Related      []string
	Newer, Older string // in its category
}

// Compute returns the lists of every article, by ref, with up to n related.
func Compute(articles []Article, n int) map[string]Lists {
	byAccount := group(articles, func(a Article) string { return a.Account })
	byCategory := group(articles, func(a Article) string { return a.Category })
	out := make(map[string]Lists, len(articles))
	refs := make([]string, len(articles)*n) // the lists' arrays, cut from one
	for i, a := range articles {
		l := Lists{Related: refs[i*n : i*n : i*n+n]}
		for _, pool := range [][]Article{byAccount[a.Account], byCategory[a.Category]} {
			l.Related = nearest(pool, a, n, l.Related)
		}
		if a.Category != "" {
			cat := byCategory[a.Category]
			i := position(cat, a)
			if i > 0 {
				l.Newer = cat[i-1].Ref
			}
			if i >= 0 && i+1 < len(cat) {
				l.Older = cat[i+1].Ref
			}
		}
		out[a.Ref] = l
	}
	return out
}

// group sorts articles into groups, each newest first (ties by ref, so the
// lists are the same from build to build).
func group(articles []Article, key func(Article) string) map[string][]Article {
	sizes := map[string]int{}
	for _, a := range articles {
		sizes[key(a)]++
	}
	delete(sizes, "")
	// The groups are cut from one array, each at its size: grown by
	// appending, they took three times the memory.
	all := make([]Article, 0, len(articles))
	g := make(map[string][]Article, len(sizes))
	for k, n := range sizes {
		g[k], all = all[len(all):len(all):len(all)+n], all[:len(all)+n]
	}
	for _, a := range articles {
		if k := key(a); k != "" {
			g[k] = append(g[k], a)
		}
	}
	for _, list := range g {
		slices.SortFunc(list, func(a, b Article) int {
			return cmp.Or(b.Date.Compare(a.Date), strings.Compare(a.Ref, b.Ref))
		})
	}
	return g
}

func position(list []Article, a Article) int {
	i := sort.Search(len(list), func(i int) bool {
		return !list[i].Date.After(a.Date) && (!list[i].Date.Equal(a.Date) || list[i].Ref >= a.Ref)
	})
	if i < len(list) && list[i].Ref == a.Ref {
		return i
	}
	return -1
}

// nearest adds to related, up to n in all, the refs of the articles of a
// date-sorted group closest in time to a (newer first at equal distance),
// but for a and those related holds already.
func nearest(list []Article, a Article, n int, related []string) []string {
	i := position(list, a)
	if i < 0 {
		return related
	}
	take := func(j int) {
		if j >= 0 && j < len(list) && len(related) < n && !slices.Contains(related, list[j].Ref) {
			related = append(related, list[j].Ref)
		}
	}
	for lo, hi := i-1, i+1; len(related) < n && (lo >= 0 || hi < len(list)); lo, hi = lo-1, hi+1 {
		take(lo)
		take(hi)
	}
	return related
}
