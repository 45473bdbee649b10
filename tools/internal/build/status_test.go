package build_test

import (
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/chromedp"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/mirrortest/browser"
	"github.com/archivemirror/mirror/tools/internal/status"
)

// The example site with a status record: the article whose original was
// deleted shows the notice (and says so in its JSON-LD), the vanished
// page lists it with its date, its feed has it, About counts the
// statuses; an article whose original is live shows nothing. In Chromium:
// no console error, nothing from another host.
func TestVanishedOriginals(t *testing.T) {
	browser.Path(t)
	s := newTestSite(t, "")
	repo := mirrortest.RepoRoot(t)
	copyDir(t, filepath.Join(repo, "content"), s.Content)
	copyDir(t, filepath.Join(repo, "media"), filepath.Join(s.Root, "media"))
	originals, err := status.Originals(s.Content)
	if err != nil || len(originals) < 3 {
		t.Fatalf("%d originals: %v", len(originals), err)
	}
	os.RemoveAll(status.Dir(s.Site)) // the example's own record: this test's only
	store, _ := status.Load(s.Site)
	gone, live := originals[0], originals[1]
	day := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
	store.Put(status.ID(gone.Source), status.Record{Source: gone.Source, Status: status.Deleted, Checked: day, Message: "该内容已被发布者删除"})
	store.Put(status.ID(live.Source), status.Record{Source: live.Source, Status: status.Live, Checked: day})
	if err := store.Save(); err != nil {
		t.Fatal(err)
	}
	s.Opts.NoSearch = false
	s.build(t)

	b := browser.Start(t, s.Opts.Dest)
	page := func(o status.Original) string {
		rel, _ := filepath.Rel(s.Content, o.File)
		return "/" + strings.TrimSuffix(filepath.ToSlash(rel), ".md") + "/"
	}
	b.Open(t, page(gone), chromedp.Sleep(100*time.Millisecond))
	if notice := browser.Eval[string](t, b, `(document.querySelector('.notice.vanished') || {}).textContent || ''`); !strings.Contains(notice, "原文已被发布者删除") || !strings.Contains(notice, "2026-11-20") {
		t.Errorf("the deleted original's article: notice %q", notice)
	}
	if ld := browser.Eval[string](t, b, `document.querySelector('script[type="application/ld+json"]').textContent`); !strings.Contains(ld, "creativeWorkStatus") {
		t.Errorf("JSON-LD without the status: %s", ld)
	}
	b.Open(t, page(live), chromedp.Sleep(100*time.Millisecond))
	if n := browser.Eval[int](t, b, `document.querySelectorAll('.notice.vanished').length`); n != 0 {
		t.Error("a live original's article shows a notice")
	}
	b.Open(t, "/vanished/", chromedp.Sleep(100*time.Millisecond))
	list := browser.Eval[string](t, b, `document.querySelector('.vanished-list').textContent`)
	if !strings.Contains(list, gone.Title) || strings.Contains(list, live.Title) || !strings.Contains(list, "2026-11-20") {
		t.Errorf("the vanished page: %q", list)
	}
	b.Open(t, "/about/", chromedp.Sleep(100*time.Millisecond))
	if counts := browser.Eval[string](t, b, `document.querySelector('.status-counts').textContent`); !strings.Contains(counts, "原文已被发布者删除：1") || !strings.Contains(counts, "原文仍可访问：1") {
		t.Errorf("About's counts: %q", counts)
	}
	if errs := b.Errors(); len(errs) > 0 {
		t.Errorf("console errors: %v", errs)
	}
	if foreign := b.Foreign(); len(foreign) > 0 {
		t.Errorf("requests to other hosts: %v", foreign)
	}
	// Search: the vanished originals by their status.
	b.Open(t, "/search/?q="+url.QueryEscape(firstPair(gone.Title))+"&status=deleted", chromedp.Sleep(700*time.Millisecond))
	if got := browser.Eval[string](t, b, `[...document.querySelectorAll('#results li a')].map(a => a.textContent).join('|')`); got != gone.Title {
		t.Errorf("search for %q with status deleted: %q", firstPair(gone.Title), got)
	}
	feed, err := os.ReadFile(filepath.Join(s.Opts.Dest, "vanished", "index.xml"))
	if err != nil || !strings.Contains(string(feed), "<title>"+gone.Title+"</title>") || strings.Contains(string(feed), live.Title) {
		t.Errorf("the vanished feed: %v\n%s", err, feed)
	}
}

// firstPair is the first two Han characters of a title.
func firstPair(title string) string {
	var han []rune
	for _, r := range title {
		if unicode.Is(unicode.Han, r) {
			han = append(han, r)
			if len(han) == 2 {
				break
			}
		} else {
			han = han[:0]
		}
	}
	return string(han)
}
