package report

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// WriteLines prints findings one per line, file:line:col: severity rule:
// message, in file order, skipping those below min.
func WriteLines(w io.Writer, findings []article.Finding, min article.Severity) {
	for _, f := range findings {
		if f.Severity >= min {
			fmt.Fprintln(w, f)
		}
	}
}

// WriteGitHub prints findings as GitHub Actions workflow commands, so a pull
// request shows each one on its line.
func WriteGitHub(w io.Writer, findings []article.Finding) {
	for _, f := range findings {
		level := map[article.Severity]string{article.Error: "error", article.Warning: "warning", article.Info: "notice"}[f.Severity]
		props := "file=" + escapeProperty(f.File)
		if f.Line > 0 {
			props += fmt.Sprintf(",line=%d", f.Line)
		}
		if f.Col > 0 {
			props += fmt.Sprintf(",col=%d", f.Col)
		}
		props += ",title=" + escapeProperty(f.Rule)
		fmt.Fprintf(w, "::%s %s::%s\n", level, props, escapeData(f.Message))
	}
}

// Escaping as the Actions toolkit does it (@actions/core command.ts).
func escapeData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

func escapeProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// Counts is how many findings of each severity, and how many --fix can
// repair, in how many files.
type Counts struct {
	Files    int `json:"files"`
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Infos    int `json:"info"`
	Fixable  int `json:"fixable"`
}

// Count tallies findings.
func Count(files int, findings []article.Finding) Counts {
	c := Counts{Files: files}
	for _, f := range findings {
		switch f.Severity {
		case article.Error:
			c.Errors++
		case article.Warning:
			c.Warnings++
		default:
			c.Infos++
		}
		if f.Fixable {
			c.Fixable++
		}
	}
	return c
}

func (c Counts) String() string {
	s := fmt.Sprintf("%s checked: %s, %s, %s", Plural(c.Files, "file"), Plural(c.Errors, "error"), Plural(c.Warnings, "warning"), thousands(c.Infos)+" info")
	if c.Fixable > 0 {
		s += fmt.Sprintf(" (%d fixable with --fix)", c.Fixable)
	}
	return s
}

// WriteRuleSummary prints one line per rule for findings of severity sev:
// how many files, and what the build did about it ("13 files: fm/draft-type:
// draft is not a boolean; read as that boolean").
func WriteRuleSummary(w io.Writer, findings []article.Finding, sev article.Severity, describe func(rule string) string) {
	files := map[string]map[string]bool{}
	for _, f := range findings {
		if f.Severity != sev {
			continue
		}
		if files[f.Rule] == nil {
			files[f.Rule] = map[string]bool{}
		}
		files[f.Rule][f.File] = true
	}
	rules := make([]string, 0, len(files))
	for r := range files {
		rules = append(rules, r)
	}
	sort.Strings(rules)
	for _, r := range rules {
		fmt.Fprintf(w, "%s: %s %s: %s\n", Plural(len(files[r]), "file"), sev, r, describe(r))
	}
}

// Plural writes n and the noun, with thousands separated: "1,234 files".
func Plural(n int, noun string) string {
	if n != 1 {
		noun += "s"
	}
	return thousands(n) + " " + noun
}

func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
