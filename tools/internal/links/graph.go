package links

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/net/html"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Graph is the archive's link graph, found by scanning every article
// before any is rewritten: who cites whom, which cited articles the archive
// lacks, and which links lead nowhere.
type Graph struct {
	ix *Index

	mu      sync.Mutex
	citedBy map[string][]string       // target path → citing paths, repeated if it cites it twice
	missing map[string]*missingTarget // key → what cites it
	broken  []Broken
	counts  Counts
}

// Counts are the graph's totals.
type Counts struct {
	Links    int `json:"links"`    // <a href> in the articles
	Internal int `json:"internal"` // to an archived article
	Missing  int `json:"missing"`  // to a WeChat article not archived
	External int `json:"external"` // to anything else on the web
	Broken   int `json:"broken"`   // leading nowhere in the mirror
}

func (c Counts) String() string {
	return fmt.Sprintf("%d links: %d into the archive, %d to WeChat articles not archived, %d to other sites, %d leading nowhere",
		c.Links, c.Internal, c.Missing, c.External, c.Broken)
}

// Broken is a link that resolves to nothing in the mirror.
type Broken struct {
	File   string `json:"file"`
	Href   string `json:"href"`
	Reason string `json:"reason"`
}

// Missing is an article cited by the archive but not in it: what to
// archive next.
type Missing struct {
	URL     string   `json:"url"`
	CitedBy []string `json:"cited_by"`
}

type missingTarget struct {
	url   string
	files map[string]bool
}

// NewGraph returns an empty graph over an index.
func NewGraph(ix *Index) *Graph {
	return &Graph{ix: ix, citedBy: make(map[string][]string, ix.targets), missing: map[string]*missingTarget{}}
}

// Member is what the graph needs of an article.
type Member struct {
	A        *article.Article
	Readable bool     // its front matter could be read
	Keys     []string // the keys of the URLs it is known by (see URLKeys)
	Links    []Link   // its links, as scanned
}

// Build makes the archive's graph: its articles indexed by every URL they
// are known by (their own and the site's links data file's, in siteDir),
// and where every link of the articles without errors leads, so each
// knows who cites it.
func Build(siteDir string, members []Member) (*Graph, error) {
	groups, _, err := LoadEquivalences(siteDir)
	if err != nil {
		return nil, err
	}
	entries := make([]Entry, 0, len(members))
	for _, m := range members {
		if m.Readable {
			entries = append(entries, Entry{Path: m.A.Path, File: m.A.File, Built: !m.A.HasErrors(), Keys: m.Keys})
		}
	}
	g := NewGraph(NewIndex(entries, KeysOf(groups)))
	for _, m := range members {
		if !m.A.HasErrors() {
			g.Add(m.A, m.Links)
		}
	}
	return g, nil
}

// Stage is the name the link stage files its findings under.
const Stage = "links"

// Scan is a pipeline step: it reads an article's links, without building
// a tree, and records where each leads.
func (g *Graph) Scan(_ context.Context, a *article.Article) error {
	g.Add(a, LinksOf(Hrefs(a.Body)))
	return nil
}

// Add records where an article's links lead, from links found earlier.
func (g *Graph) Add(a *article.Article, links []Link) {
	for _, l := range links {
		g.add(a, l)
	}
}

// Resolution is where a link leads, its kind and detail, for cache keys:
// the same answer means the same rewritten link.
func (g *Graph) Resolution(l Link) string {
	kind, detail := g.classify(l)
	return strconv.Itoa(int(kind)) + " " + detail
}

func (g *Graph) add(a *article.Article, l Link) {
	kind, detail := g.classify(l)
	g.mu.Lock()
	defer g.mu.Unlock()
	g.counts.Links++
	switch kind {
	case kindInternal:
		g.counts.Internal++
		if detail != a.Path {
			g.citedBy[detail] = append(g.citedBy[detail], a.Path)
		}
	case kindMissing:
		g.counts.Missing++
		m := g.missing[l.Key]
		if m == nil {
			m = &missingTarget{files: map[string]bool{}}
			g.missing[l.Key] = m
		}
		// Of the forms seen, show the fullest (the one with sn).
		if len(detail) > len(m.url) {
			m.url = detail
		}
		m.files[a.File] = true
	case kindBroken:
		g.counts.Broken++
		g.broken = append(g.broken, Broken{File: a.File, Href: l.Href, Reason: detail})
	case kindExternal:
		g.counts.External++
	}
}

type linkKind int

const (
	kindOther    linkKind = iota // #anchors, mailto:, javascript: (the sanitizer's business)
	kindInternal                 // detail: the target's content path
	kindMissing                  // detail: the canonical URL
	kindBroken                   // detail: why
	kindExternal
)

// classify says where a link leads.
func (g *Graph) classify(l Link) (linkKind, string) {
	if t, ok := g.ix.byKey[l.Key]; ok && l.Key != "" {
		if !t.Built {
			return kindBroken, "links to " + t.File + ", which is left out of the build (errors)"
		}
		return kindInternal, t.Path
	}
	if l.Canonical != "" {
		return kindMissing, l.Canonical
	}
	if l.Key != "" {
		return kindExternal, ""
	}
	h := strings.TrimSpace(l.Href)
	lower := strings.ToLower(h)
	switch {
	case h == "", strings.HasPrefix(h, "#"), strings.Contains(lower, ":") && !strings.HasPrefix(lower, "/"):
		return kindOther, ""
	}
	return kindBroken, "a relative link into the source site, which the mirror does not have"
}

// A Link is an href with what of where it leads does not depend on the
// archive (see article.Link).
type Link = article.Link

// LinkOf is the Link of an href.
func LinkOf(href string) Link {
	h := strings.TrimSpace(href)
	l := Link{Href: href}
	l.Key, _ = Key(h)
	l.Canonical, _ = Canonical(h)
	return l
}

// LinksOf is the Links of hrefs.
func LinksOf(hrefs []string) []Link {
	links := make([]Link, len(hrefs))
	for i, h := range hrefs {
		links[i] = LinkOf(h)
	}
	return links
}

// Hrefs lists the href of every <a> in a body.
func Hrefs(body []byte) []string {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out []string
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if len(name) != 1 || name[0] != 'a' || !hasAttr {
				continue
			}
			for more := true; more; {
				var k, v []byte
				k, v, more = z.TagAttr()
				if string(k) == "href" {
					out = append(out, string(v))
					break
				}
			}
		}
	}
}

// CitedBy lists the archived articles that link to the article at path, in
// path order.
func (g *Graph) CitedBy(path string) []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	cites := slices.Clone(g.citedBy[path])
	slices.Sort(cites)
	return slices.Compact(cites)
}

// Counts returns the totals.
func (g *Graph) Counts() Counts {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.counts
}

// Missing lists the cited articles the archive lacks, most cited first.
func (g *Graph) Missing() []Missing {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]Missing, 0, len(g.missing))
	for _, m := range g.missing {
		out = append(out, Missing{URL: m.url, CitedBy: slices.Sorted(maps.Keys(m.files))})
	}
	sort.Slice(out, func(i, j int) bool {
		if len(out[i].CitedBy) != len(out[j].CitedBy) {
			return len(out[i].CitedBy) > len(out[j].CitedBy)
		}
		return out[i].URL < out[j].URL
	})
	return out
}

// Broken lists the links that lead nowhere, by file.
func (g *Graph) Broken() []Broken {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := append([]Broken{}, g.broken...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].File < out[j].File })
	return out
}
