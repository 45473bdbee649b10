package build_test

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/spf13/afero"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

// A Chinese site built from the real fetched articles shows none of the
// theme's and the build's English words: every page is scanned for the
// English strings of i18n/en.yaml (those of two words or more).
func TestChineseSiteHasNoEnglish(t *testing.T) {
	s := realFixturesSite(t)
	en, err := metadecoders.Default.UnmarshalFileToMap(afero.NewOsFs(), filepath.Join(mirrortest.RepoRoot(t), "themes", "mirror", "i18n", "en.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var sentences []string
	for _, v := range en {
		text, _ := v.(string)
		// The words around a template's values ("Archived from {{ .account }}"
		// → "Archived from"), a line at a time (the About text is Markdown).
		for _, part := range regexp.MustCompile(`\{\{[^}]*\}\}|%s|%d|\n`).Split(text, -1) {
			if part = strings.TrimSpace(part); len(strings.Fields(part)) >= 2 {
				sentences = append(sentences, part)
			}
		}
	}
	walkFiles(t, s.Opts.Dest, func(rel string, data []byte) {
		if !strings.HasSuffix(rel, ".html") && !strings.HasSuffix(rel, ".xml") {
			return
		}
		page := string(data)
		for _, sentence := range sentences {
			if strings.Contains(page, sentence) {
				t.Errorf("%s: %q", rel, sentence)
			}
		}
	})
}

// realFixturesSite is the example site with the real fetched articles in
// place of the examples, built.
func realFixturesSite(t *testing.T) *testSite {
	t.Helper()
	real := mirrortest.Shared(t, "fixtures", "real")
	s := newTestSite(t, "")
	entries, _ := os.ReadDir(real)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".md") && e.Name() != "README.md" {
			data, _ := os.ReadFile(filepath.Join(real, e.Name()))
			os.WriteFile(filepath.Join(s.Content, e.Name()), data, 0o644)
		}
	}
	s.Opts.NoSearch = false
	s.build(t)
	return s
}

// On every page of real articles the headings form an outline: one h1 (the
// page's title), then no level skipped going down; and every list item is
// in a list. Lighthouse and screen readers read them so; the articles' own
// headings start anywhere from h1 to h5, and WeChat leaves items outside
// their lists.
func TestRealArticlesStructure(t *testing.T) {
	s := realFixturesSite(t)
	pages := 0
	walkFiles(t, s.Opts.Dest, func(rel string, data []byte) {
		if !strings.HasSuffix(rel, "index.html") || strings.Count(rel, "/") != 1 {
			return // article pages only: one directory deep
		}
		pages++
		doc, err := html.Parse(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		previous, h1s := 0, 0
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			switch n.DataAtom {
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				level := int(n.Data[1] - '0')
				if level == 1 {
					h1s++
				}
				if level > previous+1 {
					t.Errorf("%s: h%d after h%d", rel, level, previous)
				}
				previous = level
			case atom.Li:
				if p := n.Parent.DataAtom; p != atom.Ul && p != atom.Ol && p != atom.Menu {
					t.Errorf("%s: a list item in a %s", rel, n.Parent.Data)
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		if h1s != 1 {
			t.Errorf("%s: %d h1", rel, h1s)
		}
	})
	if pages < 10 {
		t.Errorf("only %d article pages checked", pages)
	}
}
