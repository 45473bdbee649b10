package article

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestPagePath(t *testing.T) {
	tests := []struct{ in, want string }{
		// The names fetchers and the examples write stay as they are.
		{"20231021_5a53a312fe1f3057.md", "20231021_5a53a312fe1f3057"},
		{"posts/会谈纪要.md", "posts/会谈纪要"},
		{"_x.md", "_x"},
		{"v1.2.html", "v1.2"},
		// Anything a link would not reach as written gets a hashed name.
		{"a%20b.md", "a-b-" + hashOf("a%20b")},
		{"a%2e%2e.md", "a-" + hashOf("a%2e%2e")},
		{"a b.md", "a-b-" + hashOf("a b")},
		{"a#b.md", "a-b-" + hashOf("a#b")},
		{"A.md", "a-" + hashOf("A")},
		{"招聘助理教授\\副教授.md", "招聘助理教授-副教授-" + hashOf("招聘助理教授\\副教授")},
		{"index.md", "page-" + hashOf("index")},
		{"posts/_index.md", "posts/page-" + hashOf("_index")},
		{"...md", "page-" + hashOf("..")},
		{"%2F.md", "page-" + hashOf("%2F")},
	}
	for _, tt := range tests {
		if got := PagePath(tt.in); got != tt.want {
			t.Errorf("PagePath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// A name too long for a file system is cut, at a character, and keeps a
// hash of the whole name.
func TestPagePathLongNames(t *testing.T) {
	long := strings.Repeat("长", 100) // 300 bytes
	got := PagePath(long + ".md")
	if len(got) > maxSegmentBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, hashOf(long)) {
		t.Errorf("PagePath of a 300-byte name = %q (%d bytes)", got, len(got))
	}
	if PagePath(long+"a.md") == got {
		t.Error("two long names share a page")
	}
}

// hashOf is the suffix a changed name gets: the first 8 hex digits of
// the SHA-256 of the name as written.
func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])[:8]
}

func TestSafeTerm(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"美国驻华大使馆", "美国驻华大使馆", true},
		{" Tech ", "Tech", true},
		{"AC/DC", "AC／DC", true},
		{"../..", "..／..", false},
		{"../About", "..／About", true},
		{"%2e%2e", "％2e％2e", true},
		{"a#b", "a＃b", true},
		{".", ".", false},
		{"!!!", "!!!", false},
		{"  ", "", false},
	}
	for _, tt := range tests {
		got, ok := SafeTerm(tt.in, 100)
		if got != tt.want || ok != tt.ok {
			t.Errorf("SafeTerm(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if got, _ := SafeTerm(strings.Repeat("标", 50), 100); len(got) > 100 || !utf8.ValidString(got) {
		t.Errorf("a long term: %q", got)
	}
}
