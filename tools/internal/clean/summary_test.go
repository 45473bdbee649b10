package clean

import (
	"slices"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/search"
)

// The text of a summary, and of the search index, keeps apart what the
// reader sees apart: a paragraph and the heading after it, a caption and the
// text after it, table cells, the lines of a WeChat code snippet; keeps
// together a sentence WeChat split into spans; and leaves out the words the
// mirror added (they are in every article).
func TestTextKeepsBlocksApart(t *testing.T) {
	tests := []struct {
		name, html string
		want       []string // runs of text, in order
	}{
		{"paragraph then heading", `<p>第一段结束</p><h2>小标题</h2><p>第二段</p>`, []string{"第一段结束", "小标题", "第二段"}},
		{"heading in a WeChat section", `<section><p>上文</p></section><h3><span>要点</span></h3>下文`, []string{"上文", "要点", "下文"}},
		{"figure caption", `<figure><img src="a.jpg"><figcaption>图1 苔藓</figcaption></figure>正文开始`, []string{"图1 苔藓", "正文开始"}},
		{"table cells", `<table><tr><th>名称</th><th>数量</th></tr><tr><td>苔藓</td><td>3</td></tr></table>`, []string{"名称", "数量", "苔藓", "3"}},
		{"definition list", `<dl><dt>术语</dt><dd>解释</dd></dl>`, []string{"术语", "解释"}},
		{"code lines in pre", `<pre><code><span>conda create -n spatial python=3.12</span></code><code><span>conda activate spatial</span></code></pre>`,
			[]string{"conda create -n spatial python=3.12", "conda activate spatial"}},
		{"what the mirror added is left out", `<p>正文</p><a data-mirror="remote-image" href="https://a.example/x.jpg">图片未存档：<b>在原网站</b>打开</a><p>后文</p><img data-mirror="x" src="a.jpg"><p>末</p><noscript>无</noscript>`,
			[]string{"正文", "后文", "末"}},
		{"a sentence split into spans", `<p><span>日前</span><span>Claude</span><strong>源码</strong>被<code>泄露</code></p>`, []string{"日前Claude源码被泄露"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := body.Parse([]byte(tt.html))
			if err != nil {
				t.Fatal(err)
			}
			if got, want := VisibleText(doc), strings.Join(tt.want, " "); got != want {
				t.Errorf("summary text %q, want %q", got, want)
			}
			var lines []string
			for _, l := range strings.Split(search.Text([]byte(tt.html)), "\n") {
				if l = strings.TrimSpace(l); l != "" {
					lines = append(lines, l)
				}
			}
			if !slices.Equal(lines, tt.want) {
				t.Errorf("search text lines %q, want %q", lines, tt.want)
			}
		})
	}
}
