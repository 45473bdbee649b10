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
Arguments go to Hugo unchanged, except mirror's own --root, --content and
--dest; unless you pass --source (-s), Hugo runs in ROOT/site. Hugo then reads the raw content/, without any of mirror's stages:
use it for Hugo's own commands (version, config, env) and to compare.

  mirror hugo version
  mirror hugo config | grep contentdir`,
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			args = takeGlobals(g, args)
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

// takeGlobals removes mirror's global flags from args and applies them: with
// flag parsing off for this command, cobra passes them through. --content and
// --dest become Hugo's --contentDir and --destination.
func takeGlobals(g *globals, args []string) []string {
	var rest []string
	for i := 0; i < len(args); i++ {
		name, value, hasValue := strings.Cut(strings.TrimPrefix(args[i], "--"), "=")
		target := map[string]*string{"root": &g.root, "content": &g.content, "dest": &g.dest}[name]
		if !strings.HasPrefix(args[i], "--") || target == nil {
			rest = append(rest, args[i])
			continue
		}
		if !hasValue && i+1 < len(args) {
			i++
			value = args[i]
		}
		*target = value
	}
	if g.content != "" {
		rest = append(rest, "--contentDir", g.contentDir())
	}
	if g.dest != "" {
		rest = append(rest, "--destination", g.destDir())
	}
	return rest
}

func hasSourceFlag(args []string) bool {
	for _, a := range args {
		if a == "-s" || a == "--source" || strings.HasPrefix(a, "--source=") || strings.HasPrefix(a, "-s=") {
			return true
		}
	}
	return false
}
