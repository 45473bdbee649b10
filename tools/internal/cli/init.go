package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/archivemirror/mirror/tools/internal/scaffold"
)

func newInitCmd(g *globals) *cobra.Command {
	var (
		opts       scaffold.InitOptions
		hosts      string
		categories string
	)
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Make this copy of the template your own mirror",
		Long: `init writes the mirror's identity into site/hugo.toml: its title,
description, base URL (where it is published, e.g.
https://user.github.io/archive/), language (with the site's own texts,
title, description, About and footer, in that language unless they are
your own), the image hosts to localize,
and the archive's categories (--categories, or --categories-from-content
to take them from the articles already there; they replace the examples'
four). On a terminal it asks for what the flags do not give. --clear-examples
removes the example articles, the stored images only they show and their
link equivalences.

Running it again with the same flags changes nothing. Once the mirror has
articles of its own, init refuses to change its identity unless --force
(the categories change any time).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.Root = g.abs(g.root)
			if hosts != "" {
				opts.ImageHosts = splitList(hosts)
			}
			opts.Categories = splitList(categories)
			if isTerminal(cmd.InOrStdin()) {
				current, err := scaffold.ReadCurrent(opts.Root)
				if err != nil {
					return fail(ExitSetup, err)
				}
				ask(cmd, &opts, current)
			}
			res, err := scaffold.Init(cmd.Context(), opts)
			for _, s := range res.Settings {
				fmt.Fprintf(cmd.OutOrStdout(), "site/hugo.toml: %s\n", s)
			}
			for _, f := range res.Removed {
				fmt.Fprintf(cmd.OutOrStdout(), "removed %s\n", f)
			}
			for _, n := range res.Notes {
				fmt.Fprintf(cmd.OutOrStdout(), "site/hugo.toml: %s\n", n)
			}
			if errors.Is(err, scaffold.ErrRealArticles) {
				return fail(ExitFindings, err)
			}
			if err != nil {
				return fail(ExitSetup, err)
			}
			if len(res.Settings) == 0 && len(res.Removed) == 0 {
				fmt.Fprintln(cmd.OutOrStdout(), "nothing to change")
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&opts.Title, "title", "", "the site's title")
	f.StringVar(&opts.Description, "description", "", "one sentence about the archive")
	f.StringVar(&opts.BaseURL, "base-url", "", "where the site is published, e.g. https://user.github.io/archive/")
	f.StringVar(&opts.Language, "language", "", "the site's language, e.g. zh-CN or en-US")
	f.StringVar(&hosts, "image-hosts", "", "comma-separated image hosts to localize (\"*\": every public host)")
	f.BoolVar(&opts.ClearExamples, "clear-examples", false, "remove the example articles, their images and link equivalences")
	f.BoolVar(&opts.Force, "force", false, "change the settings of a mirror that has its own articles")
	f.StringVar(&categories, "categories", "", "comma-separated categories of the archive (replacing the examples' four)")
	f.BoolVar(&opts.CategoriesFromContent, "categories-from-content", false, "take the categories from the mirror's own articles")
	return cmd
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ask asks on the terminal for what the flags did not give, showing what
// Enter keeps (current); one reader for every answer, so none is lost to
// another's buffer.
func ask(cmd *cobra.Command, opts *scaffold.InitOptions, current scaffold.Current) {
	id := &opts.Identity
	in := bufio.NewReader(cmd.InOrStdin())
	prompt := func(label string, v *string, now string) {
		if *v != "" {
			return
		}
		if now == "" {
			now = "unset"
		}
		fmt.Fprintf(cmd.OutOrStdout(), "%s [%s]: ", label, now)
		line, _ := in.ReadString('\n')
		*v = strings.TrimSpace(line)
	}
	prompt("Title", &id.Title, current.Title)
	prompt("Description", &id.Description, current.Description)
	prompt("Base URL, e.g. https://user.github.io/archive/", &id.BaseURL, current.BaseURL)
	prompt("Language, e.g. zh-CN", &id.Language, current.Language)
	if len(id.ImageHosts) == 0 {
		var hosts string
		prompt("Image hosts, comma-separated", &hosts, strings.Join(current.ImageHosts, ","))
		id.ImageHosts = splitList(hosts)
	}
	if len(opts.Categories) == 0 && !opts.CategoriesFromContent {
		var cats string
		prompt("Categories, comma-separated", &cats, strings.Join(current.Categories, ","))
		opts.Categories = splitList(cats)
	}
}

func newNewArticleCmd(g *globals) *cobra.Command {
	var (
		n        scaffold.NewArticle
		date     string
		htmlFile string
		tags     string
	)
	cmd := &cobra.Command{
		Use:   "new-article",
		Short: "Create a correctly formed content file for an article added by hand",
		Long: `new-article writes content/DATE_HASH.md in the format the fetcher writes
(front matter, the "TITLE by ACCOUNT" line, the HTML body, the 原文链接
footer), so every stage treats it like any fetched article. The body comes
from --html FILE (or - for standard input); without it the body is empty,
to fill in.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if date != "" {
				d, err := time.Parse(time.RFC3339, date)
				if err != nil {
					if d, err = time.Parse("2006-01-02", date); err != nil {
						return fail(ExitSetup, fmt.Errorf("--date %q: want 2006-01-02 or RFC 3339", date))
					}
				}
				n.Date = d
			}
			if htmlFile != "" {
				var data []byte
				var err error
				if htmlFile == "-" {
					data, err = io.ReadAll(cmd.InOrStdin())
				} else {
					data, err = os.ReadFile(htmlFile)
				}
				if err != nil {
					return fail(ExitSetup, err)
				}
				n.HTML = string(data)
			}
			n.Tags = splitList(tags)
			p, err := n.Write(g.contentDir())
			if err != nil {
				return fail(ExitSetup, err)
			}
			fmt.Fprintln(cmd.OutOrStdout(), display(p))
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&n.Title, "title", "", "the article's title (required)")
	f.StringVar(&n.Account, "account", "", "the source account or site (required)")
	f.StringVar(&n.Category, "category", "", "its category")
	f.StringVar(&n.Source, "source", "", "its original URL")
	f.StringVar(&date, "date", "", "its date (default: now)")
	f.StringVar(&tags, "tags", "", "comma-separated extra tags")
	f.StringVar(&htmlFile, "html", "", "read the body's HTML from `FILE` (- for standard input)")
	cmd.MarkFlagRequired("title")
	cmd.MarkFlagRequired("account")
	return cmd
}
