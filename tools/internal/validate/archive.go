package validate

import (
	"path"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/links"
)

// Stage is the name the validate stage files its findings under.
const Stage = "validate"

// ArchiveItem is what the archive-wide rules need of an article: the
// article to report on, its source URL and the URL path Hugo gives it.
// Readable is false for a file whose front matter could not be read.
type ArchiveItem struct {
	A         *article.Article
	Source    string
	SourceKey string // see links.Key; "" if Source has none
	Path      string
	Readable  bool
}

// ItemOf describes a read article for CheckArchive.
func ItemOf(a *article.Article) ArchiveItem {
	if a.FrontMatter.Values == nil {
		return ArchiveItem{A: a}
	}
	source := a.SourceURL()
	key, _ := links.Key(source)
	return ArchiveItem{A: a, Source: source, SourceKey: key, Path: OutputPath(a), Readable: true}
}

// Items describes read articles for CheckArchive.
func Items(articles []*article.Article) []ArchiveItem {
	items := make([]ArchiveItem, 0, len(articles))
	for _, a := range articles {
		if a != nil {
			items = append(items, ItemOf(a))
		}
	}
	return items
}

// CheckArchive reports what only shows across articles: the same source
// fetched twice, and two articles that Hugo would publish at one URL (it
// would silently keep one). Articles are taken in path order, so the first
// of a pair is the one kept.
func (c *Checker) CheckArchive(items []ArchiveItem) {
	sources := map[string]*article.Article{}
	paths := map[string]*article.Article{}
	sections := sectionsOf(items)
	for _, it := range items {
		a := it.A
		if !it.Readable {
			continue
		}
		stage := a.Stage
		a.Stage = Stage
		if key := it.SourceKey; key != "" {
			if first, dup := sources[key]; dup {
				report(a, RuleDupSource, a.FrontMatter.Start, "same source as %s: %s", first.File, it.Source)
			} else {
				sources[key] = a
			}
		}
		p := it.Path
		if top := topOf(p); c.reserved[top] {
			report(a, RuleReservedPath, -1, "published at %s, where the site's own %q pages or files are: rename the file", p, top)
		} else if section, ok := sections[p]; ok {
			report(a, RuleDupPath, a.FrontMatter.Start, "published at %s, the list page of the section %s holds", p, section)
		} else if first, dup := paths[p]; dup {
			report(a, RuleDupPath, a.FrontMatter.Start, "published at the same URL %s as %s", p, first.File)
		} else {
			paths[p] = a
		}
		a.Stage = stage
	}
}

// Reserve marks the first parts of paths articles may not be published
// under (see config.Reserved).
func (c *Checker) Reserve(names []string) {
	for _, n := range names {
		c.reserved[strings.ToLower(n)] = true
	}
}

// topOf is the first part of a URL path ("about" of "/about/x/").
func topOf(p string) string {
	top, _, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	return top
}

// sectionsOf finds the sections the articles make: Hugo gives each
// top-level directory of content a list page at its path, which an
// article there would take. It returns each section's path and the
// directory, as a file of it names it.
func sectionsOf(items []ArchiveItem) map[string]string {
	sections := map[string]string{}
	for _, it := range items {
		if dir, _, nested := strings.Cut(it.A.Path, "/"); nested {
			sections["/"+article.PagePath(dir)+"/"] = dir + "/"
		}
	}
	return sections
}

// OutputPath approximates the URL Hugo gives an article: its url key, or its
// directory and slug (or file name), lower-cased as Hugo does by default.
func OutputPath(a *article.Article) string {
	fm := newFrontMatter(a)
	name := article.PagePath(a.Path)
	if s, ok := fm.get("slug"); ok {
		if s, ok := s.(string); ok && s != "" {
			name = path.Join(path.Dir(name), s)
		}
	}
	return strings.ToLower("/"+name) + "/"
}
