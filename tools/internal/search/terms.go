package search

import (
	"unicode/utf8"
)

// maxPrefix is the longest word prefix indexed: a word is found by any
// prefix of it from 2 characters (exec, execu…), and words that share
// their first maxPrefix characters are not told apart.
const maxPrefix = 8

// Terms calls han with every pair of adjacent Han characters of text (so
// any run of two or more in the text is found by the pairs it is made
// of, across word boundaries) and word with each prefix of 2 to maxPrefix
// characters of every word of other scripts, all folded (see fold). A
// term may come more than once. A pair is a number (see pair): a build
// meets tens of millions of them, and no string is made for one.
func Terms(text string, han func(pair uint64), word func(prefix string)) {
	var buf [maxPrefix * utf8.UTFMax]byte
	prevHan := rune(-1)
	runes := 0
	b := buf[:0]
	flush := func() {
		if runes >= 2 {
			n := 0
			for i := range b {
				if utf8.RuneStart(b[i]) {
					n++
					if n >= 3 {
						word(string(b[:i]))
					}
				}
			}
			word(string(b))
		}
		b, runes = buf[:0], 0
	}
	for _, r := range text {
		r = fold(r)
		switch {
		case isHan(r):
			if runes > 0 {
				flush()
			}
			if prevHan >= 0 {
				han(pair(prevHan, r))
			}
			prevHan = r
		case isWordRune(r):
			prevHan = -1
			if runes < maxPrefix {
				b = utf8.AppendRune(b, r)
				runes++
			} else {
				runes++ // longer: its prefixes are known
			}
		default:
			prevHan = -1
			if runes > 0 {
				flush()
			}
		}
	}
	if runes > 0 {
		flush()
	}
}

// pair is two Han characters as one number; pairTerm the term it stands
// for.
func pair(a, b rune) uint64    { return uint64(a)<<32 | uint64(uint32(b)) }
func pairTerm(p uint64) string { return string([]rune{rune(p >> 32), rune(uint32(p))}) }

// bucketOfPair is bucketOf(pairTerm(p), n), without the string.
func bucketOfPair(p uint64, n int) int {
	var buf [2 * utf8.UTFMax]byte
	b := utf8.AppendRune(buf[:0], rune(p>>32))
	b = utf8.AppendRune(b, rune(uint32(p)))
	return int(fnv32a(b) % uint32(n))
}

func fnv32a(b []byte) uint32 {
	h := uint32(2166136261)
	for _, c := range b {
		h ^= uint32(c)
		h *= 16777619
	}
	return h
}
