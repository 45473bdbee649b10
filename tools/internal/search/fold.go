package search

import (
	"sync"
	"unicode"

	"github.com/longbridgeapp/opencc"
)

// folds maps traditional Han characters to simplified ones, from OpenCC's
// t2s tables (github.com/longbridgeapp/opencc): text and queries are
// folded alike, so a query in either script finds an article in either.
// It is made once, character by character over the CJK blocks; the
// search page gets the same table (see writeFold).
var folds = sync.OnceValue(func() map[rune]rune {
	cc, err := opencc.New("t2s")
	if err != nil {
		panic("search: OpenCC's t2s tables: " + err.Error())
	}
	m := map[rune]rune{}
	for _, block := range [][2]rune{{0x3400, 0x4DBF}, {0x4E00, 0x9FFF}, {0xF900, 0xFAFF}} {
		for r := block[0]; r <= block[1]; r++ {
			out, err := cc.Convert(string(r))
			if err != nil {
				continue
			}
			if rs := []rune(out); len(rs) == 1 && rs[0] != r {
				m[r] = rs[0]
			}
		}
	}
	return m
})

// fold is the form a character is indexed and searched in: simplified
// Han, half-width ASCII for full-width forms (ＡＢＣ１２３ → abc123), Latin
// letters in lower case.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII
		r -= 0xFEE0
	case r == 0x3000: // ideographic space
		return ' '
	}
	if r < 0x80 {
		return unicode.ToLower(r)
	}
	if s, ok := folds()[r]; ok {
		return s
	}
	return unicode.ToLower(r)
}

// isHan says whether r is a Han character (indexed by pairs).
func isHan(r rune) bool { return unicode.Is(unicode.Han, r) }

// isWordRune says whether r is part of a word of other scripts (Latin
// letters, digits, and the letters of other alphabets).
func isWordRune(r rune) bool {
	return !isHan(r) && (unicode.IsLetter(r) || unicode.IsDigit(r))
}
