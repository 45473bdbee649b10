package article

import (
	"strings"
	"unicode"
)

// termLookalikes are the characters a taxonomy term may not hold as they
// are, and the full-width forms it shows instead: Hugo names a term's page
// after the term, keeping "/", "\", "#" and "%XX" in the path, so a tag
// "../.." was the home page, "../About" the About page, and "a#b" a page
// no link reaches. The full-width forms read the same and Hugo leaves
// them out of paths.
var termLookalikes = strings.NewReplacer("/", "／", "\\", "＼", "#", "＃", "%", "％", "?", "？")

// SafeTerm is a taxonomy term as the staged copy holds it: text whose page
// stays inside its taxonomy. It trims spaces, writes the characters Hugo
// would keep in a path as their full-width forms, and cuts the term to
// maxBytes (at a character). ok is false for a term that names no page
// of its own (empty, or dots only: "..", "／"), which must be dropped.
func SafeTerm(term string, maxBytes int) (safe string, ok bool) {
	safe = termLookalikes.Replace(strings.TrimSpace(term))
	safe = strings.TrimSpace(cutBytes(safe, maxBytes))
	named := false
	for _, r := range safe {
		if r != '.' && isHugoPathRune(r) {
			named = true
			break
		}
	}
	return safe, named
}

// isHugoPathRune says whether Hugo keeps a character in a path it makes
// from a name (its paths.Sanitize): others are dropped.
func isHugoPathRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) ||
		strings.ContainsRune("._#+~-@", r)
}
