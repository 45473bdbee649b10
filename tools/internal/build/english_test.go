package build_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

// A Chinese site built from the real fetched articles shows none of the
// theme's and the build's English words: every page is scanned for the
// English strings of i18n/en.yaml (those of two words or more).
func TestChineseSiteHasNoEnglish(t *testing.T) {
	real := mirrortest.Shared(t, "fixtures", "real")
	s := newTestSite(t, "")
	entries, _ := os.ReadDir(real)
	for _, e := range entries {
		data, _ := os.ReadFile(filepath.Join(real, e.Name()))
		os.WriteFile(filepath.Join(s.Content, e.Name()), data, 0o644)
	}
	s.Opts.NoSearch = false
	s.build(t)
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
