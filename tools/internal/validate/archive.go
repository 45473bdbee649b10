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
		if first, dup := paths[p]; dup {
			report(a, RuleDupPath, a.FrontMatter.Start, "published at the same URL %s as %s", p, first.File)
		} else {
			paths[p] = a
		}
		a.Stage = stage
	}
}

// OutputPath approximates the URL Hugo gives an article: its url key, or its
// directory and slug (or file name), lower-cased as Hugo does by default.
func OutputPath(a *article.Article) string {
	fm := newFrontMatter(a)
	if u, ok := fm.get("url"); ok {
		if s, ok := u.(string); ok && s != "" {
			return "/" + strings.Trim(strings.ToLower(s), "/") + "/"
		}
	}
	name := strings.TrimSuffix(path.Base(a.Path), path.Ext(a.Path))
	if s, ok := fm.get("slug"); ok {
		if s, ok := s.(string); ok && s != "" {
			name = s
		}
	}
	return strings.ToLower(path.Join("/", path.Dir(a.Path), name)) + "/"
}
