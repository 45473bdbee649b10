package search

// maxPrefix is the longest word prefix indexed: a word is found by any
// prefix of it from 2 characters (exec, execu…), and words that share
// their first maxPrefix characters are not told apart.
const maxPrefix = 8

// Terms calls add with every term of text, folded (see fold): each pair
// of adjacent Han characters (so any run of two or more in the text is
// found by the pairs it is made of, across word boundaries), and each
// prefix of 2 to maxPrefix characters of every word of other scripts.
// A term may come more than once.
func Terms(text string, add func(term string)) {
	var buf [maxPrefix * 4]byte
	var prevHan rune = -1
	word := make([]rune, 0, maxPrefix)
	flush := func() {
		if len(word) >= 2 {
			b := buf[:0]
			for i, r := range word {
				b = append(b, string(r)...)
				if i >= 1 {
					add(string(b))
				}
			}
		}
		word = word[:0]
	}
	for _, r := range text {
		r = fold(r)
		switch {
		case isHan(r):
			flush()
			if prevHan >= 0 {
				add(string([]rune{prevHan, r}))
			}
			prevHan = r
		case isWordRune(r):
			prevHan = -1
			if len(word) < maxPrefix {
				word = append(word, r) // longer: its prefixes are known
			}
		default:
			prevHan = -1
			flush()
		}
	}
	flush()
}
