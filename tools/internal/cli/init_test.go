package cli

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/scaffold"
)

// init's questions read every answer from one reader: answers typed ahead
// (or pasted) all arrive, the categories' too; an empty answer keeps what
// is set, and each question shows it.
func TestAskReadsEveryAnswer(t *testing.T) {
	cmd := &cobra.Command{}
	var out bytes.Buffer
	cmd.SetIn(strings.NewReader("猫咪档案馆\n\nhttps://cats.example/archive/\nzh-CN\nmmbiz.qpic.cn\n生活,科技\n"))
	cmd.SetOut(&out)
	opts := scaffold.InitOptions{}
	current := scaffold.Current{Identity: scaffold.Identity{Description: "旧的描述"}, Categories: []string{"Life"}}
	ask(cmd, &opts, current)
	if opts.Title != "猫咪档案馆" || opts.Description != "" || opts.BaseURL != "https://cats.example/archive/" || opts.Language != "zh-CN" ||
		!slices.Equal(opts.ImageHosts, []string{"mmbiz.qpic.cn"}) || !slices.Equal(opts.Categories, []string{"生活", "科技"}) {
		t.Errorf("answers read: %+v", opts)
	}
	for _, shown := range []string{"Description [旧的描述]: ", "Title [unset]: ", "Categories, comma-separated [Life]: "} {
		if !strings.Contains(out.String(), shown) {
			t.Errorf("the questions lack %q:\n%s", shown, out.String())
		}
	}
}
