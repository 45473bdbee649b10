package cli

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/hugo"
)

func newHugoCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "hugo [ARGS...]",
		Short: "Run the embedded Hugo with any arguments",
		Long: `hugo runs the Hugo built into mirror, so nobody needs to install Hugo.
Arguments go to Hugo unchanged; unless you pass --source (-s), Hugo runs in
ROOT/site. Hugo then reads the raw content/, without any of mirror's stages:
use it for Hugo's own commands (version, config, env) and to compare.

  mirror hugo version
  mirror hugo config | grep contentdir`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if !hasSourceFlag(args) {
				args = append(slices.Clone(args), "--source", g.siteDir())
			}
			if err := hugo.Command(args); err != nil {
				return fail(ExitFindings, err)
			}
			return nil
		},
	}
}

func hasSourceFlag(args []string) bool {
	for _, a := range args {
		if a == "-s" || a == "--source" || strings.HasPrefix(a, "--source=") || strings.HasPrefix(a, "-s=") {
			return true
		}
	}
	return false
}
