package scaffold

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// linksHeader starts the links file, with or without groups.
const linksHeader = `# Known equivalences between URLs of archived articles: each item lists the
# URLs one article is known by (WeChat's long form in article bodies, the
# short form the fetcher records). mirror build uses them to turn links
# into local ones; see README.md, "Links".
`

// pruneLinks removes from site/data/links.yaml the groups naming any of the
// given source URLs, and returns the file's name when it changed.
func pruneLinks(dataDir string, sources []string) (string, error) {
	p := filepath.Join(dataDir, "links.yaml")
	groups, file, err := links.LoadEquivalences(filepath.Dir(dataDir))
	if err != nil || file != p {
		return "", err // no links.yaml, or another format: left alone
	}
	gone := map[string]bool{}
	for _, s := range sources {
		if k, ok := links.Key(s); ok {
			gone[k] = true
		}
	}
	var b strings.Builder
	b.WriteString(linksHeader)
	kept := 0
	for _, g := range groups {
		drop := false
		for _, u := range g {
			if k, ok := links.Key(u); ok && gone[k] {
				drop = true
			}
		}
		if drop {
			continue
		}
		kept++
		for i, u := range g {
			if i == 0 {
				fmt.Fprintf(&b, "- - %s\n", u)
			} else {
				fmt.Fprintf(&b, "  - %s\n", u)
			}
		}
	}
	if kept == len(groups) {
		return "", nil
	}
	if kept == 0 {
		b.WriteString("[]\n")
	}
	return "site/data/links.yaml (examples' entries)", safefile.Write(afero.NewOsFs(), p, []byte(b.String()), 0o644)
}
