package links

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// AddEquivalence records in the site's links data file that the URLs are
// one article's (a short link and the long URL it leads to), unless a
// group already holds them all. A site without the file gets
// data/links.yaml; a TOML or JSON one is left to its owner. The file is
// rewritten whole, atomically, with the group at its end.
func AddEquivalence(siteDir string, urls ...string) (bool, error) {
	file, data, err := ReadEquivalences(siteDir)
	if err != nil {
		return false, err
	}
	if file == "" {
		file = filepath.Join(siteDir, "data", "links.yaml")
	} else if ext := filepath.Ext(file); ext != ".yaml" && ext != ".yml" {
		return false, fmt.Errorf("%s: add %s to it by hand (only YAML is written)", file, strings.Join(urls, " and "))
	}
	want := KeysOf([][]string{urls})
	if len(want) == 0 || len(want[0]) < 2 {
		return false, nil // nothing to join
	}
	if len(data) > 0 {
		groups, err := DecodeEquivalences(file, data)
		if err != nil {
			return false, err
		}
		for _, g := range KeysOf(groups) {
			if holdsAll(g, want[0]) {
				return false, nil
			}
		}
	}
	var b strings.Builder
	b.Write(data)
	if len(data) > 0 && !strings.HasSuffix(string(data), "\n") {
		b.WriteByte('\n')
	}
	for i, u := range urls {
		q := article.YAMLFlow(u)
		if i == 0 {
			fmt.Fprintf(&b, "- - %s\n", q)
		} else {
			fmt.Fprintf(&b, "  - %s\n", q)
		}
	}
	// Appended, the file keeps its comments; a file written another way
	// (articles: …, flow style) would not read back: its owner edits it.
	groups, err := DecodeEquivalences(file, []byte(b.String()))
	if err != nil || !slices.ContainsFunc(KeysOf(groups), func(g []string) bool { return holdsAll(g, want[0]) }) {
		return false, fmt.Errorf("%s: add %s to it by hand (it is not a plain YAML list of lists)", file, strings.Join(urls, " and "))
	}
	return true, safefile.Write(afero.NewOsFs(), file, []byte(b.String()), 0o644)
}

func holdsAll(group, keys []string) bool {
	for _, k := range keys {
		if !slices.Contains(group, k) {
			return false
		}
	}
	return true
}
