// Package check is the check phase: each article read fresh is validated
// (its front matter, its file), its fetcher's debris becomes metadata, and
// what the later phases need of it is kept as its scan, in the cache for
// the next build too; then the rules that look across the archive run over
// every article.
//
// It never writes files; the cache is saved by the build.
package check

import (
	"context"
	"fmt"
	"time"

	"github.com/gohugoio/hugo/common/htime"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/clean"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/reuse"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

// Steps are the checks of one article, in order: the rules, the debris,
// the terms the debris gave.
func Steps(checker *validate.Checker) pipeline.Pipeline {
	return pipeline.Pipeline{
		{Name: validate.Stage, Run: checker.Check},
		{Name: "debris", Run: clean.Debris},
		{Name: "terms", Run: checker.CheckParams},
	}
}

// Run checks and scans the fresh items, keeping their scans in cache,
// then runs the archive-wide rules over every item.
func Run(ctx context.Context, items []*reuse.Item, checker *validate.Checker, limits article.Limits, cache *reuse.Cache, jobs int) []pipeline.StepStats {
	var fresh []*article.Article
	byArticle := map[*article.Article]*reuse.Item{}
	for _, it := range items {
		if it.Fresh {
			fresh = append(fresh, it.A)
			byArticle[it.A] = it
		}
	}
	stats := Steps(checker).Run(ctx, fresh, jobs, func(a *article.Article) {
		it := byArticle[a]
		it.Scan = scanOf(a, limits)
		cache.PutScan(it.Key, it.Scan)
	})
	archive := make([]validate.ArchiveItem, len(items))
	for i, it := range items {
		s := it.Scan
		archive[i] = validate.ArchiveItem{A: it.A, Source: s.Source, SourceKey: s.SourceKey, Path: s.Path, Readable: s.Readable}
	}
	checker.CheckArchive(archive)
	return stats
}

// Again checks an article read from a stub, for the fixes its staged copy
// needs (its findings are known already).
func Again(ctx context.Context, checker *validate.Checker, a *article.Article) {
	for _, step := range Steps(checker) {
		step.Run(ctx, a)
	}
}

// scanOf is what the later phases need of a checked article. Images and
// links past the site's limits are reported and left out.
func scanOf(a *article.Article, limits article.Limits) reuse.Scan {
	var refs []images.Ref
	var hrefs []string
	if !a.HasErrors() {
		refs = scanImages(a, limits.MaxImages)
		hrefs = links.Hrefs(a.Body)
		if len(hrefs) > limits.MaxLinks {
			a.Report(article.Warning, links.RuleTooMany, -1, fmt.Sprintf("the article has %d links; the first %d are resolved into the archive (limits.maxLinks)", len(hrefs), limits.MaxLinks))
			hrefs = hrefs[:limits.MaxLinks]
		}
	}
	s := reuse.Scan{Findings: reuse.WithFile(a.Findings, ""), Images: refs}
	s.Account, _ = a.Params[clean.ParamAccount].(string)
	if hrefs != nil {
		s.Links = links.LinksOf(hrefs)
	}
	if a.FrontMatter.Values == nil {
		return s
	}
	it := validate.ItemOf(a)
	s.Source, s.SourceKey, s.Path, s.Readable = it.Source, it.SourceKey, it.Path, true
	s.URLKeys = links.URLKeys(links.URLsOf(a))
	if d, err := htime.ToTimeInDefaultLocationE(a.FrontMatter.Values["date"], time.UTC); err == nil {
		s.Date = d
	}
	if cats, ok := a.FrontMatter.Values["categories"].([]any); ok {
		for _, c := range cats {
			if c, ok := c.(string); ok {
				s.Categories = append(s.Categories, c)
			}
		}
	}
	return s
}

// scanImages lists an article's first max images, reporting any past them.
func scanImages(a *article.Article, max int) []images.Ref {
	refs, more := images.Scan(a.Body, max)
	if more > 0 {
		a.Report(article.Warning, images.RuleTooMany, -1, fmt.Sprintf("the article shows %d images; the first %d are stored, the others left remote (limits.maxImages)", max+more, max))
	}
	return refs
}
