package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/capture"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/links"
)

// captureFlags are what fetch and import share.
type captureFlags struct {
	category string
	remap    []string
	event    string
}

func (f *captureFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.category, "category", "", "the articles' category (default: a label of the issue that is one of the site's categories)")
	cmd.Flags().StringVar(&f.event, "github-event", "", "the GitHub issues or issue_comment event `FILE` ($GITHUB_EVENT_PATH): the article's URL from the issue, the category from its labels")
}

// readEvent reads --github-event, and takes the category from the issue's
// labels when --category is not set.
func (f *captureFlags) readEvent(g *globals) (capture.Event, error) {
	e, err := capture.ReadEvent(f.event)
	if err != nil {
		return e, err
	}
	if f.category == "" {
		cfg, err := config.Load(g.siteDir())
		if err != nil {
			return e, err
		}
		f.category = e.Category(cfg.Validate.Categories)
	}
	return e, nil
}

func newFetchCmd(g *globals) *cobra.Command {
	var (
		flags captureFlags
		from  string
	)
	cmd := &cobra.Command{
		Use:   "fetch [URL...]",
		Short: "Fetch WeChat articles into content/ (never through a shell)",
		Long: `fetch fetches WeChat article pages (https://mp.weixin.qq.com/s/TOKEN or
/s?__biz=…&mid=…) and writes one content file each, at
content/posts/YYYY/MM/SLUG.md, SLUG from the article's URL: title, account
(a tag and the account param), publish time (WeChat's, in UTC+8), digest,
the canonical long URL as source (and the short one fetched as sources,
also recorded in site/data/links.yaml so links in either form resolve),
the fetch time, and the body as published (#js_content), draft: false.
The file's YAML parses back to exactly what the page says, whatever its
characters.

The same article again rewrites its file only if it changed; another
article never overwrites it. WeChat's pages for an article deleted,
removed for a violation, hidden, failed to send, expired, an account gone,
or its captcha ("环境异常") are refused with their rule (capture/deleted…),
and nothing is written. Polite: one request at a time, retries with
backoff, a timeout, a size cap, no cookies. --remap-host sends requests to
a proxy or a test server.

Exit codes: 0 every URL captured, 1 some refused or failed, 2 could not run.`,
		RunE: func(cmd *cobra.Command, urls []string) error {
			if flags.event != "" {
				e, err := flags.readEvent(g)
				if err != nil {
					return fail(ExitSetup, err)
				}
				urls = append(urls, e.URL)
			}
			if from != "" {
				more, err := readURLs(from)
				if err != nil {
					return fail(ExitSetup, err)
				}
				urls = append(urls, more...)
			}
			if len(urls) == 0 {
				return fail(ExitSetup, errors.New("no URL: give some, --from FILE or --github-event FILE"))
			}
			remap, err := parseRemap(flags.remap)
			if err != nil {
				return fail(ExitSetup, err)
			}
			f := capture.NewFetcher(remap)
			return captureAll(cmd, g, flags, urls, func(ctx context.Context, u string) (capture.Capture, error) { return f.Capture(ctx, u) })
		},
	}
	flags.register(cmd)
	cmd.Flags().StringArrayVar(&flags.remap, "remap-host", nil, "send requests for `HOST=BASEURL` to BASEURL (a proxy, a test server); repeatable")
	cmd.Flags().StringVar(&from, "from", "", "read more URLs from `FILE`, one a line (# for comments)")
	return cmd
}

func newImportCmd(g *globals) *cobra.Command {
	var (
		flags   captureFlags
		htmlIn  string
		pageURL string
		feed    string
	)
	cmd := &cobra.Command{
		Use:   "import (--html FILE --url URL | --github-event FILE | --feed FILE)",
		Short: "Write a content file from a saved WeChat page or an issue's capture comment",
		Long: `import writes a content file, as fetch does and checked the same way (an
interstitial is refused with its rule and nothing is written), from:

  --html FILE --url URL   a WeChat article page saved from a browser; URL is
                          where it was saved from (its canonical URL, when
                          the page names one, is the source)
  --github-event FILE     an issue_comment event whose comment is a fetcher's
                          capture (a whole page, or the article's HTML with
                          the issue's title and URL); the category from the
                          issue's labels
  --feed FILE             a JSON Feed or Atom file with the articles' full
                          text, as WeChat-to-RSS services publish: a file per
                          item, the account the item's author or the feed's
                          title

Nothing goes through a shell: titles and bodies of any characters are
written as YAML that parses back to exactly themselves.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if flags.event != "" {
				e, err := flags.readEvent(g)
				if err != nil {
					return fail(ExitSetup, err)
				}
				return captureAll(cmd, g, flags, []string{e.URL}, func(context.Context, string) (capture.Capture, error) { return e.FromComment() })
			}
			if feed != "" {
				items, err := capture.ReadFeed(feed)
				if err != nil {
					return fail(ExitSetup, err)
				}
				byURL := map[string]capture.FeedItem{}
				var urls []string
				for i, it := range items {
					key := fmt.Sprintf("%s#%d", it.URL, i)
					byURL[key], urls = it, append(urls, key)
				}
				return captureAll(cmd, g, flags, urls, func(_ context.Context, key string) (capture.Capture, error) {
					return byURL[key].Capture, byURL[key].Err
				})
			}
			if htmlIn == "" || pageURL == "" {
				return fail(ExitSetup, errors.New("import needs --html FILE and --url URL, --github-event FILE or --feed FILE"))
			}
			page, err := os.ReadFile(htmlIn)
			if err != nil {
				return fail(ExitSetup, err)
			}
			return captureAll(cmd, g, flags, []string{pageURL}, func(_ context.Context, u string) (capture.Capture, error) {
				return capture.ParseWeChat(page, u)
			})
		},
	}
	flags.register(cmd)
	cmd.Flags().StringVar(&htmlIn, "html", "", "the saved page, `FILE`")
	cmd.Flags().StringVar(&pageURL, "url", "", "the page's `URL`")
	cmd.Flags().StringVar(&feed, "feed", "", "a JSON Feed or Atom `FILE` with full text")
	return cmd
}

// captureAll captures each URL and writes its content file, reporting
// each on a line; refused or failed ones make the exit status 1.
func captureAll(cmd *cobra.Command, g *globals, flags captureFlags, urls []string, get func(context.Context, string) (capture.Capture, error)) error {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	failed := 0
	for _, u := range urls {
		c, err := get(cmd.Context(), u)
		if err == nil {
			err = write(out, g, flags, c)
		}
		if err != nil {
			failed++
			fmt.Fprintf(errOut, "%s: %v\n", u, err)
		}
	}
	if failed > 0 {
		return fail(ExitFindings, fmt.Errorf("%d of %d not captured", failed, len(urls)))
	}
	return nil
}

// write writes a capture's content file and records a short link's long
// URL.
func write(out io.Writer, g *globals, flags captureFlags, c capture.Capture) error {
	w, err := capture.Write(c, capture.Options{ContentDir: g.contentDir(), Category: flags.category, Now: time.Now(), Bookkeeping: []string{"fetched"}})
	if err != nil {
		return err
	}
	if c.Fetched != "" {
		if _, err := links.AddEquivalence(g.siteDir(), c.Fetched, c.Source); err != nil {
			return err
		}
	}
	verb := "unchanged"
	switch {
	case w.Created:
		verb = "wrote"
	case w.Changed:
		verb = "updated"
	}
	fmt.Fprintf(out, "%s %s (%s)\n", verb, display(w.Path), c.Title)
	if c.Truncated {
		fmt.Fprintf(out, "  warning capture/truncated: %s looks cut short: capture it again\n", display(w.Path))
	}
	return nil
}

// readURLs reads a file of URLs, one a line.
func readURLs(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var urls []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); line != "" && !strings.HasPrefix(line, "#") {
			urls = append(urls, line)
		}
	}
	return urls, s.Err()
}
