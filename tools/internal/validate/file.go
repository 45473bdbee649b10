package validate

import (
	"bytes"
	"unicode/utf8"

	"github.com/archivemirror/mirror/tools/internal/article"
)

var bom = []byte("\ufeff")

// checkFile checks the file as bytes: encoding, line ends, a body at all.
func checkFile(a *article.Article) {
	if bytes.HasPrefix(a.Source, bom) {
		report(a, RuleBOM, 0, "the file starts with a UTF-8 byte order mark")
	}
	if i := invalidUTF8At(a.Source); i >= 0 {
		report(a, RuleInvalidUTF8, i, "invalid UTF-8; the build shows the bad bytes as U+FFFD")
		a.Body = bytes.ToValidUTF8(a.Body, []byte("\uFFFD"))
	}
	if i := bytes.Index(a.Source, []byte("\r\n")); i >= 0 {
		report(a, RuleCRLF, i, "lines end with CR LF (%d lines)", bytes.Count(a.Source, []byte("\r\n")))
	}
	if a.FrontMatter.Values != nil && len(bytes.TrimSpace(a.Body)) == 0 {
		report(a, RuleEmptyBody, a.FrontMatter.End, "the article has no body")
	}
}

func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return i
		}
		i += size
	}
	return -1
}
