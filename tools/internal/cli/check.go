package cli

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/capture"
	"github.com/archivemirror/mirror/tools/internal/images/fetch"
	"github.com/archivemirror/mirror/tools/internal/status"
)

func newCheckCmd(g *globals) *cobra.Command {
	var (
		opts  status.Options
		rate  float64
		only  string
		remap []string
		quiet bool
	)
	cmd := &cobra.Command{
		Use:   "check",
		Short: "Check whether the archived articles' originals still exist, and record it",
		Long: `check asks WeChat for each archived article's original (its source URL)
and records what it finds in site/data/status/: live, deleted (by the
publisher), violation (removed for violating regulations), privacy (hidden
by its author), account-gone, unavailable (a captcha, rate limited, 5xx, a
page it does not know: unknown, try later) or error (the network). The
archive then shows it: a notice on the article ("原文已被发布者删除 · … 检测"),
the page of vanished originals and its feed, counts on the About page.

A status keeps the date it was first seen (since); an unavailable or error
answer never overwrites a known status. One request at a time, at --rate
per second to a host (default 1); the least recently checked first (never
checked before all); the record is saved after each answer, so an
interrupted check keeps what it found and the next goes on from there.
After three captchas or 429s in a row it stops rather than hammer. Two
checks never run at once (a lock). It needs the network; mirror build
does not.

Exit codes: 0 done, 1 stopped early (refused, interrupted), 2 could not run.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if rate <= 0 {
				return fail(ExitSetup, errors.New("--rate must be positive"))
			}
			opts.Only = status.Status(only)
			if only != "" && !slices.Contains(status.Statuses, opts.Only) {
				return fail(ExitSetup, fmt.Errorf("--only %q: want one of %v", only, status.Statuses))
			}
			remapped, err := parseRemap(remap)
			if err != nil {
				return fail(ExitSetup, err)
			}
			release, err := status.Lock(g.siteDir())
			if err != nil {
				return fail(ExitSetup, err)
			}
			defer release()
			store, err := status.Load(g.siteDir())
			if err != nil {
				return fail(ExitSetup, err)
			}
			originals, err := status.Originals(g.contentDir())
			if err != nil {
				return fail(ExitSetup, err)
			}
			f := capture.NewFetcher(remapped)
			c := &status.Checker{Capture: f.Capture, Rate: rate, Now: time.Now, Sleep: fetch.Sleep, Backoff: 30 * time.Second, MaxRefusals: 3}
			if !quiet {
				c.Progress = newUploadProgress(cmd.ErrOrStderr(), "checked")
			}
			sum, err := c.Run(cmd.Context(), store, originals, opts)
			out := cmd.OutOrStdout()
			if opts.DryRun {
				for _, o := range sum.Selected {
					fmt.Fprintf(out, "would check %s (%s)\n", display(o.File), o.Source)
				}
			}
			for _, ch := range sum.Changed {
				from := string(ch.From)
				if from == "" {
					from = "unchecked"
				}
				fmt.Fprintf(out, "%s: %s → %s\n", display(ch.File), from, ch.To)
			}
			fmt.Fprintf(out, "%d checked, %d changed, %d sources not WeChat articles; recorded: %v\n", sum.Checked, len(sum.Changed), sum.Skipped, store.Counts())
			if err != nil {
				return fail(ExitFindings, fmt.Errorf("%w (what was found is saved; run again to go on)", err))
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.IntVar(&opts.Limit, "limit", 0, "check the `N` least recently checked originals only (0: all)")
	f.Float64Var(&rate, "rate", 1, "requests per second to a host")
	f.DurationVar(&opts.Since, "since", 0, "only originals not checked for this long, e.g. 168h")
	f.StringVar(&only, "only", "", "only originals last found with this `STATUS` (e.g. live, unavailable)")
	f.BoolVar(&opts.DryRun, "dry-run", false, "list what would be checked; ask nothing, record nothing")
	f.StringArrayVar(&remap, "remap-host", nil, "send requests for `HOST=BASEURL` to BASEURL (a proxy, a test server); repeatable")
	f.BoolVar(&quiet, "quiet", false, "no progress output")
	return cmd
}
