package article

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, src   string
		title, body string
		rule        string
		line, col   int
	}{
		{"yaml", "---\ntitle: A\n---\nbody", "A", "body", "", 0, 0},
		{"toml", "+++\ntitle = 'A'\n+++\nbody", "A", "body", "", 0, 0},
		{"json", "{\"title\": \"A\"}\nbody", "A", "body", "", 0, 0},
		{"bom", "\ufeff---\ntitle: A\n---\nbody", "A", "body", "", 0, 0},
		{"crlf", "---\r\ntitle: A\r\n---\r\nbody", "A", "body", "", 0, 0},
		{"no front matter", "<p>hi</p>", "", "", RuleNoFrontMatter, 1, 1},
		{"unclosed", "---\ntitle: A\n", "", "", RuleUnclosed, 1, 1},
		{"yaml syntax", "---\ntitle: A\ntags: [a\n---\nbody", "", "", RuleSyntax, 3, 7},
		{"yaml escape", "---\ntitle: \"招聘\\副\"\n---\nbody", "", "", RuleYAMLEscape, 2, 12},
		{"toml syntax", "+++\ntitle = 'A\n+++\nbody", "", "", RuleSyntax, 2, 11},
		{"json syntax", "{\"title\": }\nbody", "", "", RuleSyntax, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Parse("a.md", "content/a.md", []byte(tt.src))
			if tt.rule == "" {
				if len(a.Findings) > 0 {
					t.Fatalf("findings: %v", a.Findings)
				}
				if a.FrontMatter.Values["title"] != tt.title || strings.TrimSpace(string(a.Body)) != tt.body {
					t.Errorf("title %q body %q", a.FrontMatter.Values["title"], a.Body)
				}
				return
			}
			if len(a.Findings) != 1 {
				t.Fatalf("findings: %v", a.Findings)
			}
			f := a.Findings[0]
			if f.Rule != tt.rule || f.Line != tt.line || (tt.col > 0 && f.Col != tt.col) || f.Severity != Error {
				t.Errorf("got %v, want %s at %d:%d", f, tt.rule, tt.line, tt.col)
			}
			if f.File != "content/a.md" {
				t.Errorf("file %q", f.File)
			}
		})
	}
}

func TestSourceLink(t *testing.T) {
	tests := []struct{ name, body, want string }{
		// The fetcher's footer, with its stray comma (seed).
		{"seed", "<div>x</div>  \n<hr>\n<a href=\"https://mp.weixin.qq.com/s/bDQ4yUSTjOEAgOaWpezwXQ\",target=\"_blank\" rel=\"noopener noreferrer\">原文链接</a>\n", "https://mp.weixin.qq.com/s/bDQ4yUSTjOEAgOaWpezwXQ"},
		{"escaped", "<hr><a href=\"https://a.example/?a=1&amp;b=2\">原文链接</a>", "https://a.example/?a=1&b=2"},
		{"not at the end", "<hr><a href=\"https://a.example/\">原文链接</a><p>more</p>", ""},
		{"other text", "<hr><a href=\"https://a.example/\">source</a>", ""},
		{"none", "<p>x</p>", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, start, ok := SourceLink([]byte(tt.body))
			if got != tt.want || ok != (tt.want != "") {
				t.Errorf("got %q %v", got, ok)
			}
			if ok && !strings.HasPrefix(tt.body[start:], "<hr") {
				t.Errorf("footer starts at %q", tt.body[start:])
			}
		})
	}
}

// FuzzParse: the reader never panics, and what it returns is consistent:
// spans inside the file, findings on real lines, an article either decoded
// or carrying an error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"---\ntitle: \"会谈纪要\"\ndate: 2024-04-27T08:23:57Z\ndraft: [\"false\"]\ntags: [\n  \"fetched\"\n]\n---\nbody",
		"+++\ntitle = 'A'\n+++\n", "{\"a\": [1, {\"b\": null}]}\nx", "---\ntitle: \"a\\副\"\n---\n",
		"\ufeff---\r\na: b\r\n---\r\n", "---\n", "", "#+TITLE: org\n", "---\na: &x [*x]\n---\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		a := Parse("a.md", "a.md", src)
		fm := a.FrontMatter
		if fm.Start < 0 || fm.End < fm.Start || fm.End > len(src) {
			t.Fatalf("front matter span %d-%d in %d bytes", fm.Start, fm.End, len(src))
		}
		lines := strings.Count(string(src), "\n") + 1
		for _, f := range a.Findings {
			if f.Line < 1 || f.Line > lines {
				t.Fatalf("finding on line %d of %d: %v", f.Line, lines, f)
			}
		}
		if (fm.Values == nil) == (len(a.Findings) == 0) && fm.Format != "org" {
			t.Fatalf("values %v with findings %v", fm.Values != nil, a.Findings)
		}
		if fm.Values != nil && len(a.Body) > len(src)-fm.End {
			t.Fatalf("body longer than the rest of the file")
		}
		_ = utf8.Valid(a.Body)
	})
}
