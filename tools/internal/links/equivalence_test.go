package links

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A short link and its long URL are appended to the site's links file,
// keeping what is there; a file written in another shape is left to its
// owner, unchanged.
func TestAddEquivalence(t *testing.T) {
	const short, long = "https://mp.weixin.qq.com/s/Short1", "https://mp.weixin.qq.com/s?__biz=MzA=&mid=1&idx=1&sn=ab"
	tests := []struct {
		name, file, before string
		added              bool
		err                string
	}{
		{"no file yet", "", "", true, ""},
		{"a list with a comment", "links.yaml", "# kept\n- - https://a.example/1\n  - https://a.example/2\n", true, ""},
		{"already there", "links.yaml", "- - " + short + "\n  - " + long + "\n", false, ""},
		{"the articles: form", "links.yaml", "articles:\n  - - https://a.example/1\n    - https://a.example/2\n", false, "add " + short},
		{"flow style", "links.yaml", "[[https://a.example/1, https://a.example/2]]\n", false, "add " + short},
		{"TOML", "links.toml", "articles = [[\"https://a.example/1\", \"https://a.example/2\"]]\n", false, "only YAML"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			site := t.TempDir()
			path := filepath.Join(site, "data", "links.yaml")
			if tt.file != "" {
				path = filepath.Join(site, "data", tt.file)
				os.MkdirAll(filepath.Dir(path), 0o755)
				os.WriteFile(path, []byte(tt.before), 0o644)
			}
			added, err := AddEquivalence(site, short, long)
			if added != tt.added || (err == nil) != (tt.err == "") || err != nil && !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("added %v, err %v; want %v, %q", added, err, tt.added, tt.err)
			}
			after, _ := os.ReadFile(path)
			if !tt.added {
				if string(after) != tt.before {
					t.Errorf("the file changed:\n%s", after)
				}
				return
			}
			if !strings.HasPrefix(string(after), tt.before) || !strings.Contains(string(after), short) {
				t.Errorf("the file:\n%s", after)
			}
			groups, err := DecodeEquivalences(path, after)
			if err != nil || len(groups) == 0 {
				t.Errorf("does not read back: %v", err)
			}
		})
	}
}
