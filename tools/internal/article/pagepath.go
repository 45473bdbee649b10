package article

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxSegmentBytes bounds each part of a page path: file systems refuse
// names over 255 bytes, and the build adds suffixes to the staged file's
// name (its extension, a temporary file's) and Hugo to the cache's.
const maxSegmentBytes = 120

// PagePath is where an article's page lives, from its content path: the
// path without its extension, each part lower-cased and made of letters,
// digits, marks, "_", "-" and "." only, so the page Hugo writes is the one
// every link reaches. A file name such as "a%20b.md" would otherwise get
// a page no link reaches ("%20" is kept by Hugo and decoded by the
// browser), "a#b.md" one whose address ends at "#", "index.md" would
// swallow its directory's other articles (a Hugo page bundle). A part
// changed to make it safe gets a short hash of the original, so two names
// that differ only in what was changed never share a page. It has no
// leading slash.
func PagePath(contentPath string) string {
	stem := strings.TrimSuffix(contentPath, path.Ext(contentPath))
	parts := strings.Split(stem, "/")
	for i, p := range parts {
		parts[i] = safeSegment(p)
	}
	return strings.Join(parts, "/")
}

func safeSegment(seg string) string {
	decoded := seg
	if u, err := url.PathUnescape(seg); err == nil {
		decoded = u
	}
	var b strings.Builder
	dash := false
	for _, r := range decoded {
		if isPathRune(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		dash = true
	}
	safe := strings.Trim(b.String(), ".-")
	if stem := strings.ToLower(safe); stem == "index" || stem == "_index" {
		safe = ""
	}
	if safe == seg && len(safe) <= maxSegmentBytes {
		return safe
	}
	sum := sha256.Sum256([]byte(seg))
	suffix := hex.EncodeToString(sum[:4])
	safe = cutBytes(safe, maxSegmentBytes-len(suffix)-1)
	if safe == "" {
		return "page-" + suffix
	}
	return safe + "-" + suffix
}

// isPathRune says whether a character may stay in a page path as it is.
func isPathRune(r rune) bool {
	return r == '_' || r == '-' || r == '.' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r)
}

// cutBytes shortens s to at most n bytes, at a character boundary.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return strings.TrimRight(s[:n], ".-")
}
