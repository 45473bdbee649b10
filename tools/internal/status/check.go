package status

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/archivemirror/mirror/tools/internal/capture"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/images/fetch"
)

// Original is an archived article and the source it was captured from.
type Original struct {
	File, Title, Source string
}

// Originals lists the archive's articles that name a source: front matter
// source, else the fetcher's 原文链接 link.
func Originals(contentDir string) ([]Original, error) {
	dir, err := content.List(contentDir)
	if err != nil {
		return nil, err
	}
	articles, err := dir.Read(context.Background(), runtime.GOMAXPROCS(0), func(p string) string { return p })
	if err != nil {
		return nil, err
	}
	var out []Original
	for _, a := range articles {
		title, _ := a.FrontMatter.Values["title"].(string)
		if source := a.SourceURL(); source != "" {
			out = append(out, Original{File: a.File, Title: title, Source: source})
		}
	}
	return out, nil
}

// Checker asks WeChat for originals, politely.
type Checker struct {
	// Capture fetches and reads an article page (capture.Fetcher's).
	Capture func(ctx context.Context, url string) (capture.Capture, error)
	// Rate is how many requests a second go to one host.
	Rate float64
	// Now and Sleep are the clock (a test's may be simulated).
	Now   func() time.Time
	Sleep func(ctx context.Context, d time.Duration) error
	// Backoff is the pause after WeChat asked for verification or to slow
	// down; after MaxRefusals such answers in a row the check stops.
	Backoff     time.Duration
	MaxRefusals int
	// Progress, when set, is told after each original.
	Progress func(done, total int)
}

// Options choose what a check asks about.
type Options struct {
	Limit  int           // the N least recently checked (0: all)
	Since  time.Duration // only originals not checked for this long (0: any)
	Only   Status        // only originals last found so ("" : any)
	DryRun bool          // say what would be asked, ask nothing
}

// Summary is what a check did.
type Summary struct {
	Checked  int
	Changed  []Change
	Skipped  int    // sources that are not WeChat articles
	Stopped  string // why the check stopped early, "" if it did not
	Selected []Original
}

// Change is an original whose status changed.
type Change struct {
	Original
	From, To Status
}

// ErrThrottled is the stop of a check WeChat keeps refusing.
var ErrThrottled = errors.New("WeChat asks to slow down or to verify: stopped, try later")

// Run checks the selected originals, one request at a time at Rate per
// host, saving the record after each (a check interrupted at any moment
// keeps what it found, and the next one starts with what it did not ask).
func (c *Checker) Run(ctx context.Context, store *Store, originals []Original, opts Options) (Summary, error) {
	var sum Summary
	selected := c.select_(store, originals, opts, &sum)
	sum.Selected = selected
	if opts.DryRun {
		return sum, nil
	}
	var last time.Time
	refusals := 0
	interval := time.Duration(float64(time.Second) / max(c.Rate, 0.001))
	for i, o := range selected {
		if !last.IsZero() {
			if wait := interval - c.Now().Sub(last); wait > 0 {
				if err := c.Sleep(ctx, wait); err != nil {
					return sum, err
				}
			}
		}
		if err := ctx.Err(); err != nil {
			return sum, err
		}
		last = c.Now()
		answer, throttled := c.ask(ctx, o.Source)
		if ctx.Err() != nil {
			return sum, ctx.Err() // an answer cut short says nothing
		}
		id := ID(o.Source)
		old, known := store.Get(id)
		kept := store.Put(id, answer)
		if err := store.Save(); err != nil {
			return sum, err
		}
		sum.Checked++
		if kept.Status != old.Status || !known {
			sum.Changed = append(sum.Changed, Change{Original: o, From: old.Status, To: kept.Status})
		}
		if c.Progress != nil {
			c.Progress(i+1, len(selected))
		}
		if !throttled {
			refusals = 0
			continue
		}
		if refusals++; refusals >= max(c.MaxRefusals, 1) {
			sum.Stopped = ErrThrottled.Error()
			return sum, ErrThrottled
		}
		if err := c.Sleep(ctx, c.Backoff<<(refusals-1)); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// select_ picks the originals to ask about: WeChat articles, least
// recently checked first (never checked before all), as opts narrow.
func (c *Checker) select_(store *Store, originals []Original, opts Options, sum *Summary) []Original {
	now := c.Now()
	var out []Original
	seen := map[string]bool{}
	for _, o := range originals {
		if capture.ArticleURL(o.Source) != nil {
			sum.Skipped++
			continue
		}
		id := ID(o.Source)
		if seen[id] {
			continue // both URL forms of one article: asked once
		}
		seen[id] = true
		r, known := store.Get(id)
		if opts.Only != "" && (!known || r.Status != opts.Only) {
			continue
		}
		if opts.Since > 0 && known && now.Sub(r.Checked) < opts.Since {
			continue
		}
		out = append(out, o)
	}
	checked := func(o Original) time.Time { r, _ := store.Get(ID(o.Source)); return r.Checked }
	slices.SortStableFunc(out, func(a, b Original) int { return cmp.Compare(checked(a).UnixNano(), checked(b).UnixNano()) })
	if opts.Limit > 0 && len(out) > opts.Limit {
		out = out[:opts.Limit]
	}
	return out
}

// ask requests one original and says what it is; throttled when WeChat
// asked to verify or to slow down.
func (c *Checker) ask(ctx context.Context, source string) (r Record, throttled bool) {
	r = Record{Source: source, Checked: c.Now().UTC()}
	_, err := c.Capture(ctx, source)
	var refused *capture.Refused
	var fe *fetch.Error
	switch {
	case err == nil:
		r.Status = Live
	case errors.As(err, &refused):
		r.Message = refused.Message
		switch refused.Class {
		case capture.Deleted, capture.Failed:
			r.Status = Deleted
		case capture.Violation:
			r.Status = Violation
		case capture.Privacy:
			r.Status = Privacy
		case capture.AccountGone:
			r.Status = AccountGone
		case capture.Captcha:
			r.Status, throttled = Unavailable, true
		default:
			r.Status = Unavailable
			if r.Message == "" {
				r.Message = "neither the article nor a page WeChat shows in its place"
			}
		}
	case errors.As(err, &fe) && fe.Status != 0:
		r.Status, r.Message = Unavailable, fmt.Sprintf("HTTP %d", fe.Status)
		throttled = fe.Status == 429
	case errors.Is(err, fetch.ErrNotAllowed):
		r.Status, r.Message = Unavailable, "redirected to another host"
	default:
		r.Status, r.Message = Error, err.Error()
	}
	return r, throttled
}
