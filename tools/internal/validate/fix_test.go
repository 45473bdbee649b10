package validate

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

func TestFix(t *testing.T) {
	tests := []struct {
		name, src, want string
		rules           []string
	}{
		{"nothing to fix", good, good, nil},
		{"draft list", "---\ntitle: A # keep me\ndraft: [\"false\"]   # and me\ntags: [\n  \"fetched\"\n]\n---\nbody\n",
			"---\ntitle: A # keep me\ndraft: false   # and me\ntags: [\n  \"fetched\"\n]\n---\nbody\n", []string{RuleDraftType}},
		{"draft string true", "---\ntitle: A\ndraft: 'true'\n---\nbody", "---\ntitle: A\ndraft: true\n---\nbody", []string{RuleDraftType}},
		{"draft block list", "---\ntitle: A\ndraft:\n  - \"false\"\ntags: [a]\n---\nbody", "---\ntitle: A\ndraft:\n  false\ntags: [a]\n---\nbody", []string{RuleDraftType}},
		{"draft TOML", "+++\ntitle = 'A'\ndraft = [\"false\"] # c\n+++\nbody", "+++\ntitle = 'A'\ndraft = false # c\n+++\nbody", []string{RuleDraftType}},
		{"draft JSON", "{\n  \"title\": \"A\",\n  \"draft\": \"false\"\n}\nbody", "{\n  \"title\": \"A\",\n  \"draft\": false\n}\nbody", []string{RuleDraftType}},
		{"BOM", "\ufeff" + good, good, []string{RuleBOM}},
		{"CRLF", strings.ReplaceAll(good, "\n", "\r\n"), good, []string{RuleCRLF}},
		{"tags string", "---\ntitle: A\ntags: \"美国 大使馆\"\n---\nbody", "---\ntitle: A\ntags: [\"美国 大使馆\"]\n---\nbody", []string{RuleListString}},
		{"yaml escape", "---\ntitle: \"招聘助理教授\\副教授\\职位\"\ndraft: [\"false\"]\n---\nbody \\副",
			"---\ntitle: \"招聘助理教授\\\\副教授\\\\职位\"\ndraft: false\n---\nbody \\副", []string{article.RuleYAMLEscape, RuleDraftType}},
		{"all at once", "\ufeff---\r\ntitle: \"a\\b\\c\"\r\ndraft: [\"false\"]\r\n---\r\nbody\r\n",
			"---\ntitle: \"a\\b\\\\c\"\ndraft: false\n---\nbody\n", []string{RuleBOM, RuleCRLF, article.RuleYAMLEscape, RuleDraftType}},
		{"syntax error left alone", "---\ntitle: [a\ndraft: [\"false\"]\n---\nbody", "---\ntitle: [a\ndraft: [\"false\"]\n---\nbody", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, changes := Fix([]byte(tt.src))
			if string(got) != tt.want {
				t.Errorf("fixed:\n%q\nwant:\n%q", got, tt.want)
			}
			var rules []string
			for _, c := range changes {
				if !slices.Contains(rules, c.Rule) {
					rules = append(rules, c.Rule)
				}
			}
			if !slices.Equal(rules, tt.rules) {
				t.Errorf("changes %v, want rules %v", changes, tt.rules)
			}
			again, more := Fix(got)
			if string(again) != string(got) || len(more) != 0 {
				t.Errorf("second fix changed %v", more)
			}
		})
	}
}

func TestFixKeepsTheBackslashAsText(t *testing.T) {
	fixed, _ := Fix([]byte("---\ntitle: \"招聘助理教授\\副教授\"\ndate: 2024-01-01\n---\nbody"))
	a := article.Parse("a.md", "a.md", fixed)
	if got := a.FrontMatter.Values["title"]; got != `招聘助理教授\副教授` {
		t.Errorf("title = %q", got)
	}
}

// On every real article, --fix changes only the draft line, and a second
// pass changes nothing.
func TestFixRealFixtures(t *testing.T) {
	dir := mirrortest.Shared(t, "fixtures", "real")
	files, _ := filepath.Glob(filepath.Join(dir, "*.md"))
	for _, f := range files {
		if filepath.Base(f) == "README.md" {
			continue
		}
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			fixed, changes := Fix(src)
			before, after := strings.Split(string(src), "\n"), strings.Split(string(fixed), "\n")
			if len(before) != len(after) {
				t.Fatalf("line count changed: %d → %d", len(before), len(after))
			}
			for i := range before {
				if before[i] == after[i] {
					continue
				}
				if before[i] != `draft: ["false"]` || after[i] != "draft: false" {
					t.Errorf("line %d changed: %q → %q", i+1, before[i], after[i])
				}
			}
			if len(changes) != 1 || changes[0].Rule != RuleDraftType || changes[0].Line != 4 {
				t.Errorf("changes = %+v", changes)
			}
			if again, more := Fix(fixed); string(again) != string(fixed) || len(more) > 0 {
				t.Errorf("second pass changed %v", more)
			}
		})
	}
}

// The seed and every real fixture validate with no errors: only the draft
// warning.
func TestRealFixturesValidate(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(mirrortest.Shared(t, "fixtures", "real"), "*.md"))
	seed, _ := filepath.Glob(filepath.Join(mirrortest.Shared(t, "seed"), "*.md"))
	for _, f := range append(files, seed...) {
		if filepath.Base(f) == "README.md" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, got := check(t, NewDefaultConfig(), string(src))
		if !slices.Equal(got, []string{RuleDraftType}) {
			t.Errorf("%s: rules %v, want only %s", filepath.Base(f), got, RuleDraftType)
		}
	}
}

// FuzzFix: fixing never panics, never touches the body, and is idempotent;
// a file that Hugo could read before the fix still reads the same after it,
// but for the repaired values.
func FuzzFix(f *testing.F) {
	for _, s := range []string{good, "---\ntitle: \"a\\副\"\ndraft: [\"false\"]\n---\nbody", "\ufeff---\r\ndraft: 'true'\r\n---\r\n",
		"+++\ndraft = [\"false\"]\n+++\n", "{\"draft\": \"false\", \"tags\": \"x\"}\n", "---\ntags: \"a\"\ncategories: ''\n---\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		fixed, _ := Fix(src)
		again, more := Fix(fixed)
		if string(again) != string(fixed) {
			t.Fatalf("not idempotent: %v\n%q\n%q", more, fixed, again)
		}
		before := article.Parse("a.md", "a.md", src)
		after := article.Parse("a.md", "a.md", fixed)
		if before.FrontMatter.Values != nil && after.FrontMatter.Values == nil {
			t.Fatalf("fix broke a readable file: %v\n%q", after.Findings, fixed)
		}
	})
}
