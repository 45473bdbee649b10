package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

func newBuildCmd(g *globals) *cobra.Command {
	var (
		opts       build.Options
		reportPath string
		imgFlags   imageFlags
	)
	cmd := &cobra.Command{
		Use:   "build",
		Short: "Run the stages over content/ and render the site with Hugo",
		Long: `build reads every article in content/, runs the stages over it, stages the
result in ROOT/.mirror-cache/content (only what changed is staged again) and
renders it with the embedded Hugo into the destination (public/ by default).
The previous site is replaced only when the new one is complete; it is kept
beside the destination (.public.previous) for the next build to render over,
and a file that did not change is not written again. Hugo renders under a
soft memory limit sized to the archive (--memory-limit).

Images are fetched into the image store (ROOT/media by default) unless
--offline; an image that cannot be localized stays remote and is reported.

Every article is untrusted: only regular article files (.md, .markdown,
.html, .htm) in content/ are read, symbolic links are never followed, other
files are never published, and front matter keys that would place or render
other pages (url, aliases, layout, menus, weight, cascade...) are dropped.

An article with an error is reported (file:line:col: severity rule: message)
and left out; the others are built and the exit code is 0, unless --strict
is given, in which case any error, any file refused in content/, or any
image left remote fails the build with exit code 1. SIGINT or SIGTERM stop
the build at once and leave the previous site.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Root, opts.ContentDir, opts.SiteDir, opts.Dest = g.abs(g.root), g.contentDir(), g.siteDir(), g.destDir()
			if err := imgFlags.apply(&opts, cmd.ErrOrStderr()); err != nil {
				return fail(ExitSetup, err)
			}
			opts.Display = display
			opts.Log = cmd.ErrOrStderr()
			r, err := build.Run(cmd.Context(), opts)
			report.WriteLines(cmd.ErrOrStderr(), r.Findings, article.Error)
			report.WriteRuleSummary(cmd.ErrOrStderr(), r.Findings, article.Warning, describeRule)
			if reportPath != "" {
				if werr := r.WriteJSON(reportPath); werr != nil {
					return fail(ExitSetup, fmt.Errorf("writing the report: %w", werr))
				}
			}
			switch {
			case errors.Is(err, build.ErrSetup):
				return fail(ExitSetup, err)
			case err != nil:
				return fail(ExitFindings, err)
			}
			r.WriteSummary(cmd.OutOrStdout())
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&reportPath, "report", "", "write a JSON summary of the run to `FILE`")
	f.BoolVar(&opts.Strict, "strict", false, "fail (exit 1) when any article has an error, a file of content/ is refused or an image is left remote")
	f.StringVar(&opts.BaseURL, "base-url", "", "override the site's baseURL, e.g. https://user.github.io/archive/")
	f.IntVar(&opts.Jobs, "jobs", 0, "workers for the stages (default: one per core)")
	f.BoolVar(&opts.NoCache, "no-cache", false, "ignore the build cache (ROOT/.mirror-cache) and keep none")
	f.BoolVar(&opts.NoSearch, "no-search", false, "do not build the search index")
	f.Var(&memoryLimit{bytes: &opts.MemoryLimit}, "memory-limit", "a soft limit on the build's memory, e.g. 400MiB (as GOMEMLIMIT), or off (default: 96 MiB + 29 KiB per article)")
	imgFlags.register(f)
	return cmd
}

// describeRule says in a few words what a rule's findings mean and what the
// build did about them.
func describeRule(rule string) string {
	if d := validate.Describe(rule); d != "" {
		return d
	}
	return "see the report"
}
