package capture

import (
	"strings"
	"testing"
)

func TestTruncated(t *testing.T) {
	han := func(n int) string { return "<p>" + strings.Repeat("字", n-7) + "</p>" }
	tests := []struct {
		name string
		body string
		want bool
	}{
		{"a short article", "<p>正文。</p>", false},
		{"ending inside a tag", `<p>正文被截<span style="color`, true},
		{"cut at GitHub's comment limit", han(commentLimit), true},
		{"just under the limit", han(commentLimit - 100), true},
		{"well under the limit", han(commentLimit - 1000), false},
		{"longer than any comment (fetched)", han(commentLimit + 5000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Truncated(tt.body); got != tt.want {
				t.Errorf("Truncated = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestClassifyText(t *testing.T) {
	tests := []struct {
		name, body string
		want       Class
	}{
		{"an interstitial", "<div><p>此内容因违规无法查看</p></div>", Violation},
		{"an article quoting one", "<p>" + strings.Repeat("正文", 150) + "此内容因违规无法查看</p>", Article},
		{"a short article", "<p>今天天气很好。</p>", Article},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, _ := ClassifyText(tt.body); got != tt.want {
				t.Errorf("ClassifyText = %v, want %v", got, tt.want)
			}
		})
	}
}
