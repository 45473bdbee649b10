package build_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/report"
)

// Every article is untrusted. Each case below is one file (or link) an
// attacker gets into content/, as the issue that asked for the trust
// boundary tried them; the build must keep what the attacker wrote on the
// attacker's own page: it never fails, the site's own pages and the
// other articles' are byte for byte what they are without the attack,
// no page runs a script or loads anything from another host, no file
// from outside the repository is published, and a finding names the file
// for each refused thing.

// marker is in every payload: it may appear nowhere but on the
// attacker's own article page.
const marker = "PWNED"

// victimArchive is the archive the attacks are added to: an article of
// its own account and category (so no list under it names the
// attacker's), and its site.
const victimArchive = `
-- victim.md --
---
title: "Victim"
date: 2024-03-01T00:00:00Z
categories: ["Tech"]
---
Victim by VictimAccount
------
<p>The victim's own words.</p>
`

// attackerFile is an article as the front matter attacks write it: its
// title and date, then the payload lines, then a plain body. Its control
// is the same file without the payload.
func attackerFile(payload ...string) string {
	return "---\ntitle: \"Attacker\"\ndate: 2024-02-01T00:00:00Z\n" + strings.Join(payload, "\n") + "\n---\n<p>Attacker body.</p>\n"
}

// attackerControl is the control of an attack on posts/attacker.md's
// front matter: the article without the payload.
var attackerControl = fm()

// same is the control of a case that is not an attack but a name or
// text that must work: the archive with it, as it is.
const same = "same"

type attack struct {
	name string
	// files are added to content/ (txtar).
	files string
	// setup makes what a txtar cannot (links), in content/.
	setup func(t *testing.T, content string)
	// control is what the victim's archive holds in the site the pages
	// are compared with (txtar; "": nothing, same: the files of the case).
	control string
	// findings are the rules that must name a file of the attack, by
	// file name.
	findings map[string]string
	// allowed are paths in the site (slash-separated prefixes) where the
	// marker may also be: the attacker's own pages, under a name made safe.
	allowed []string
	// check, when set, checks more of the site.
	check func(t *testing.T, site string, r *report.Report)
}

func fm(payload ...string) string { return "-- posts/attacker.md --\n" + attackerFile(payload...) }

var attacks = []attack{
	// Secrets and files from outside.
	{name: "link to the environment", setup: link("posts/env.txt", "/proc/self/environ"),
		findings: map[string]string{"env.txt": "file/symlink"}},
	{name: "link to /etc/passwd", setup: link("posts/passwd.txt", "/etc/passwd"),
		findings: map[string]string{"passwd.txt": "file/symlink"},
		check:    absent("root:x:0:0")},
	{name: "link to a page outside", setup: outsidePage("posts/outside.md"),
		findings: map[string]string{"outside.md": "file/symlink"}},
	{name: "link to a directory", setup: outsideDir("posts/dir"),
		findings: map[string]string{"dir": "file/symlink"}},
	// Script.
	{name: "underscore name", files: "-- posts/_x.md --\n" + attackerFile() + "<script>alert('" + marker + "')</script><p onclick=alert(1)>x</p>\n",
		control: "-- posts/_x.md --\n" + attackerFile() + "<p>x</p>\n"},
	{name: "org file", files: "-- posts/x.org --\n#+TITLE: " + marker + "\n#+BEGIN_EXPORT html\n<script>alert(1)</script>\n#+END_EXPORT\n",
		findings: map[string]string{"x.org": "file/not-article"}},
	{name: "svg file", files: "-- posts/x.svg --\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert('" + marker + "')</script></svg>\n",
		findings: map[string]string{"x.svg": "file/not-article"}},
	{name: "xhtml file", files: "-- posts/x.xhtml --\n<html xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert('" + marker + "')</script></html>\n",
		findings: map[string]string{"x.xhtml": "file/not-article"}},
	// Takeover.
	{name: "url of the home page", files: fm("url: /index.html"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "url of About", files: fm("url: /about/"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "url of another article", files: fm("url: /victim/"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "aliases", files: fm(`aliases: ["/index.html", "/about/", "/404.html", "/victim/"]`), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "tag ../..", files: fm(`tags: ["../..", "` + marker + `"]`), control: fm(`tags: ["` + marker + `"]`),
		findings: map[string]string{"attacker.md": "fm/term-unsafe"}, allowed: []string{"tags/"}},
	{name: "category ../About", files: fm(`categories: ["../About"]`), control: fm(`categories: ["..／About"]`),
		findings: map[string]string{"attacker.md": "fm/term-unsafe"}, allowed: []string{"categories/"},
		check: func(t *testing.T, site string, r *report.Report) {
			if _, err := os.Stat(filepath.Join(site, "categories", "..about", "index.html")); err != nil {
				t.Errorf("the category's page is not where its text leads: %v", err)
			}
		}},
	{name: "layout", files: fm("layout: search"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "menus", files: fm("menus: main", "title2: "+marker), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "weight", files: fm("weight: -1000000000"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "image", files: fm("image: https://tracker.example/pixel.gif?" + marker), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "params", files: fm("params: {image: https://tracker.example/p.gif, summary: "+marker+"}", "summary2: x"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "build params", files: fm("related: [/victim]", "citedby: [/victim]", "newer: /victim"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "cascade at the top", files: "-- _index.md --\n---\ntitle: " + marker + "\ncascade:\n  layout: search\n  draft: true\n---\n",
		findings: map[string]string{"_index.md": "file/section-index"}},
	{name: "cascade in a section", files: "-- posts/_index.md --\n---\ntitle: " + marker + "\ncascade:\n  - build: {render: never}\n---\n",
		findings: map[string]string{"_index.md": "file/section-index"}},
	{name: "a page named like the site's", files: "-- about.md --\n" + attackerFile("x: "+marker),
		findings: map[string]string{"about.md": "fm/reserved-path"}},
	{name: "a page among the terms", files: "-- categories/tech.md --\n" + attackerFile("x: "+marker),
		findings: map[string]string{"tech.md": "fm/reserved-path"}},
	{name: "a page named like a site file", files: "-- sitemap.xml.md --\n" + attackerFile("x: "+marker),
		findings: map[string]string{"sitemap.xml.md": "fm/reserved-path"}},
	{name: "index.md swallows its directory", files: "-- posts/index.md --\n" + attackerFile() + "-- posts/other.md --\n" + attackerFile(), control: same,
		check: pages("posts/other/index.html")},
	// One file must not fail the whole site.
	{name: "alias of the root", files: fm(`aliases: ["/"]`), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "markup asciidoc", files: fm("markup: asciidoc"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "asciidoc and pandoc files", files: "-- posts/x.adoc --\n= " + marker + "\n-- posts/y.pandoc --\n# " + marker + "\n",
		findings: map[string]string{"x.adoc": "file/not-article", "y.pandoc": "file/not-article"}},
	{name: "bogus outputs", files: fm("outputs: [bogus]"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "url of another site", files: fm("url: https://evil.example/"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "the removed _build key", files: fm("_build: {render: never}"), control: attackerControl,
		findings: map[string]string{"attacker.md": "fm/key-not-allowed"}},
	{name: "a file name too long", files: "-- posts/" + strings.Repeat("长", 80) + ".md --\n" + attackerFile(), control: same},
	// One file must not cost minutes.
	{name: "thousands of tags", files: fm("tags: [" + strings.Repeat(`"t", `, 5000) + `"` + marker + `"]`), control: fm(`tags: ["t"]`),
		findings: map[string]string{"attacker.md": "fm/too-many-terms"},
		check: func(t *testing.T, site string, _ *report.Report) {
			if entries, _ := os.ReadDir(filepath.Join(site, "tags")); len(entries) > 110 {
				t.Errorf("%d tag pages", len(entries))
			}
		}},
	// Also.
	{name: "title escaped once", files: "-- posts/t.md --\n---\ntitle: \"a<b & c\"\ndate: 2024-02-01T00:00:00Z\n---\n<p>x</p>\n", control: same,
		check: func(t *testing.T, site string, _ *report.Report) {
			page := readFile(t, filepath.Join(site, "posts", "t", "index.html"))
			if !strings.Contains(page, "<title>a&lt;b &amp; c · ") {
				t.Errorf("title: %s", regexp.MustCompile(`<title>[^<]*</title>`).FindString(page))
			}
		}},
	{name: "names a link would not reach", files: "-- posts/a%20b.md --\n" + attackerFile() + "-- posts/a%2e%2e.md --\n" + attackerFile(), control: same},
}

func TestUntrustedArticles(t *testing.T) {
	for _, tt := range attacks {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := newTestSite(t, victimArchive+tt.files)
			if tt.setup != nil {
				tt.setup(t, s.Content)
			}
			r, site := s.build(t), s.Opts.Dest
			controlFiles := tt.control
			if controlFiles == same {
				controlFiles = tt.files
			}
			control := controlSite(t, controlFiles)
			for _, page := range protectedPages {
				if want, got := readFile(t, filepath.Join(control, page)), readFile(t, filepath.Join(site, page)); want != got {
					t.Errorf("%s differs from the site without the attack:\n%s", page, firstDifference(want, got))
				}
			}
			checkHome(t, site)
			checkNoScriptNorThirdParty(t, site)
			checkMarker(t, site, tt.allowed)
			checkLocalLinks(t, site)
			for file, rule := range tt.findings {
				if !hasFinding(r, file, rule) {
					t.Errorf("no finding %s naming %s: %v", rule, file, r.Findings)
				}
			}
			if tt.check != nil {
				tt.check(t, site, r)
			}
		})
	}
}

// protectedPages are compared with the control site.
var protectedPages = []string{"index.html", "about/index.html", "search/index.html", "404.html", "victim/index.html"}

var (
	controlMu    sync.Mutex
	controlSites = map[string]string{}
)

// controlSite builds the victim's archive with files, once, in a
// directory of its own (the subtests that compare with it run in
// parallel, and may outlive the one that built it).
func controlSite(t *testing.T, files string) string {
	controlMu.Lock()
	defer controlMu.Unlock()
	if site, ok := controlSites[files]; ok {
		return site
	}
	dir, err := os.MkdirTemp("", "mirror-control-")
	if err != nil {
		t.Fatal(err)
	}
	s := newTestSiteIn(t, dir, victimArchive+files)
	s.build(t)
	controlSites[files] = s.Opts.Dest
	return s.Opts.Dest
}

func TestMain(m *testing.M) {
	code := m.Run()
	for _, site := range controlSites {
		os.RemoveAll(filepath.Dir(site))
	}
	os.Exit(code)
}

func link(name, target string) func(*testing.T, string) {
	return func(t *testing.T, content string) {
		p := filepath.Join(content, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
}

// outsidePage links name to an article outside the repository.
func outsidePage(name string) func(*testing.T, string) {
	return func(t *testing.T, content string) {
		outside := filepath.Join(t.TempDir(), "outside.md")
		os.WriteFile(outside, []byte(attackerFile("x: "+marker)), 0o644)
		link(name, outside)(t, content)
	}
}

// outsideDir links name to a directory of articles outside the repository.
func outsideDir(name string) func(*testing.T, string) {
	return func(t *testing.T, content string) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "a.md"), []byte(attackerFile("x: "+marker)), 0o644)
		link(name, dir)(t, content)
	}
}

// absent checks no file of the site holds s.
func absent(s string) func(*testing.T, string, *report.Report) {
	return func(t *testing.T, site string, _ *report.Report) {
		walkFiles(t, site, func(rel string, data []byte) {
			if bytes.Contains(data, []byte(s)) {
				t.Errorf("%s holds %q", rel, s)
			}
		})
	}
}

// pages checks the site has these pages.
func pages(rels ...string) func(*testing.T, string, *report.Report) {
	return func(t *testing.T, site string, _ *report.Report) {
		for _, rel := range rels {
			p, _ := url.PathUnescape(rel)
			if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(p))); err != nil {
				t.Errorf("page missing: %v", err)
			}
		}
	}
}

// checkHome checks the home page is the theme's, listing the victim.
func checkHome(t *testing.T, site string) {
	t.Helper()
	home := readFile(t, filepath.Join(site, "index.html"))
	if !strings.Contains(home, `href="/victim/"`) || strings.Contains(home, "http-equiv") {
		t.Errorf("the home page is not the archive's:\n%.2000s", home)
	}
}

var (
	scriptTag   = regexp.MustCompile(`(?i)<script\b[^>]*>`)
	themeScript = regexp.MustCompile(`^<script (type="application/ld\+json"|src="/js/search\.min\.[0-9a-f]+\.js")`)
	remoteLoad  = regexp.MustCompile(`(?i)(\ssrc|\ssrcset|\sposter|\sdata)\s*=\s*["']?\s*(https?:)?//|url\(\s*["']?\s*(https?:)?//|<link[^>]+href=["']?(https?:)?//|<meta[^>]+http-equiv=["']?refresh["']?[^>]+url=(https?:)?//`)
)

// checkNoScriptNorThirdParty checks every file of the site is of a kind
// the build writes, that no page holds a script but the theme's, and no
// page loads anything from another host.
func checkNoScriptNorThirdParty(t *testing.T, site string) {
	t.Helper()
	walkFiles(t, site, func(rel string, data []byte) {
		switch ext := filepath.Ext(rel); {
		case ext == ".html":
			for _, tag := range scriptTag.FindAllString(string(data), -1) {
				if !themeScript.MatchString(tag) {
					t.Errorf("%s: a script: %s", rel, tag)
				}
			}
			if m := remoteLoad.FindString(string(data)); m != "" {
				t.Errorf("%s: loads from another host: %s", rel, m)
			}
		case ext == ".xml", ext == ".json", ext == ".css", rel == "robots.txt", rel == ".gitkeep",
			strings.HasPrefix(rel, "js/") && ext == ".js", strings.HasPrefix(rel, "media/"):
		default:
			t.Errorf("%s: a file the build does not write", rel)
		}
	})
}

// checkMarker checks the attacker's marker is on the attacker's own pages
// only.
func checkMarker(t *testing.T, site string, allowed []string) {
	t.Helper()
	walkFiles(t, site, func(rel string, data []byte) {
		if !bytes.Contains(data, []byte(marker)) {
			return
		}
		own := bytes.Contains(data, []byte(`<h1 data-pagefind-meta="title">Attacker</h1>`))
		if !own && !slices.ContainsFunc(allowed, func(p string) bool { return strings.HasPrefix(rel, p) }) {
			t.Errorf("%s holds the attacker's %s", rel, marker)
		}
	})
}

var localHref = regexp.MustCompile(`href="(/[^"#?]*)"`)

// checkLocalLinks checks every link of the home page and the articles'
// lists leads to a file of the site.
func checkLocalLinks(t *testing.T, site string) {
	t.Helper()
	home := readFile(t, filepath.Join(site, "index.html"))
	for _, m := range localHref.FindAllStringSubmatch(home, -1) {
		p, err := url.PathUnescape(m[1])
		if err != nil {
			t.Errorf("home links to %s: %v", m[1], err)
			continue
		}
		if strings.HasSuffix(p, "/") {
			p += "index.html"
		}
		if _, err := os.Stat(filepath.Join(site, filepath.FromSlash(p))); err != nil {
			t.Errorf("home links to %s, which is not there", m[1])
		}
	}
}

func hasFinding(r *report.Report, file, rule string) bool {
	for _, f := range r.Findings {
		if f.Rule == rule && filepath.Base(f.File) == file {
			return true
		}
	}
	return false
}

func walkFiles(t *testing.T, site string, fn func(rel string, data []byte)) {
	t.Helper()
	err := filepath.WalkDir(site, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(site, p)
		fn(filepath.ToSlash(rel), data)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// firstDifference shows where two pages part.
func firstDifference(want, got string) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	from := max(0, i-200)
	return "want …" + want[from:min(len(want), i+200)] + "…\ngot  …" + got[from:min(len(got), i+200)] + "…"
}

// A page Hugo refuses, for a reason nobody foresaw (here a template that
// fails on one page), is left out with Hugo's error as its finding; the
// rest of the site is built.
func TestRefusedPageIsLeftOut(t *testing.T) {
	single, err := os.ReadFile(filepath.Join(mirrortest.RepoRoot(t), "themes", "mirror", "layouts", "single.html"))
	if err != nil {
		t.Fatal(err)
	}
	boom := `{{ if eq .Title "boom" }}{{ math.Div 1 0 }}{{ end }}`
	s := newTestSite(t, victimArchive+"-- posts/boom.md --\n---\ntitle: boom\ndate: 2024-02-01T00:00:00Z\n---\n<p>x</p>\n"+
		"-- site/layouts/single.html --\n"+boom+string(single))
	for range 2 { // the second time from the cache
		r := s.build(t)
		if !hasFinding(r, "boom.md", "hugo/page-refused") || r.Excluded != 1 {
			t.Errorf("no finding names the refused page (%d excluded): %v", r.Excluded, r.Findings)
		}
		if _, err := os.Stat(filepath.Join(s.Opts.Dest, "victim", "index.html")); err != nil {
			t.Errorf("the other pages are not built: %v", err)
		}
		if _, err := os.Stat(filepath.Join(s.Opts.Dest, "posts", "boom", "index.html")); err == nil {
			t.Error("the refused page is published")
		}
	}
}

// One article with thousands of images costs at most limits.maxImages
// requests (20,000 images were 20,000 requests and 5 MB of manifest).
func TestImagesPerArticleAreCapped(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		http.NotFound(w, r)
	}))
	defer srv.Close()
	base, _ := url.Parse(srv.URL)
	var body strings.Builder
	for i := range 1500 {
		fmt.Fprintf(&body, `<p><img data-src="https://mmbiz.qpic.cn/mmbiz_jpg/%d/640?wx_fmt=jpeg"></p>`, i)
	}
	s := newTestSite(t, victimArchive+"-- posts/images.md --\n"+attackerFile()+body.String()+"\n")
	s.Opts.Offline, s.Opts.Remap = false, map[string]*url.URL{"mmbiz.qpic.cn": base}
	r := s.build(t)
	if n := requests.Load(); n > 1000 {
		t.Errorf("%d requests for one article", n)
	}
	if !hasFinding(r, "images.md", "img/too-many") {
		t.Errorf("no finding names the article: %v", r.Findings)
	}
	named := 0
	for _, f := range r.Findings {
		if f.Rule == "img/failed" {
			named++
		}
	}
	if named > 25 {
		t.Errorf("%d findings about the article's images", named)
	}
}
