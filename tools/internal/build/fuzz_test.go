package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fuzzKeys are the front matter keys the fuzzer writes: Hugo's own page
// keys (hugolib/page__meta.go, resources/page/pagemeta), the theme's
// params, and the allowed keys whose values could still reach other
// pages (tags, draft and the dates, which may drop the page).
var fuzzKeys = []string{
	"url", "aliases", "slug", "type", "layout", "kind", "path", "lang", "sites",
	"outputs", "cascade", "menus", "menu", "weight", "markup", "build", "_build",
	"headless", "sitemap", "resources", "params", "translationkey", "linktitle",
	"images", "image", "imagesrcset", "related", "newer", "older", "citedby", "readingtime",
	"tags", "draft", "publishdate", "expirydate", "lastmod", "keywords",
}

// FuzzFrontMatter adds one key and value to an article's front matter.
// Property: the home, About, search and 404 pages and the other
// article's page are byte for byte those of the site with the article
// without the key, or, when the key keeps the article out of the site
// (draft, a date in the future, a value of the wrong type), those of the
// site without the article.
func FuzzFrontMatter(f *testing.F) {
	seeds := []struct {
		key   string
		value string
	}{
		{"url", "/index.html"}, {"url", "/about/"}, {"url", "/victim/"}, {"url", "https://evil.example/"},
		{"aliases", `["/", "/index.html", "/404.html"]`}, {"slug", "../victim"}, {"layout", "search"},
		{"type", "search"}, {"kind", "home"}, {"path", "/victim"}, {"lang", "en"}, {"outputs", "[bogus]"},
		{"cascade", "{layout: search, draft: true}"}, {"menus", "main"}, {"weight", "-1000000000"},
		{"markup", "asciidoc"}, {"build", "{render: never, list: always}"}, {"_build", "{render: never}"},
		{"headless", "true"}, {"sitemap", "{disable: true}"}, {"params", "{summary: x, image: https://t.example/p.gif}"},
		{"image", "https://t.example/p.gif"}, {"related", "[/victim]"}, {"tags", `["../..", "../About", "%2e%2e"]`},
		{"tags", "{a: 1}"}, {"draft", "true"}, {"publishdate", "2999-01-01"}, {"expirydate", "2000-01-01"},
		{"lastmod", "not a date"}, {"keywords", "[a, b]"}, {"translationkey", "victim"}, {"sites", "{matrix: {languages: [en]}}"},
	}
	for _, s := range seeds {
		for i, k := range fuzzKeys {
			if k == s.key {
				f.Add(uint8(i), s.value)
			}
		}
	}
	f.Fuzz(func(t *testing.T, k uint8, value string) {
		if strings.ContainsAny(value, "\r\n") || len(value) > 1000 {
			t.Skip("a value on one line: another line would be another key, and allowed keys may change other pages")
		}
		key := fuzzKeys[int(k)%len(fuzzKeys)]
		s := newTestSite(t, victimArchive+fm(key+": "+value))
		s.build(t)
		site := s.Opts.Dest
		control := controlSite(t, "")
		if _, err := os.Stat(filepath.Join(site, "posts", "attacker", "index.html")); err == nil {
			control = controlSite(t, attackerControl)
		}
		for _, page := range protectedPages {
			if want, got := readFile(t, filepath.Join(control, page)), readFile(t, filepath.Join(site, page)); want != got {
				t.Errorf("%s: %s differs:\n%s", key+": "+value, page, firstDifference(want, got))
			}
		}
		checkNoScriptNorThirdParty(t, site)
	})
}
