package build

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/gohugoio/hugo/common/htime"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/clean"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/related"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/reuse"
	"github.com/archivemirror/mirror/tools/internal/store"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

// item is one article on its way through a build. An article whose file is
// unchanged since a build that scanned it is a stub: its bytes are read but
// not parsed, and what scanning it found comes from the cache.
type item struct {
	a      *article.Article
	key    reuse.Key // the file's bytes and the settings
	staged reuse.Key // everything its staged copy depends on (stagedInputs)
	scan   reuse.Scan
	fresh  bool // parsed in this build
	// restaged says its staged copy came from the cache.
	restaged bool
}

// read reads the content directory: each article is looked up in the
// cache by its bytes and parsed only if it is not there. What is not an
// article is reported and left out (see package content); the site's own
// pages come from site/content/.
func (r *run) read(ctx context.Context) error {
	start := time.Now()
	dir, err := content.List(r.opts.ContentDir)
	if err != nil {
		return err
	}
	for _, refused := range dir.Refused {
		r.report.AddFindings([]article.Finding{refused.Finding(r.opts.Display(r.contentFile(refused.Path)))})
	}
	r.report.Refused = len(dir.Refused)
	if err := r.stageSitePages(); err != nil {
		return err
	}
	r.items = make([]*item, len(dir.Articles))
	errs := make([]error, len(dir.Articles))
	now := time.Now()
	pipeline.Each(ctx, len(dir.Articles), r.opts.Jobs, func(i int) {
		rel := dir.Articles[i]
		abs := r.contentFile(rel)
		file := r.opts.Display(abs)
		it, err := r.readItem(rel, abs, file, now)
		if err != nil {
			errs[i] = err
			return
		}
		r.items[i] = it
	})
	if err := errors.Join(errs...); err != nil {
		return err
	}
	r.report.Articles = len(r.items)
	r.report.AddStage(report.Stage{Name: "read", Articles: len(r.items), Duration: time.Since(start)})
	return ctx.Err()
}

// stageSitePages stages the site's own pages, site/content/ (a section's
// _index.md, a page of the owner's), as they are: they are trusted, and
// no article may be published where they are (see config.Reserved).
func (r *run) stageSitePages() error {
	root := filepath.Join(r.opts.SiteDir, "content")
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		switch {
		case errors.Is(err, fs.ErrNotExist) && p == root:
			return nil
		case err != nil:
			return err
		case !d.Type().IsRegular():
			return nil // directories are walked; links not followed
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		return r.stage.Copy(filepath.ToSlash(rel), data)
	})
}

// contentFile is the file of a path relative to the content directory.
func (r *run) contentFile(rel string) string {
	return filepath.Join(r.opts.ContentDir, filepath.FromSlash(rel))
}

// readItem looks an article up in the cache: by its stat when the file is
// as it was (no read at all), else by its bytes; it parses it only when
// neither is known.
func (r *run) readItem(rel, abs, file string, now time.Time) (*item, error) {
	info, err := os.Lstat(abs)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", file) // replaced since the listing
	}
	if max := r.cfg.Limits.MaxFileBytes; info.Size() > max {
		return &item{a: article.TooLarge(rel, file, info.Size(), max)}, nil
	}
	name := reuse.KeyOf(r.settingsKey[:], []byte(rel))
	if key, ok := r.cache.File(name, info); ok {
		if scan, ok := r.cache.Scan(key); ok {
			return &item{key: key, scan: scan, a: &article.Article{Path: rel, File: file, Findings: withFile(scan.Findings, file)}}, nil
		}
	}
	data, err := content.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	it := &item{key: reuse.KeyOf(r.settings, []byte(rel), data)}
	if st, settled := reuse.StatOf(info, it.key, now); settled {
		r.cache.PutFile(name, st)
	}
	if scan, ok := r.cache.Scan(it.key); ok {
		it.scan = scan
		it.a = &article.Article{Path: rel, File: file, Source: data, Findings: withFile(scan.Findings, file)}
	} else {
		it.a = article.Parse(rel, file, data)
		it.fresh = true
	}
	return it, nil
}

// check validates the fresh articles, turns their debris into metadata and
// scans their images and links, keeping the results in the cache; then it
// runs the archive-wide rules over every article.
func (r *run) check(ctx context.Context) error {
	var fresh []*article.Article
	byArticle := map[*article.Article]*item{}
	for _, it := range r.items {
		if it.fresh {
			fresh = append(fresh, it.a)
			byArticle[it.a] = it
		}
	}
	stats := pipeline.Pipeline{
		{Name: validate.Stage, Run: r.checker.Check},
		{Name: "debris", Run: clean.Debris},
		{Name: "terms", Run: r.checker.CheckParams},
	}.Run(ctx, fresh, r.opts.Jobs, func(a *article.Article) {
		it := byArticle[a]
		it.scan = scanOf(a, r.cfg.Limits)
		r.cache.PutScan(it.key, it.scan)
	})
	r.addStages(stats)
	items := make([]validate.ArchiveItem, len(r.items))
	for i, it := range r.items {
		items[i] = validate.ArchiveItem{A: it.a, Source: it.scan.Source, SourceKey: it.scan.SourceKey, Path: it.scan.Path, Readable: it.scan.Readable}
	}
	r.checker.CheckArchive(items)
	return nil
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
	s := reuse.Scan{Findings: withFile(a.Findings, "")}
	s.Account, _ = a.Params[clean.ParamAccount].(string)
	if a.FrontMatter.Values != nil {
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
	}
	s.Images = refs
	if hrefs != nil {
		s.Links = links.LinksOf(hrefs)
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

// withFile copies findings with the file name set (cached findings are
// kept without it: the name depends on where mirror runs).
func withFile(fs []article.Finding, file string) []article.Finding {
	out := make([]article.Finding, len(fs))
	for i, f := range fs {
		f.File = file
		out[i] = f
	}
	return out
}

// scanLinks indexes the archive's articles by every URL they are known by
// and records where every link leads, before any article is rewritten, so
// each article can know who cites it.
func (r *run) scanLinks(ctx context.Context) error {
	start := time.Now()
	eq := r.equivalences()
	if eq.err != nil {
		return errors.Join(ErrSetup, eq.err) // the error names the file
	}
	entries := make([]links.Entry, 0, len(r.items))
	for _, it := range r.items {
		if it.scan.Readable {
			entries = append(entries, links.Entry{Path: it.a.Path, File: it.a.File, Built: !it.a.HasErrors(), Keys: it.scan.URLKeys})
		}
	}
	r.graph = links.NewGraph(links.NewIndex(entries, eq.keys))
	for _, it := range r.items {
		if !it.a.HasErrors() {
			r.graph.Add(it.a, it.scan.Links)
		}
	}
	r.report.AddStage(report.Stage{Name: "scan", Articles: len(r.items), Duration: time.Since(start)})
	counts := r.graph.Counts()
	r.report.Links = &counts
	return ctx.Err()
}

// neighbors computes every article's related, newer and older articles
// once for the archive (see package related).
func (r *run) neighbors(ctx context.Context) error {
	start := time.Now()
	arts := make([]related.Article, 0, len(r.items))
	for _, it := range r.items {
		if it.a.HasErrors() {
			continue
		}
		a := related.Article{Ref: links.RefOf(it.a.Path), Account: it.scan.Account, Date: it.scan.Date}
		if len(it.scan.Categories) > 0 {
			a.Category = it.scan.Categories[0]
		}
		arts = append(arts, a)
	}
	r.lists = related.Compute(arts, 5)
	r.report.AddStage(report.Stage{Name: "related", Articles: len(arts), Duration: time.Since(start)})
	return ctx.Err()
}

// setNeighbors is the step that stages an article's related lists.
func (r *run) setNeighbors(_ context.Context, a *article.Article) error {
	l := r.lists[links.RefOf(a.Path)]
	if len(l.Related) > 0 {
		a.SetParam(paramRelated, l.Related)
	}
	if l.Newer != "" {
		a.SetParam(paramNewer, l.Newer)
	}
	if l.Older != "" {
		a.SetParam(paramOlder, l.Older)
	}
	return nil
}

// Params the theme reads for the lists under an article.
const (
	paramRelated = "related"
	paramNewer   = "newer"
	paramOlder   = "older"
)

// imageRefs lists the distinct images of the articles in the build.
func (r *run) imageRefs() []images.Ref {
	n := 0
	for _, it := range r.items {
		n += len(it.scan.Images)
	}
	seen := make(map[string]bool, n)
	refs := make([]images.Ref, 0, n)
	for _, it := range r.items {
		if it.a.HasErrors() {
			continue
		}
		for _, ref := range it.scan.Images {
			if !seen[ref.Key] {
				seen[ref.Key] = true
				refs = append(refs, ref)
			}
		}
	}
	return refs
}

// rewrite stages every article in the build: from the cache when nothing
// its staged copy depends on changed, else by running the document stages.
func (r *run) rewrite(ctx context.Context) error {
	start := time.Now()
	var todo []*article.Article
	work := map[*article.Article]*item{}
	base := map[*article.Article]int{} // findings a copy had before rewriting
	var mu sync.Mutex
	var stageErr error
	mediaPrefix := r.mediaPrefix()
	pipeline.Each(ctx, len(r.items), r.opts.Jobs, func(i int) {
		it := r.items[i]
		if it.a.HasErrors() {
			return
		}
		in, media := r.stagedInputs(it, mediaPrefix)
		it.staged = in.Key()
		r.rewriter.Use(media...)
		if rec, ok := r.cache.Staged(it.staged); ok && r.restage(rec, it.staged) {
			it.a.Findings = append(it.a.Findings, withFile(rec.Findings, it.a.File)...)
			it.restaged = true
			r.noteStaged(rec.Path, it.a.File)
		}
	})
	built := 0
	for _, it := range r.items {
		if it.a.HasErrors() {
			continue
		}
		built++
		if it.restaged {
			continue
		}
		a := it.a
		if !it.fresh {
			// A stub: parse it now, and check it again for the fixes the
			// staged copy needs (its findings are known already).
			source := it.a.Source
			if source == nil { // known by its stat, not read
				data, err := content.ReadFile(r.contentFile(it.a.Path))
				if err != nil {
					return err
				}
				source = data
			}
			a = article.Parse(it.a.Path, it.a.File, source)
			r.checker.Check(ctx, a)
			clean.Debris(ctx, a)
			r.checker.CheckParams(ctx, a)
		}
		base[a] = len(a.Findings)
		work[a] = it
		todo = append(todo, a)
	}
	r.addStages([]pipeline.StepStats{{Name: "cached", Articles: built - len(todo), Busy: time.Since(start)}})
	cleaner := clean.New(r.cfg.Clean)
	steps := pipeline.Pipeline{
		{Name: "parse", Run: body.ParseStep},
		{Name: images.Stage, Run: r.rewriter.Rewrite},
		{Name: links.Stage, Run: links.NewRewriter(r.graph, r.refPrefix).Rewrite},
		{Name: "wechat", Run: cleaner.WeChat},
		{Name: "summarize", Run: cleaner.Summarize},
		{Name: "lists", Run: r.setNeighbors},
		{Name: "render", Run: body.RenderStep},
		{Name: "sanitize", Run: clean.NewSanitizer(r.cfg.Clean, r.mediaPrefix(), r.cfg.Images.Remote == "load").Sanitize},
	}
	stats := steps.Run(ctx, todo, r.opts.Jobs, func(a *article.Article) {
		it := work[a]
		added := a.Findings[base[a]:]
		if a != it.a {
			it.a.Findings = append(it.a.Findings, added...)
		}
		if a.HasErrors() {
			return
		}
		key := it.staged
		rel, _, err := r.stage.Write(a, hex.EncodeToString(key[:]))
		if err != nil {
			mu.Lock()
			stageErr = errors.Join(stageErr, err)
			mu.Unlock()
			return
		}
		r.noteStaged(rel, a.File)
		r.cache.PutStaged(key, reuse.Staged{Path: rel, Findings: withFile(added, "")})
	})
	r.addStages(stats)
	if err := r.collect(ctx); err != nil {
		return err
	}
	if stageErr != nil {
		return stageErr
	}
	return r.stage.Finish()
}

// noteStaged records which article file a staged page is made from.
func (r *run) noteStaged(rel, file string) {
	r.stagedMu.Lock()
	if r.stagedFiles == nil {
		r.stagedFiles = map[string]string{}
	}
	r.stagedFiles[rel] = file
	r.stagedMu.Unlock()
}

// restage keeps a staged file the last build left in place, when it
// holds what the record says: its bytes are not kept anywhere else.
func (r *run) restage(rec reuse.Staged, key reuse.Key) bool {
	return r.stage.Current(rec.Path, hex.EncodeToString(key[:]))
}

// stagedInputs are everything an article's staged copy depends on (see
// reuse.StagedInputs), and the store files it shows, from the same
// entries.
func (r *run) stagedInputs(it *item, mediaPrefix string) (reuse.StagedInputs, []string) {
	l := r.lists[links.RefOf(it.a.Path)]
	in := reuse.StagedInputs{
		File: it.key, CitedBy: r.graph.CitedBy(it.a.Path), Related: l.Related, Newer: l.Newer, Older: l.Older,
		MediaPrefix: mediaPrefix,
		Images:      make([]store.Entry, len(it.scan.Images)),
		Links:       make([]string, len(it.scan.Links)),
	}
	var media []string
	m := r.store.Manifest()
	for i, ref := range it.scan.Images {
		e, _ := m.Get(ref.Key)
		in.Images[i] = e
		if e.Status == store.OK {
			media = append(media, e.File)
			for _, v := range e.Variants {
				media = append(media, v.File)
			}
		}
	}
	for i, link := range it.scan.Links {
		in.Links[i] = r.graph.Resolution(link)
	}
	return in, media
}

// saveCache keeps this build's records for the next one.
func (r *run) saveCache() error {
	if r.opts.NoCache {
		return nil
	}
	return r.cache.Save()
}
