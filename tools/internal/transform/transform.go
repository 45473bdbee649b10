// Package transform is the transform phase: the body of each article
// whose staged copy is out of date goes through the document steps (one
// list: Steps) and the article is staged; an article whose inputs are all
// those of an earlier build keeps the copy that build staged (see
// reuse.StagedInputs).
//
// It runs after the archive-wide phases (links, related, localize), whose
// results every article's steps read.
package transform

import (
	"context"
	"encoding/hex"
	"errors"
	"sync"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/check"
	"github.com/archivemirror/mirror/tools/internal/clean"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/related"
	"github.com/archivemirror/mirror/tools/internal/reuse"
	"github.com/archivemirror/mirror/tools/internal/stage"
	"github.com/archivemirror/mirror/tools/internal/status"
	"github.com/archivemirror/mirror/tools/internal/store"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

// Archive is what the document steps of every article need of the whole
// archive and the site.
type Archive struct {
	Graph    *links.Graph
	Lists    map[string]related.Lists
	Manifest *store.Manifest
	Rewriter *images.Rewriter
	Checker  *validate.Checker
	Clean    clean.Config
	// RefPrefix marks links into the archive for the stage (see
	// links.Rewriter); MediaPrefix is the URL path of stored images.
	RefPrefix, MediaPrefix string
	// LoadRemote shows an image that could not be stored from its host.
	LoadRemote bool
}

// Steps are the document steps every article goes through, in order.
func (x *Archive) Steps() pipeline.Pipeline {
	cleaner := clean.New(x.Clean)
	return pipeline.Pipeline{
		{Name: "parse", Run: body.ParseStep},
		{Name: images.Stage, Run: x.Rewriter.Rewrite},
		{Name: links.Stage, Run: links.NewRewriter(x.Graph, x.RefPrefix).Rewrite},
		{Name: "wechat", Run: cleaner.WeChat},
		{Name: "structure", Run: clean.Structure},
		{Name: "summarize", Run: cleaner.Summarize},
		{Name: "lists", Run: x.setLists},
		{Name: "tags", Run: cleaner.HideTags},
		{Name: "status", Run: setStatusID},
		{Name: "render", Run: body.RenderStep},
		{Name: "sanitize", Run: clean.NewSanitizer(x.Clean, x.MediaPrefix, x.LoadRemote).Sanitize},
	}
}

// ParamStatusID is the param naming an article's original in the record
// mirror check keeps (see package status), which the theme reads.
const ParamStatusID = "statusid"

// setStatusID stages the id of the article's original in the status
// record: the theme finds there whether the original vanished.
func setStatusID(_ context.Context, a *article.Article) error {
	if source := a.SourceURL(); source != "" {
		a.SetParam(ParamStatusID, status.ID(source))
	}
	return nil
}

// Params the theme reads for the lists under an article.
const (
	ParamRelated = "related"
	ParamNewer   = "newer"
	ParamOlder   = "older"
)

// setLists is the step that stages an article's related lists.
func (x *Archive) setLists(_ context.Context, a *article.Article) error {
	l := x.Lists[links.RefOf(a.Path)]
	if len(l.Related) > 0 {
		a.SetParam(ParamRelated, l.Related)
	}
	if l.Newer != "" {
		a.SetParam(ParamNewer, l.Newer)
	}
	if l.Older != "" {
		a.SetParam(ParamOlder, l.Older)
	}
	return nil
}

// Result is what the phase did.
type Result struct {
	Stats []pipeline.StepStats
	// Staged names the article file of each staged page, by its path in
	// the stage.
	Staged map[string]string
}

// Refused is the finding of the article Hugo's error is about, whose
// staged page the stage removed so the site can be rendered without it
// (see stage.Refused); ok is false when the error names no staged article.
func (res *Result) Refused(st *stage.Stage, err error) (f article.Finding, ok bool) {
	rel, ok := st.Refused(err)
	file, staged := res.Staged[rel]
	if !ok || !staged {
		return f, false
	}
	delete(res.Staged, rel)
	return article.Finding{File: file, Severity: article.Error, Rule: RuleRefused, Stage: "hugo",
		Message: "Hugo refused the page, which is left out: " + err.Error()}, true
}

// RuleRefused is the finding of an article whose page Hugo refused.
const RuleRefused = "hugo/page-refused"

// Run stages every item without errors, keeping the copies whose inputs
// did not change and transforming the others, then removes from the stage
// what no item staged.
func (x *Archive) Run(ctx context.Context, items []*reuse.Item, st *stage.Stage, cache *reuse.Cache, jobs int) (Result, error) {
	start := time.Now()
	res := Result{Staged: make(map[string]string, len(items))}
	var mu sync.Mutex
	staged := func(rel, file string) {
		mu.Lock()
		res.Staged[rel] = file
		mu.Unlock()
	}
	pipeline.Each(ctx, len(items), jobs, func(i int) {
		it := items[i]
		if it.A.HasErrors() {
			return
		}
		it.Staged = x.inputs(it).Key()
		if rec, ok := cache.Staged(it.Staged); ok && st.Current(rec.Path, tag(it.Staged)) {
			it.A.Findings = append(it.A.Findings, reuse.WithFile(rec.Findings, it.A.File)...)
			it.Restaged = true
			staged(rec.Path, it.A.File)
		}
	})
	todo, byArticle, base, err := x.todo(ctx, items)
	if err != nil {
		return res, err
	}
	res.Stats = append(res.Stats, pipeline.StepStats{Name: "cached", Articles: len(res.Staged), Busy: time.Since(start)})
	var stageErr error
	stats := x.Steps().Run(ctx, todo, jobs, func(a *article.Article) {
		it := byArticle[a]
		added := a.Findings[base[a]:]
		if a != it.A {
			it.A.Findings = append(it.A.Findings, added...)
		}
		if a.HasErrors() {
			return
		}
		rel, _, err := st.Write(a, tag(it.Staged))
		if err != nil {
			mu.Lock()
			stageErr = errors.Join(stageErr, err)
			mu.Unlock()
			return
		}
		staged(rel, a.File)
		cache.PutStaged(it.Staged, reuse.Staged{Path: rel, Findings: reuse.WithFile(added, "")})
	})
	res.Stats = append(res.Stats, stats...)
	if stageErr != nil {
		return res, stageErr
	}
	return res, st.Finish()
}

// todo lists the articles to transform: the items without errors whose
// copy was not kept, a stub parsed and checked again for the fixes its
// staged copy needs (its findings are known already). base is how many
// findings each had before.
func (x *Archive) todo(ctx context.Context, items []*reuse.Item) ([]*article.Article, map[*article.Article]*reuse.Item, map[*article.Article]int, error) {
	var todo []*article.Article
	byArticle := map[*article.Article]*reuse.Item{}
	base := map[*article.Article]int{}
	for _, it := range items {
		if it.A.HasErrors() || it.Restaged {
			continue
		}
		a, err := it.Parsed()
		if err != nil {
			return nil, nil, nil, err
		}
		if !it.Fresh {
			check.Again(ctx, x.Checker, a)
		}
		base[a] = len(a.Findings)
		byArticle[a] = it
		todo = append(todo, a)
	}
	return todo, byArticle, base, nil
}

// inputs are everything an item's staged copy depends on (see
// reuse.StagedInputs); the store files it shows are marked used.
func (x *Archive) inputs(it *reuse.Item) reuse.StagedInputs {
	l := x.Lists[links.RefOf(it.A.Path)]
	in := reuse.StagedInputs{
		File: it.Key, CitedBy: x.Graph.CitedBy(it.A.Path), Related: l.Related, Newer: l.Newer, Older: l.Older,
		MediaPrefix: x.MediaPrefix,
		Images:      make([]store.Entry, len(it.Scan.Images)),
		Links:       make([]string, len(it.Scan.Links)),
	}
	var media []string
	for i, ref := range it.Scan.Images {
		e, _ := x.Manifest.Get(ref.Key)
		in.Images[i] = e
		if e.Status == store.OK {
			media = append(media, e.File)
			for _, v := range e.Variants {
				media = append(media, v.File)
			}
		}
	}
	x.Rewriter.Use(media...)
	for i, link := range it.Scan.Links {
		in.Links[i] = x.Graph.Resolution(link)
	}
	return in
}

// tag names what a staged file holds, for the stage (see stage.Current).
func tag(k reuse.Key) string { return hex.EncodeToString(k[:]) }
