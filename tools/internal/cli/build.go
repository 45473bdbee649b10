package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/images"
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
image left remote by a failure new in this build fails the build with exit
code 1 (an image that failed for good in an earlier build, such as a 404,
is reported on every build but does not fail it). Each image left remote
is printed with its article and URL; in GitHub Actions (GITHUB_ACTIONS=true)
errors and image failures are also written as workflow annotations.

With [params.mirror.media] bucket set, the images the pages show are
uploaded to that bucket (once each) and the pages load them from its
publicURL: the site holds none (see mirror media). The site is measured
against its host's limits ([params.mirror.host]): over one, the build fails
before publishing, naming the remedy; a sitemap over 50,000 URLs is split
under a sitemap index. SIGINT or SIGTERM stop
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
			writeFindings(cmd, r.Findings)
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
	f.BoolVar(&opts.Strict, "strict", false, "fail (exit 1) when any article has an error, a file of content/ is refused or an image is left remote by a new failure")
	f.StringVar(&opts.BaseURL, "base-url", "", "override the site's baseURL, e.g. https://user.github.io/archive/")
	f.IntVar(&opts.Jobs, "jobs", 0, "workers for the stages (default: one per core)")
	f.BoolVar(&opts.NoCache, "no-cache", false, "ignore the build cache (ROOT/.mirror-cache) and keep none")
	f.BoolVar(&opts.NoSearch, "no-search", false, "do not build the search index")
	f.Var(&memoryLimit{bytes: &opts.MemoryLimit}, "memory-limit", "a soft limit on the build's memory, e.g. 400MiB (as GOMEMLIMIT), or off (default: 96 MiB + 29 KiB per article)")
	imgFlags.register(f)
	return cmd
}

// writeFindings prints the errors and every image left remote (article
// and URL: an image is worth a line), a line per rule for the other
// warnings; in GitHub Actions, also as annotations on the files.
func writeFindings(cmd *cobra.Command, findings []article.Finding) {
	var lines, summed []article.Finding
	for _, f := range findings {
		if f.Severity == article.Error || (f.Severity == article.Warning && f.Stage == images.Stage) {
			lines = append(lines, f)
		} else {
			summed = append(summed, f)
		}
	}
	report.WriteLines(cmd.ErrOrStderr(), lines, article.Warning)
	report.WriteRuleSummary(cmd.ErrOrStderr(), summed, article.Warning, describeRule)
	if os.Getenv("GITHUB_ACTIONS") == "true" {
		report.WriteGitHub(cmd.OutOrStdout(), lines)
	}
}

// describeRule says in a few words what a rule's findings mean and what the
// build did about them.
func describeRule(rule string) string {
	if d := validate.Describe(rule); d != "" {
		return d
	}
	return "see the report"
}
