package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/links"
)

func newLinksCmd(g *globals) *cobra.Command {
	var (
		format      string
		onlyMissing bool
	)
	cmd := &cobra.Command{
		Use:   "links",
		Short: "Report the archive's links: rewritten, to articles not archived, leading nowhere",
		Long: `links scans every article's links, as the build does, and reports:

  - how many lead into the archive (the build makes them local links),
  - the WeChat articles cited but not in the archive, most cited first, with
    the articles citing each: what to archive next,
  - links that lead nowhere in the mirror (relative links into the source
    site, links to an article left out of the build).

An article is known by its source URL (front matter "source", else the
fetcher's 原文链接 footer), the URLs in its front matter "sources" list, and
the groups of equivalent URLs in site/data/links.yaml.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if format != "text" && format != "json" {
				return fail(ExitSetup, fmt.Errorf("--format must be text or json, not %q", format))
			}
			opts := build.Options{Root: g.abs(g.root), ContentDir: g.contentDir(), SiteDir: g.siteDir(), Display: display}
			r, graph, err := build.Links(cmd.Context(), opts)
			if errors.Is(err, build.ErrSetup) {
				return fail(ExitSetup, err)
			}
			if err != nil {
				return fail(ExitFindings, err)
			}
			return writeLinks(cmd.OutOrStdout(), format, graph, recaptures(r.Findings), onlyMissing)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	cmd.Flags().BoolVar(&onlyMissing, "missing", false, "only what is missing: articles cited but not archived, captures to take again")
	return cmd
}

// recaptures are the content files to capture again: cut short, or
// WeChat's page in place of the article.
func recaptures(findings []article.Finding) []string {
	files := []string{}
	for _, f := range findings {
		if strings.HasPrefix(f.Rule, "capture/") && !slices.Contains(files, f.File) {
			files = append(files, f.File)
		}
	}
	return files
}

func writeLinks(w io.Writer, format string, g *links.Graph, recapture []string, onlyMissing bool) error {
	missing, broken := g.Missing(), g.Broken()
	if onlyMissing {
		broken = nil
	}
	if format == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Counts    links.Counts    `json:"counts"`
			Missing   []links.Missing `json:"missing"`
			Recapture []string        `json:"recapture"`
			Broken    []links.Broken  `json:"broken"`
		}{g.Counts(), missing, recapture, broken})
	}
	if !onlyMissing {
		fmt.Fprintln(w, g.Counts())
	}
	if len(recapture) > 0 {
		fmt.Fprintf(w, "\nTo capture again (cut short, or not the article) (%d):\n", len(recapture))
		for _, f := range recapture {
			fmt.Fprintf(w, "  %s\n", f)
		}
	}
	if len(missing) > 0 {
		fmt.Fprintf(w, "\nCited but not archived (%d):\n", len(missing))
		for _, m := range missing {
			fmt.Fprintf(w, "  %s\n    cited by %d: %s\n", m.URL, len(m.CitedBy), strings.Join(m.CitedBy, ", "))
		}
	}
	if len(broken) > 0 {
		fmt.Fprintf(w, "\nLeading nowhere (%d):\n", len(broken))
		for _, b := range broken {
			fmt.Fprintf(w, "  %s: %s: %s\n", b.File, b.Href, b.Reason)
		}
	}
	return nil
}
