package build_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/origin"
	"github.com/archivemirror/mirror/tools/internal/report"
)

// buildSite builds content with the repo's site and theme into a temp dir,
// offline, with a copy of the example image store.
func buildSite(t *testing.T, content string) string {
	t.Helper()
	return buildWith(t, build.Options{Root: exampleRoot(t), Offline: true, ContentDir: content})
}

// exampleRoot is a mirror repository of its own for a test, holding a
// copy of the example image store: tests never write into the repository
// (its build cache, its store's manifest). The repository's Pagefind, when
// installed (npm ci), is its own.
func exampleRoot(t *testing.T) string {
	t.Helper()
	repo, root := mirrortest.RepoRoot(t), t.TempDir()
	copyDir(t, filepath.Join(repo, "media"), filepath.Join(root, "media"))
	if _, err := os.Stat(filepath.Join(repo, "node_modules")); err == nil {
		if err := os.Symlink(filepath.Join(repo, "node_modules"), filepath.Join(root, "node_modules")); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func buildWith(t *testing.T, opts build.Options) string {
	t.Helper()
	opts.SiteDir = filepath.Join(mirrortest.RepoRoot(t), "site")
	opts.Dest = filepath.Join(t.TempDir(), "public")
	opts.Log = io.Discard
	r, err := build.Run(context.Background(), opts)
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if r.Excluded != 0 {
		t.Fatalf("%d articles excluded: %v", r.Excluded, r.Findings)
	}
	checkMeasured(t, r, opts.Dest)
	checkReadable(t, opts.Dest)
	return opts.Dest
}

// rebuild builds opts as they are, into the same Dest as builds before,
// and checks the report measures the site as it is.
func rebuild(t *testing.T, opts build.Options) {
	t.Helper()
	r, err := build.Run(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	checkMeasured(t, r, opts.Dest)
	checkReadable(t, opts.Dest)
}

// checkReadable checks that a web server running as any user can serve
// the site: every directory, the site's own included, readable and
// searchable by all, every file readable by all. (Hugo's static copy once
// gave the site's directory the mode of a virtual one: 0.)
func checkReadable(t *testing.T, dest string) {
	t.Helper()
	err := filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := os.FileMode(0o444)
		if d.IsDir() {
			want = 0o555
		}
		if info.Mode().Perm()&want != want {
			t.Errorf("%s has mode %v: not readable by all", p, info.Mode())
			return filepath.SkipAll
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the site: %v", err)
	}
}

// checkMeasured checks that the report measures the site as it is on the
// disk (the build counts what it published rather than walking the site).
func checkMeasured(t *testing.T, r *report.Report, dest string) {
	t.Helper()
	var files int
	var bytes int64
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			files, bytes = files+1, bytes+info.Size()
		}
		return err
	})
	if r.SiteFiles != files || r.SiteBytes != bytes {
		t.Errorf("the report measures %d files, %d bytes; the site has %d files, %d bytes", r.SiteFiles, r.SiteBytes, files, bytes)
	}
}

// paragraphText finds the text of the first paragraph holding some, which
// must appear in the built page.
var paragraphText = regexp.MustCompile(`<p[^>]*>(?:<[^>]+>)*([^<]{8,})<`)

func TestExampleSite(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	content := filepath.Join(root, "content")
	dest := buildSite(t, content)
	if n := checkArticlePages(t, content, dest); n < 12 {
		t.Errorf("only %d example articles, want at least 12", n)
	}
	for _, list := range []string{"categories/index.html", "categories/tech/index.html", "tags/index.html", "tags/山野植物志/index.html"} {
		if _, err := os.Stat(filepath.Join(dest, list)); err != nil {
			t.Errorf("list page missing: %v", err)
		}
	}
}

func TestSeedSite(t *testing.T) {
	seed := mirrortest.Shared(t, "seed")
	if n := checkArticlePages(t, seed, buildSite(t, seed)); n == 0 {
		t.Error("no seed article found")
	}
}

// checkArticlePages checks that every article in content has a page in
// dest showing its body text, and returns how many it checked.
func checkArticlePages(t *testing.T, content, dest string) int {
	t.Helper()
	entries, err := os.ReadDir(content)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		if !article.IsArticle(e.Name()) {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			src, err := os.ReadFile(filepath.Join(content, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			a := article.Parse(e.Name(), e.Name(), src)
			page := readPage(t, dest, strings.TrimSuffix(e.Name(), ".md"))
			m := paragraphText.FindSubmatch(a.Body)
			if m == nil {
				t.Fatalf("no paragraph text found in %s", e.Name())
			}
			if !strings.Contains(page, string(m[1])) {
				t.Errorf("page lacks the body text %q", m[1])
			}
			if strings.Contains(page, "raw HTML omitted") {
				t.Error("page has Hugo's 'raw HTML omitted'")
			}
		})
	}
	return n
}

func readPage(t *testing.T, dest, slug string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dest, slug, "index.html"))
	if err != nil {
		t.Fatalf("page for %s: %v", slug, err)
	}
	return string(b)
}

var imgTag = regexp.MustCompile(`<img [^>]*>`)
var srcAttr = regexp.MustCompile(` src="([^"]*)"`)
var srcsetAttr = regexp.MustCompile(` srcset="([^"]*)"`)

// checkImagesLocal checks every image of every article page is served from
// the site itself, and the file is there.
func checkImagesLocal(t *testing.T, content, dest string) int {
	t.Helper()
	entries, _ := os.ReadDir(content)
	n := 0
	for _, e := range entries {
		if !article.IsArticle(e.Name()) {
			continue
		}
		page := readPage(t, dest, strings.TrimSuffix(e.Name(), ".md"))
		for _, tag := range imgTag.FindAllString(page, -1) {
			m := srcAttr.FindStringSubmatch(tag)
			if m == nil || !strings.HasPrefix(m[1], "/media/") {
				t.Errorf("%s: image not local: %s", e.Name(), tag)
				continue
			}
			if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(m[1]))); err != nil {
				t.Errorf("%s: %v", e.Name(), err)
			}
			if m := srcsetAttr.FindStringSubmatch(tag); m != nil {
				for _, cand := range strings.Split(m[1], ",") {
					f := strings.Fields(cand)
					if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(f[0]))); err != nil || !strings.HasPrefix(f[0], "/media/") {
						t.Errorf("%s: srcset candidate %s: %v", e.Name(), f[0], err)
					}
				}
			}
			if !strings.Contains(tag, `width="`) || !strings.Contains(tag, `loading="lazy"`) {
				t.Errorf("%s: %s lacks width or lazy loading", e.Name(), tag)
			}
			n++
		}
	}
	return n
}

// imagesIn counts the images of the articles in content: img elements, and
// account cards, which show the account's avatar.
func imagesIn(t *testing.T, content string) int {
	entries, _ := os.ReadDir(content)
	n := 0
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(content, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		n += len(imgTag.FindAll(data, -1)) + strings.Count(string(data), "<mp-common-profile ")
	}
	if n == 0 {
		t.Fatal("no images in the examples")
	}
	return n
}

// The committed store holds every example image: the offline build shows
// them all from the site.
func TestExampleImagesFromTheCommittedStore(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	content := filepath.Join(root, "content")
	if n, want := checkImagesLocal(t, content, buildSite(t, content)), imagesIn(t, content); n != want {
		t.Errorf("%d local images in the site, %d in the articles", n, want)
	}
}

// With an empty store and a local server standing in for mmbiz.qpic.cn
// (--remap-host), every example image is fetched and shown locally.
func TestExampleImagesThroughRemappedHost(t *testing.T) {
	content := filepath.Join(mirrortest.RepoRoot(t), "content")
	srv, remap := exampleOrigin(t, content)
	dest := buildWith(t, build.Options{Root: t.TempDir(), ContentDir: content, Remap: remap})
	if n, want := checkImagesLocal(t, content, dest), imagesIn(t, content); n != want {
		t.Errorf("%d local images in the site, %d in the articles", n, want)
	}
	if got := srv.Requests.Load(); got != int64(srv.Len()) {
		t.Errorf("%d requests for %d images", got, srv.Len())
	}
}

// exampleOrigin serves stand-in pictures for the images of the articles
// in content, on loopback, and returns the remapping that sends their
// host's requests there.
func exampleOrigin(t *testing.T, content string) (*origin.Server, map[string]*url.URL) {
	t.Helper()
	srv := origin.New()
	entries, _ := os.ReadDir(content)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(content, e.Name()))
		srv.AddFromHTML(data, "mmbiz.qpic.cn")
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	base, _ := url.Parse(ts.URL)
	return srv, map[string]*url.URL{"mmbiz.qpic.cn": base}
}

var localRef = regexp.MustCompile(`(?:href|src)="(/[^"]*)"`)

// Every local link and image of the built site resolves to a file, with the
// site at the root and under a sub-path (a GitHub Pages project site), and
// every link between example articles became such a local link.
func TestExampleLinksResolve(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	content := filepath.Join(root, "content")
	for _, tt := range []struct{ baseURL, prefix string }{{"/", "/"}, {"https://example.org/archive/", "/archive/"}} {
		t.Run(tt.prefix, func(t *testing.T) {
			dest := buildWith(t, build.Options{Root: exampleRoot(t), Offline: true, ContentDir: content, BaseURL: tt.baseURL})
			internal := 0
			filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
				if err != nil || !strings.HasSuffix(p, ".html") {
					return err
				}
				page, _ := os.ReadFile(p)
				for _, m := range localRef.FindAllStringSubmatch(string(page), -1) {
					ref := m[1]
					rel, ok := strings.CutPrefix(ref, tt.prefix)
					if !ok {
						t.Errorf("%s: %s is outside the site's path %s", p, ref, tt.prefix)
						continue
					}
					rel, _ = url.PathUnescape(strings.SplitN(rel, "#", 2)[0])
					target := filepath.Join(dest, filepath.FromSlash(rel))
					if strings.HasSuffix(rel, "/") || rel == "" {
						target = filepath.Join(target, "index.html")
					}
					if _, err := os.Stat(target); err != nil {
						t.Errorf("%s: %s resolves to nothing", strings.TrimPrefix(p, dest), ref)
					}
				}
				internal += strings.Count(string(page), `data-origin="https://mp.weixin.qq.com/s`)
				return nil
			})
			// The examples link to each other 10 times (3 more links are to
			// articles deliberately left out of the archive).
			if internal != 10 {
				t.Errorf("%d links between articles became local, want 10", internal)
			}
		})
	}
}

var assetRef = regexp.MustCompile(`<(?:link rel="stylesheet" href|script src)="([^"]+)"`)

// Every page loads under 30 KB of CSS and JavaScript, before compression
// (the search page's Pagefind bundle, loaded when a search starts, aside),
// and every page but search works without JavaScript: it has none.
func TestPageWeight(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	dest := buildSite(t, filepath.Join(root, "content"))
	pages := 0
	filepath.WalkDir(dest, func(p string, d os.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".html") || strings.Contains(p, "/pagefind/") {
			return err
		}
		html, _ := os.ReadFile(p)
		total := 0
		for _, m := range assetRef.FindAllStringSubmatch(string(html), -1) {
			info, err := os.Stat(filepath.Join(dest, filepath.FromSlash(m[1])))
			if err != nil {
				t.Errorf("%s: %s: %v", p, m[1], err)
				continue
			}
			total += int(info.Size())
		}
		if total > 30<<10 {
			t.Errorf("%s loads %d bytes of CSS and JS", strings.TrimPrefix(p, dest), total)
		}
		scripts := strings.Count(string(html), "<script") - strings.Count(string(html), `<script type="application/ld+json">`)
		if scripts > 0 && !strings.HasSuffix(p, "/search/index.html") {
			t.Errorf("%s needs JavaScript", strings.TrimPrefix(p, dest))
		}
		pages++
		return nil
	})
	if pages < 20 {
		t.Errorf("only %d pages checked", pages)
	}
}

// threeArticles is a small archive in the fetcher's format.
const threeArticles = `
-- one.md --
---
title: "One"
date: 2024-01-01T00:00:00Z
draft: ["false"]
categories: ["Tech"]
---
One by Account
------
<div><p>The first article.</p></div>
-- two.md --
---
title: "Two"
date: 2024-02-01T00:00:00Z
categories: ["Life"]
---
<div><p>The second, <a href="https://mp.weixin.qq.com/s/three">citing the third</a>.</p></div>
-- three.md --
---
title: "Three"
date: 2024-03-01T00:00:00Z
source: https://mp.weixin.qq.com/s/three
---
<div><p>The third 铜匠 article.</p></div>
`

// A build from the cache is the same site as one without it, and after one
// article changes, only that article is rewritten.
func TestCacheReproducesTheBuild(t *testing.T) {
	s := newTestSite(t, threeArticles)
	rewritten := func(r *report.Report) int {
		for _, s := range r.Stages {
			if s.Name == "parse" {
				return s.Articles
			}
		}
		return -1
	}
	build := func() (map[string]string, *report.Report) {
		s.Opts.Dest = filepath.Join(t.TempDir(), "public")
		r := s.build(t)
		pages := map[string]string{}
		for _, name := range []string{"one", "two", "three"} {
			pages[name] = s.page(t, name+"/index.html")
		}
		return pages, r
	}
	first, r1 := build()
	second, r2 := build()
	if rewritten(r1) != 3 || rewritten(r2) != 0 {
		t.Errorf("rewritten: %d then %d, want 3 then 0", rewritten(r1), rewritten(r2))
	}
	if !maps.Equal(first, second) {
		t.Error("the pages differ when built from the cache")
	}
	if len(r1.Findings) != len(r2.Findings) || len(r1.Findings) == 0 {
		t.Errorf("%d findings, then %d from the cache", len(r1.Findings), len(r2.Findings))
	}
	one, _, _ := strings.Cut(strings.Split(threeArticles, "-- one.md --\n")[1], "-- two.md --")
	s.write(t, "-- one.md --\n"+strings.Replace(one, "<div>", "<div><p>edited</p>", 1))
	third, r3 := build()
	if rewritten(r3) != 1 {
		t.Errorf("%d articles rewritten after one edit, want 1", rewritten(r3))
	}
	if !strings.Contains(third["one"], "<p>edited</p>") {
		t.Error("the edit does not show")
	}
}

// Rebuilding into the same public/ keeps the images the site shows (moved
// over from the previous site, not linked again) and drops the ones it no
// longer shows, and measures them right, with the build cache or without.
func TestRebuildKeepsAndPrunesMedia(t *testing.T) {
	for _, noCache := range []bool{true, false} {
		t.Run(fmt.Sprint("noCache=", noCache), func(t *testing.T) { rebuildKeepsAndPrunesMedia(t, noCache) })
	}
}

func rebuildKeepsAndPrunesMedia(t *testing.T, noCache bool) {
	repo := mirrortest.RepoRoot(t)
	content, dest := t.TempDir(), filepath.Join(t.TempDir(), "public")
	copyDir(t, filepath.Join(repo, "content"), content)
	opts := build.Options{Root: exampleRoot(t), Offline: true, NoCache: noCache, NoSearch: true, ContentDir: content,
		SiteDir: filepath.Join(repo, "site"), Dest: dest, Log: io.Discard}
	run := func() { t.Helper(); rebuild(t, opts) }
	run()
	before := mediaFiles(t, dest)
	// The copper shop article shows three photos no other article shows.
	copper := filepath.Join(content, "20231021_5a53a312fe1f3057.md")
	data, _ := os.ReadFile(copper)
	os.Remove(copper)
	run()
	after := mediaFiles(t, dest)
	if len(after) >= len(before) || len(after) == 0 {
		t.Errorf("%d media files before, %d after removing an article", len(before), len(after))
	}
	if n := checkImagesLocal(t, content, dest); n == 0 {
		t.Error("no local image checked")
	}
	os.WriteFile(copper, data, 0o644)
	run()
	if again := mediaFiles(t, dest); len(again) != len(before) {
		t.Errorf("%d media files with the article back, want %d", len(again), len(before))
	}
}

func mediaFiles(t *testing.T, dest string) []string {
	var files []string
	filepath.WalkDir(filepath.Join(dest, "media"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	return files
}

// A rebuild renders over the site before the previous one: what the new
// site no longer has (a removed article's page, a stray file) goes, the
// rest is complete, and the site's static files are there every time.
func TestRebuildOverThePreviousSite(t *testing.T) {
	repo := mirrortest.RepoRoot(t)
	content, site := t.TempDir(), copySite(t)
	copyDir(t, filepath.Join(repo, "content"), content)
	os.MkdirAll(filepath.Join(site, "static", "files"), 0o755)
	os.WriteFile(filepath.Join(site, "static", "files", "notice.txt"), []byte("kept"), 0o644)
	dest := filepath.Join(t.TempDir(), "public")
	previous := filepath.Join(filepath.Dir(dest), ".public.previous")
	opts := build.Options{Root: exampleRoot(t), Offline: true, NoCache: true, NoSearch: true, ContentDir: content,
		SiteDir: site, Dest: dest, Log: io.Discard}
	build1 := func() { t.Helper(); rebuild(t, opts) }
	build1()
	build1()
	if _, err := os.Stat(previous); err != nil {
		t.Fatalf("the replaced site is not kept: %v", err)
	}
	// The next build renders over .public.previous: plant what must go.
	os.WriteFile(filepath.Join(previous, "stray.html"), []byte("old"), 0o644)
	os.MkdirAll(filepath.Join(previous, "gone-section", "page"), 0o755)
	os.WriteFile(filepath.Join(previous, "gone-section", "page", "index.html"), []byte("old"), 0o644)
	os.Chmod(previous, 0) // as builds before keepMode left it; repaired
	removed := "20231021_5a53a312fe1f3057"
	os.Remove(filepath.Join(content, removed+".md"))
	build1()
	for _, p := range []string{"stray.html", "gone-section", removed} {
		if _, err := os.Stat(filepath.Join(dest, p)); err == nil {
			t.Errorf("%s is still in the site", p)
		}
	}
	if data, err := os.ReadFile(filepath.Join(dest, "files", "notice.txt")); string(data) != "kept" {
		t.Errorf("static file: %q, %v", data, err)
	}
	if home := readPage(t, dest, ""); strings.Contains(home, removed) {
		t.Error("the home page still lists the removed article")
	}
	if n := checkImagesLocal(t, content, dest); n == 0 {
		t.Error("no local image checked")
	}
	if _, err := os.ReadFile(filepath.Join(dest, "index.xml")); err != nil {
		t.Errorf("feed: %v", err)
	}
	// Assets Hugo publishes once per build (the fingerprinted stylesheet,
	// the search script) are kept too.
	assets := 0
	for _, page := range []string{"", "search"} {
		for _, m := range localAsset.FindAllStringSubmatch(readPage(t, dest, page), -1) {
			if _, err := os.Stat(filepath.Join(dest, filepath.FromSlash(m[1]))); err != nil {
				t.Errorf("%s: %v", m[1], err)
			}
			assets++
		}
	}
	if assets < 3 { // the stylesheet twice, the search script
		t.Errorf("%d assets checked", assets)
	}
}

var localAsset = regexp.MustCompile(`(?:<link rel="stylesheet" href|<script[^>]* src)="(/[^"]+)"`)

// copySite copies the repository's site/ into a temporary directory, with
// the theme beside it (site/ reads ../themes), to build it with changes.
func copySite(t *testing.T) string {
	t.Helper()
	repo := mirrortest.RepoRoot(t)
	root := t.TempDir()
	site := filepath.Join(root, "site")
	copyDir(t, filepath.Join(repo, "site"), site)
	if err := os.Symlink(filepath.Join(repo, "themes"), filepath.Join(root, "themes")); err != nil {
		t.Fatal(err)
	}
	return site
}

func copyDir(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A file whose size, time and mode are as the cache recorded them is known
// by its stat and not read again (as make and git do); any change to those
// makes the build read it.
func TestUnchangedFilesAreKnownByTheirStat(t *testing.T) {
	s := newTestSite(t, threeArticles)
	file := filepath.Join(s.Content, "three.md")
	past := time.Now().Add(-time.Hour)
	os.Chtimes(file, past, past)
	s.build(t)
	data, _ := os.ReadFile(file)
	os.WriteFile(file, []byte(strings.Replace(string(data), "铜匠", "铁匠", 1)), 0o644) // same length in bytes
	os.Chtimes(file, past, past)
	s.build(t)
	if strings.Contains(s.page(t, "three/index.html"), "铁匠") {
		t.Error("a file with the recorded size and time was read again")
	}
	later := past.Add(time.Second)
	os.Chtimes(file, later, later)
	if s.build(t); !strings.Contains(s.page(t, "three/index.html"), "铁匠") {
		t.Error("a file with a new modification time was not read again")
	}
}

// Splicing bodies into the pages Hugo writes (the default) publishes the
// very site Hugo writes when each body is staged whole, byte for byte.
func TestSplicedBodiesMakeTheSameSite(t *testing.T) {
	repo := mirrortest.RepoRoot(t)
	whole := copySite(t)
	config := filepath.Join(whole, "hugo.toml")
	data, _ := os.ReadFile(config)
	os.WriteFile(config, append(data, "\n[params.mirror.stage]\n  spliceBodies = false\n"...), 0o644)

	content := filepath.Join(repo, "content")
	spliced := buildWith(t, build.Options{Root: exampleRoot(t), Offline: true, NoSearch: true, NoCache: true, ContentDir: content})
	opts := build.Options{Root: exampleRoot(t), Offline: true, NoSearch: true, NoCache: true, ContentDir: content, SiteDir: whole,
		Dest: filepath.Join(t.TempDir(), "public"), Log: io.Discard}
	if _, err := build.Run(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	pages := 0
	filepath.WalkDir(opts.Dest, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(opts.Dest, p)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(spliced, rel))
		if err != nil || string(got) != string(want) {
			t.Errorf("%s differs when spliced (%v)", rel, err)
		}
		if bytes.Contains(want, []byte(`class="content"`)) {
			pages++
		}
		return nil
	})
	if pages < 12 {
		t.Errorf("only %d article pages compared", pages)
	}
}

// A theme showing an article's content outside its page (here a feed with
// full content) cannot be spliced: the build fails, saying what to set,
// and the site already published stays as it was.
func TestSplicedBodiesShownElsewhereFail(t *testing.T) {
	feed, _ := os.ReadFile(filepath.Join(mirrortest.RepoRoot(t), "themes", "mirror", "layouts", "rss.xml"))
	full := strings.ReplaceAll(string(feed), "<description>", "<description>{{ .Content | transform.XMLEscape | safeHTML }}")
	s := newTestSite(t, threeArticles+"-- site/layouts/rss.xml --\n"+full)
	os.MkdirAll(s.Opts.Dest, 0o755)
	os.WriteFile(filepath.Join(s.Opts.Dest, "index.html"), []byte("the site before"), 0o644)
	_, err := build.Run(context.Background(), s.Opts)
	if err == nil || !strings.Contains(err.Error(), "index.xml") || !strings.Contains(err.Error(), "spliceBodies = false") {
		t.Errorf("build: %v, want an error naming the feed and the setting", err)
	}
	if data, _ := os.ReadFile(filepath.Join(s.Opts.Dest, "index.html")); string(data) != "the site before" {
		t.Errorf("the published site changed: %.40q", data)
	}
}

// Hugo renders under a soft memory limit sized to the archive unless one
// is given; the report says which.
func TestMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	s := newTestSite(t, threeArticles)
	for _, tt := range []struct {
		given, want int64
	}{
		{0, 96<<20 + 3*29<<10},
		{300 << 20, 300 << 20},
	} {
		s.Opts.MemoryLimit = tt.given
		r := s.build(t)
		if r.MemoryLimit != tt.want || debug.SetMemoryLimit(-1) != tt.want {
			t.Errorf("given %d: the report says %d, Go has %d; want %d", tt.given, r.MemoryLimit, debug.SetMemoryLimit(-1), tt.want)
		}
	}
}

// A rebuild keeps the pages whose input is unchanged (see
// publish.Record), but a page linking to an article that moved links to
// where it is now, in both of the sites builds take turns rendering over.
// The two articles are of other accounts and categories: nothing of the
// cited one shows on the citing one's page but the link.
func TestRebuildFollowsMovedArticles(t *testing.T) {
	s := newTestSite(t, `
-- citing.md --
---
title: "Citing"
date: 2020-01-02T00:00:00Z
categories: ["One"]
---
Citing by Account A
------
<div><p>Read <a href="https://mp.weixin.qq.com/s/citedToken">the other one</a>.</p></div>
<hr>
<a href="https://mp.weixin.qq.com/s/citingToken",target="_blank" rel="noopener noreferrer">原文链接</a>
-- cited.md --
---
title: "Cited"
date: 2024-05-06T00:00:00Z
categories: ["Two"]
---
Cited by Account B
------
<div><p>The cited one.</p></div>
<hr>
<a href="https://mp.weixin.qq.com/s/citedToken",target="_blank" rel="noopener noreferrer">原文链接</a>
`)
	for range 3 { // both sites recorded
		s.build(t)
	}
	if page := s.page(t, "citing/index.html"); !strings.Contains(page, `href="/cited/"`) {
		t.Fatalf("the citing page does not link to the cited one:\n%s", page)
	}
	os.Mkdir(filepath.Join(s.Content, "moved"), 0o755)
	if err := os.Rename(filepath.Join(s.Content, "cited.md"), filepath.Join(s.Content, "moved", "here.md")); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		s.build(t)
		if page := s.page(t, "citing/index.html"); !strings.Contains(page, `href="/moved/here/"`) {
			t.Errorf("build %d after the cited article moved: the citing page still links to where it was", i+1)
		}
	}
}
