package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/report"
)

func newLocalizeCmd(g *globals) *cobra.Command {
	var (
		opts       build.Options
		imgFlags   imageFlags
		reportPath string
	)
	cmd := &cobra.Command{
		Use:   "localize",
		Short: "Fetch the articles' images into the image store (the image stage alone)",
		Long: `localize runs only the image stage: it reads the articles, finds every image
they show, and fetches the ones the store lacks from the allowed hosts
([params.mirror.images] hosts in site/hugo.toml), checks, resizes and stores
them, and records failures in the store's manifest. A rerun sends no
request for an image already stored, nor for one that failed for good
(unless --retry-failed).

Point it at a proxy, a private copy of the CDN or a test server with
--remap-host mmbiz.qpic.cn=http://127.0.0.1:8080 (repeatable).

Exit codes: 0 every image localized, 1 some could not be, 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Root, opts.ContentDir, opts.SiteDir, opts.Dest = g.abs(g.root), g.contentDir(), g.siteDir(), g.destDir()
			opts.Display = display
			if err := imgFlags.apply(&opts, cmd.ErrOrStderr()); err != nil {
				return fail(ExitSetup, err)
			}
			r, err := build.Localize(cmd.Context(), opts)
			report.WriteLines(cmd.ErrOrStderr(), r.Findings, article.Error)
			// A line per image left remote: an article showing it, its URL.
			for _, f := range r.ImageFailures {
				fmt.Fprintf(cmd.ErrOrStderr(), "%s: warning img/failed: %s: %s\n", display(f.File), f.URL, f.Error)
			}
			if reportPath != "" {
				if werr := r.WriteJSON(reportPath); werr != nil {
					return fail(ExitSetup, werr)
				}
			}
			if errors.Is(err, build.ErrSetup) {
				return fail(ExitSetup, err)
			}
			if err != nil {
				return fail(ExitFindings, err)
			}
			if r.Images != nil {
				fmt.Fprintln(cmd.OutOrStdout(), r.Images)
				if r.Images.Failed > 0 || r.Images.Offline > 0 {
					return fail(ExitFindings, fmt.Errorf("%d images not localized", r.Images.Failed+r.Images.Offline))
				}
			}
			return nil
		},
	}
	imgFlags.register(cmd.Flags())
	cmd.Flags().StringVar(&reportPath, "report", "", "write a JSON summary of the run to `FILE`")
	cmd.Flags().IntVar(&opts.Jobs, "jobs", 0, "workers for reading (default: one per core; image fetches use params.mirror.images.jobs)")
	return cmd
}
