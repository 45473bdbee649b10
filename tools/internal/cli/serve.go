package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/serve"
)

func newServeCmd(g *globals) *cobra.Command {
	var (
		opts     serve.Options
		imgFlags imageFlags
		fetch    bool
	)
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Preview the site on localhost, rebuilding and reloading on every change",
		Long: `serve builds the site into a scratch directory (public/ is left alone),
serves it on localhost, and rebuilds when a file in content/, site/ or
themes/ changes; open pages reload themselves. Unchanged articles come
from the staging cache, so a rebuild stages only what changed.

Images come from the store only, unless --fetch.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			b := &opts.Build
			b.Root, b.ContentDir, b.SiteDir = g.abs(g.root), g.contentDir(), g.siteDir()
			b.Display, b.Log = display, cmd.ErrOrStderr()
			imgFlags.quiet = true
			if err := imgFlags.apply(b, cmd.ErrOrStderr()); err != nil {
				return fail(ExitSetup, err)
			}
			b.Offline = !fetch
			opts.Ready = func(url string) { fmt.Fprintf(cmd.OutOrStdout(), "serving on %s\n", url) }
			opts.Built = func(r *report.Report, err error) {
				report.WriteLines(cmd.ErrOrStderr(), r.Findings, article.Error)
				if err != nil {
					fmt.Fprintf(cmd.ErrOrStderr(), "mirror serve: build failed: %v\n", err)
					return
				}
				fmt.Fprintf(cmd.OutOrStdout(), "built %d pages in %s\n", r.Pages, r.Duration.Round(1e6))
			}
			if err := serve.Run(cmd.Context(), opts); err != nil {
				return fail(ExitFindings, err)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Addr, "listen", "127.0.0.1:1313", "address to serve on (port 0: any free port)")
	f.BoolVar(&fetch, "fetch", false, "fetch images missing from the store")
	f.StringArrayVar(&imgFlags.remap, "remap-host", nil, "with --fetch: send requests for `HOST=BASEURL` elsewhere")
	return cmd
}
