package article

import (
	"bytes"
	"path"
	"strings"
	"unicode/utf8"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"golang.org/x/net/html"
)

// BodyFormat is the markup of an article body, which decides the file
// extension of the staged copy and so how Hugo renders it.
type BodyFormat string

const (
	Markdown BodyFormat = "markdown"
	HTML     BodyFormat = "html"
)

// Article is one content file on its way through the stages.
type Article struct {
	// Path is the file's path relative to the content directory, with
	// forward slashes; the staged copy keeps it (up to the extension).
	Path string
	// File names the file in messages, e.g. "content/a.md".
	File string
	// Source holds the bytes as read; stages never change it.
	Source []byte

	FrontMatter FrontMatter
	Body        []byte
	BodyFormat  BodyFormat
	// Doc is the parsed body while the rewriting stages run; nil before
	// and after, so memory never holds every article's tree.
	Doc *html.Node

	// Params are values stages add to the staged front matter (account,
	// source URL, summary...); they win over FrontMatter.Values.
	Params map[string]any

	Findings []Finding
	// Stage names the stage now working on the article; findings it
	// reports are filed under it.
	Stage string
}

// FrontMatter is the decoded front matter plus where it sits in Source.
type FrontMatter struct {
	Format metadecoders.Format
	Values map[string]any
	// Start and End delimit the front matter text (between the delimiters)
	// in Source, so findings can point into it.
	Start, End int
}

// Report records a finding at a byte offset of Source (negative: no position).
func (a *Article) Report(sev Severity, rule string, offset int, message string) {
	f := Finding{File: a.File, Severity: sev, Rule: rule, Message: message, Stage: a.Stage}
	if offset >= 0 {
		f.Line, f.Col = a.Position(offset)
	}
	a.Findings = append(a.Findings, f)
}

// Position turns a byte offset of Source into a 1-based line and column, the
// column counted in characters so it is right for Chinese text.
func (a *Article) Position(offset int) (line, col int) {
	if offset > len(a.Source) {
		offset = len(a.Source)
	}
	before := a.Source[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

// HasErrors says whether a stage found a reason to leave the article out.
func (a *Article) HasErrors() bool {
	for _, f := range a.Findings {
		if f.Severity == Error {
			return true
		}
	}
	return false
}

// SetParam adds a value to the staged front matter.
func (a *Article) SetParam(key string, v any) {
	if a.Params == nil {
		a.Params = map[string]any{}
	}
	a.Params[key] = v
}

// Extensions are the file extensions of articles: the formats fetchers
// write. Files of any other format in content/ are not articles and are
// never published (Hugo would render or copy them without our stages).
var Extensions = []string{".md", ".markdown", ".html", ".htm"}

// IsArticle says whether a content path is an article: a file in one of
// the article formats, not hidden, not a section file. A name starting
// with "_" is an article like any other.
func IsArticle(rel string) bool {
	base := path.Base(rel)
	if strings.HasPrefix(base, ".") || IsSectionFile(base) {
		return false
	}
	return formatOf(rel) != ""
}

// IsSectionFile says whether a file name is a section's (or the home
// page's) index, _index.*, whose front matter (cascade) sets how other
// pages render: the site owner's, never an article.
func IsSectionFile(name string) bool {
	stem := strings.TrimSuffix(name, path.Ext(name))
	return strings.EqualFold(stem, "_index")
}

func formatOf(rel string) BodyFormat {
	switch strings.ToLower(path.Ext(rel)) {
	case ".md", ".markdown":
		return Markdown
	case ".html", ".htm":
		return HTML
	}
	return ""
}
