package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"text/tabwriter"

	"github.com/spf13/afero"
	"github.com/spf13/cobra"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/report"
	"github.com/archivemirror/mirror/tools/internal/safefile"
	"github.com/archivemirror/mirror/tools/internal/search"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

type validateFlags struct {
	format      string
	fix, dryRun bool
	rules       bool
	jobs        int
}

func newValidateCmd(g *globals) *cobra.Command {
	var vf validateFlags
	cmd := &cobra.Command{
		Use:   "validate [PATH...]",
		Short: "Check the articles' front matter and files; --fix repairs what is safe",
		Long: `validate checks every article under the given files or directories (default:
the content directory) and prints one line per finding:

  content/a.md:3:8: warning fm/draft-type: draft is ["false"], not a boolean; read as false

then a summary line. The rules and the site's settings for them
([params.mirror.validate] in site/hugo.toml) are listed by --rules and in
the README.

--fix repairs the fixable findings in place (a draft written as a list, a
byte order mark, CR LF line ends, an unknown escape in a YAML string...),
changing only the bytes that need it and writing each file atomically, then
prints what it changed. --dry-run prints the changes without writing.

Exit codes: 0 no errors, 1 errors remain, 2 could not run.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if vf.rules {
				writeRules(cmd.OutOrStdout())
				return nil
			}
			return runValidate(cmd, g, vf, args)
		},
	}
	f := cmd.Flags()
	f.StringVar(&vf.format, "format", "text", "output format: text, json or github (workflow annotations)")
	f.BoolVar(&vf.fix, "fix", false, "repair the fixable findings in place")
	f.BoolVar(&vf.dryRun, "dry-run", false, "with --fix: show the changes without writing")
	f.BoolVar(&vf.rules, "rules", false, "list the rules and exit")
	f.IntVar(&vf.jobs, "jobs", 0, "workers (default: one per core)")
	return cmd
}

func runValidate(cmd *cobra.Command, g *globals, vf validateFlags, args []string) error {
	if vf.format != "text" && vf.format != "json" && vf.format != "github" {
		return fail(ExitSetup, fmt.Errorf("--format must be text, json or github, not %q", vf.format))
	}
	cfg, err := config.Load(g.siteDir())
	if err != nil {
		return fail(ExitSetup, err)
	}
	checker := validate.New(cfg.Validate, cfg.Taxonomies)
	articles, refused, err := readArticles(cmd, g, args, vf.jobs, cfg.Limits)
	if err != nil {
		return fail(ExitSetup, err)
	}
	var changes []fileChanges
	if vf.fix {
		if changes, err = fixArticles(articles, vf.dryRun); err != nil {
			return fail(ExitSetup, err)
		}
	}
	checker.Limits = cfg.Limits
	checker.Reserve(cfg.Reserved(search.Dir))
	for _, a := range articles {
		checker.Check(cmd.Context(), a)
	}
	checker.CheckArchive(validate.Items(articles))
	findings := refused
	for _, a := range articles {
		findings = append(findings, a.Findings...)
	}
	r := &report.Report{Findings: findings}
	r.Sort()
	counts := report.Count(len(articles), r.Findings)
	if err := writeValidation(cmd.OutOrStdout(), vf.format, r.Findings, changes, counts); err != nil {
		return fail(ExitSetup, err)
	}
	if counts.Errors > 0 {
		return fail(ExitFindings, fmt.Errorf("validation found %s", report.Plural(counts.Errors, "error")))
	}
	return nil
}

// readArticles reads the articles under each path (file or directory),
// or the content directory when none is given, and names the files of
// those directories that are not articles.
func readArticles(cmd *cobra.Command, g *globals, paths []string, jobs int, limits article.Limits) ([]*article.Article, []article.Finding, error) {
	if len(paths) == 0 {
		paths = []string{g.contentDir()}
	}
	var all []*article.Article
	var refused []article.Finding
	for _, p := range paths {
		abs := g.abs(p)
		info, err := os.Lstat(abs)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: no such file or directory", p)
		}
		dir := content.Dir{Root: filepath.Dir(abs), Articles: []string{filepath.Base(abs)}}
		if info.IsDir() {
			if dir, err = content.List(abs); err != nil {
				return nil, nil, err
			}
		}
		for _, r := range dir.Refused {
			refused = append(refused, r.Finding(display(filepath.Join(dir.Root, filepath.FromSlash(r.Path)))))
		}
		dir.MaxFileBytes = limits.MaxFileBytes
		articles, err := dir.Read(cmd.Context(), jobs, display)
		if err != nil {
			return nil, nil, err
		}
		all = append(all, articles...)
	}
	return all, refused, nil
}

// fileChanges is what --fix changed, or would change, in one file.
type fileChanges struct {
	File    string            `json:"file"`
	Changes []validate.Change `json:"changes"`
}

// fixArticles repairs each article's file and re-reads it, so the findings
// reported afterwards are those that remain.
func fixArticles(articles []*article.Article, dryRun bool) ([]fileChanges, error) {
	var all []fileChanges
	for i, a := range articles {
		fixed, changes := validate.Fix(a.Source)
		if len(changes) == 0 {
			continue
		}
		all = append(all, fileChanges{File: a.File, Changes: changes})
		if dryRun {
			continue
		}
		info, err := os.Stat(a.File)
		if err != nil {
			return all, err
		}
		if err := safefile.Write(afero.NewOsFs(), a.File, fixed, info.Mode().Perm()); err != nil {
			return all, fmt.Errorf("%s: %w", a.File, err)
		}
		articles[i] = article.Parse(a.Path, a.File, fixed)
	}
	return all, nil
}

func writeValidation(w io.Writer, format string, findings []article.Finding, changes []fileChanges, counts report.Counts) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Findings []article.Finding `json:"findings"`
			Fixed    []fileChanges     `json:"fixed,omitempty"`
			Counts   report.Counts     `json:"counts"`
		}{append([]article.Finding{}, findings...), changes, counts})
	case "github":
		report.WriteGitHub(w, findings)
	default:
		writeChanges(w, changes)
		report.WriteLines(w, findings, article.Info)
	}
	fmt.Fprintln(w, counts)
	return nil
}

// writeChanges prints what --fix changed as a small diff per change.
func writeChanges(w io.Writer, files []fileChanges) {
	for _, fc := range files {
		for _, c := range fc.Changes {
			if c.Before == "" && c.After == "" {
				fmt.Fprintf(w, "%s: fixed %s: %s\n", fc.File, c.Rule, c.Note)
				continue
			}
			fmt.Fprintf(w, "%s:%d: fixed %s\n-%s\n+%s\n", fc.File, c.Line, c.Rule, c.Before, c.After)
		}
	}
}

func writeRules(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tSEVERITY\tFIX\tWHAT IT CHECKS")
	for _, r := range validate.Rules {
		fix := ""
		if r.Fixable {
			fix = "--fix"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, fix, r.Doc)
	}
	tw.Flush()
}
