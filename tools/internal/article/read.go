package article

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/gohugoio/hugo/parser/pageparser"
)

// Rule ids for files whose front matter cannot be read at all.
const (
	RuleNoFrontMatter = "file/no-front-matter"
	RuleUnclosed      = "file/unclosed-front-matter"
	RuleSyntax        = "fm/syntax"
	RuleYAMLEscape    = "fm/yaml-escape"
	RuleTooLarge      = "file/too-large"
)

// TooLarge is an article whose file is over the size limit: not read,
// carrying its error.
func TooLarge(rel, file string, size, limit int64) *Article {
	a := &Article{Path: rel, File: file, BodyFormat: formatOf(rel), Stage: "read"}
	a.Report(Error, RuleTooLarge, -1, fmt.Sprintf("the file is %d bytes, over the limit of %d (limits.maxFileBytes): not read", size, limit))
	return a
}

// Parse reads one content file with Hugo's own page lexer and front matter
// decoders, so that what we see is what Hugo will see. A file that cannot be
// read still yields an Article, carrying an error finding, so a build can
// report it and go on with the others.
func Parse(rel, file string, src []byte) *Article {
	a := &Article{Path: rel, File: file, Source: src, BodyFormat: formatOf(rel), Stage: "read"}
	items, err := pageparser.ParseBytes(src, pageparser.Config{})
	if err != nil {
		a.Report(Error, RuleSyntax, 0, err.Error())
		return a
	}
	fm, bodyStart, ok := a.locateFrontMatter(items)
	if !ok {
		return a
	}
	a.FrontMatter.Format = pageparser.FormatFromFrontMatterType(fm.Type)
	a.FrontMatter.Start = fm.Pos()
	raw := fm.Val(src)
	a.FrontMatter.End = a.FrontMatter.Start + len(raw)
	a.Body = src[bodyStart:]
	values, err := metadecoders.Default.UnmarshalToMap(raw, a.FrontMatter.Format)
	if err != nil {
		a.reportDecodeError(err)
		return a
	}
	a.FrontMatter.Values = values
	return a
}

// locateFrontMatter finds the front matter item and where the body starts.
func (a *Article) locateFrontMatter(items pageparser.Items) (fm pageparser.Item, bodyStart int, ok bool) {
	for i, it := range items {
		switch {
		case it.IsError():
			// The lexer points at the end of the file; the opening
			// delimiter is the useful place to point at.
			a.Report(Error, RuleUnclosed, 0, "front matter opened here is never closed: "+it.Err.Error())
			return fm, 0, false
		case it.IsFrontMatter():
			bodyStart = len(a.Source)
			if i+1 < len(items) && !items[i+1].IsEOF() {
				bodyStart = items[i+1].Pos()
			}
			return it, bodyStart, true
		case it.IsText() && len(it.Val(a.Source)) > 0:
			// Hugo's lexer moves on to the body at the first character
			// that cannot start front matter.
			a.Report(Error, RuleNoFrontMatter, 0, "the file does not start with front matter (---, +++ or {)")
			return fm, 0, false
		}
	}
	a.Report(Error, RuleNoFrontMatter, 0, "the file has no front matter")
	return fm, 0, false
}

// decoderPosition matches the "[line:col]" that YAML and TOML decoders put in
// their messages; JSON errors carry a byte offset instead.
var decoderPosition = regexp.MustCompile(`\[?(?:line )?(\d+):(\d+)\]?`)

// decoderNoise is what Hugo's decoders wrap around the parser's own words.
var decoderNoise = regexp.MustCompile(`^"_stream\.\w+:\d+:\d+": (unmarshal failed: )?|^\[\d+:\d+\] `)

// reportDecodeError turns a decoder's error, positioned within the front
// matter text, into a finding positioned within the file.
func (a *Article) reportDecodeError(err error) {
	detail, _, _ := strings.Cut(err.Error(), "\n")
	msg := fmt.Sprintf("invalid %s front matter: %s", a.FrontMatter.Format, decoderNoise.ReplaceAllString(detail, ""))
	startLine, _ := a.Position(a.FrontMatter.Start)
	rule := RuleSyntax
	if a.FrontMatter.Format == metadecoders.YAML && strings.Contains(detail, "unknown escape character") {
		// Real fetchers write titles such as "招聘助理教授\副教授"; the
		// validator knows how to repair them, so they get their own id.
		rule = RuleYAMLEscape
	}
	f := Finding{File: a.File, Severity: Error, Rule: rule, Message: msg, Line: startLine, Stage: a.Stage}
	if m := decoderPosition.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		raw := a.Source[a.FrontMatter.Start:a.FrontMatter.End]
		f.Line, f.Col = a.Position(a.FrontMatter.Start + offsetInText(raw, line, col))
	}
	a.Findings = append(a.Findings, f)
}

// offsetInText turns a decoder's 1-based line and character column into a
// byte offset of text, counting line breaks as YAML does (LF, CR LF or a lone
// CR), and staying inside text whatever the numbers.
func offsetInText(text []byte, line, col int) int {
	off := 0
	for l := 1; l < line && off < len(text); off++ {
		switch {
		case text[off] == '\n':
			l++
		case text[off] == '\r' && (off+1 == len(text) || text[off+1] != '\n'):
			l++
		}
	}
	for c := 1; c < col && off < len(text) && text[off] != '\n' && text[off] != '\r'; c++ {
		_, size := utf8.DecodeRune(text[off:])
		off += size
	}
	return off
}
