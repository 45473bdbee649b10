package validate

import (
	"path"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/links"
)

// Stage is the name the validate stage files its findings under.
const Stage = "validate"

// CheckArchive reports what only shows across articles: the same source
// fetched twice, and two articles that Hugo would publish at one URL (it
// would silently keep one). Articles are taken in path order, so the first
// of a pair is the one kept.
func (c *Checker) CheckArchive(articles []*article.Article) {
	sources := map[string]*article.Article{}
	paths := map[string]*article.Article{}
	for _, a := range articles {
		if a == nil || a.FrontMatter.Values == nil {
			continue
		}
		a.Stage = Stage
		if key, ok := links.Key(a.SourceURL()); ok {
			if first, dup := sources[key]; dup {
				report(a, RuleDupSource, a.FrontMatter.Start, "same source as %s: %s", first.File, a.SourceURL())
			} else {
				sources[key] = a
			}
		}
		p := outputPath(a)
		if first, dup := paths[p]; dup {
			report(a, RuleDupPath, a.FrontMatter.Start, "published at the same URL %s as %s", p, first.File)
		} else {
			paths[p] = a
		}
	}
}

// outputPath approximates the URL Hugo gives an article: its url key, or its
// directory and slug (or file name), lower-cased as Hugo does by default.
func outputPath(a *article.Article) string {
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
