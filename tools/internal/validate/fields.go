package validate

import (
	"bytes"
	"encoding/json"
	"regexp"
	"unicode/utf8"

	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/gohugoio/hugo/parser/metadecoders"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// field is where one top-level front matter key and its value sit in the
// article's Source, as byte offsets.
type field struct {
	Key                  string
	KeyStart             int
	ValueStart, ValueEnd int
}

// fields locates the top-level keys of the front matter. It only serves
// positions and edits: values always come from Hugo's decoders.
func fields(a *article.Article) map[string]field {
	fm := a.FrontMatter
	raw := a.Source[fm.Start:fm.End]
	var out []field
	switch fm.Format {
	case metadecoders.YAML:
		out = yamlFields(raw)
	case metadecoders.TOML:
		out = tomlFields(raw)
	case metadecoders.JSON:
		out = jsonFields(raw)
	}
	m := make(map[string]field, len(out))
	for _, f := range out {
		f.KeyStart += fm.Start
		f.ValueStart += fm.Start
		f.ValueEnd += fm.Start
		m[f.Key] = f
	}
	return m
}

func yamlFields(raw []byte) []field {
	file, err := parser.ParseBytes(raw, 0)
	if err != nil || len(file.Docs) == 0 {
		return nil
	}
	var pairs []*ast.MappingValueNode
	switch body := file.Docs[0].Body.(type) {
	case *ast.MappingNode:
		pairs = body.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{body}
	}
	lines := lineStarts(raw)
	var out []field
	for i, mv := range pairs {
		kt, vt := mv.Key.GetToken(), mv.Value.GetToken()
		if kt == nil || vt == nil {
			continue
		}
		f := field{
			Key:        kt.Value,
			KeyStart:   offsetOf(raw, lines, kt.Position.Line, kt.Position.Column),
			ValueStart: offsetOf(raw, lines, vt.Position.Line, vt.Position.Column),
		}
		if _, isNull := mv.Value.(*ast.NullNode); isNull {
			f.ValueStart = f.KeyStart + len(f.Key) + 1
			f.ValueEnd = f.ValueStart
		} else {
			limit := len(raw)
			if i+1 < len(pairs) {
				if nt := pairs[i+1].Key.GetToken(); nt != nil {
					limit = offsetOf(raw, lines, nt.Position.Line, 1)
				}
			}
			f.ValueEnd = valueEnd(raw, f.ValueStart, limit)
		}
		out = append(out, f)
	}
	return out
}

// tomlKey matches a top-level key line: bare or quoted key, then "=".
var tomlKey = regexp.MustCompile(`(?m)^[ \t]*([A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')[ \t]*=[ \t]*`)

// tomlTable matches the first table header, after which keys are no longer
// top-level.
var tomlTable = regexp.MustCompile(`(?m)^[ \t]*\[`)

func tomlFields(raw []byte) []field {
	top := raw
	if loc := tomlTable.FindIndex(raw); loc != nil {
		top = raw[:loc[0]]
	}
	var out []field
	for _, m := range tomlKey.FindAllSubmatchIndex(top, -1) {
		key := string(raw[m[2]:m[3]])
		if key[0] == '"' || key[0] == '\'' {
			key = key[1 : len(key)-1]
		}
		end := valueEnd(raw, m[1], len(top))
		out = append(out, field{Key: key, KeyStart: m[2], ValueStart: m[1], ValueEnd: end})
	}
	return out
}

func jsonFields(raw []byte) []field {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return nil
	}
	var out []field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return out
		}
		key, _ := t.(string)
		keyEnd := int(dec.InputOffset())
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		end := int(dec.InputOffset())
		out = append(out, field{
			Key:        key,
			KeyStart:   bytes.LastIndexByte(raw[:keyEnd-1], '"'),
			ValueStart: end - len(v),
			ValueEnd:   end,
		})
	}
	return out
}

// valueEnd finds where a value that starts at start ends, no further than
// limit: a bracketed or quoted value ends at its closing character; any other
// ends at the end of its line, before a comment; a value continued on the
// following lines (a YAML block) ends at its last non-blank line.
func valueEnd(raw []byte, start, limit int) int {
	if start >= limit {
		return start
	}
	switch raw[start] {
	case '[', '{':
		if end := closeBracket(raw, start, limit); end > 0 {
			return end
		}
	case '"', '\'':
		if end := closeQuote(raw, start, limit); end > 0 {
			return end
		}
	}
	lineEnd := bytes.IndexByte(raw[start:limit], '\n')
	if lineEnd < 0 {
		lineEnd = limit - start
	}
	if raw[start] == '-' || raw[start] == '|' || raw[start] == '>' {
		// A block: everything up to the next key, less trailing blanks.
		return start + len(bytes.TrimRight(raw[start:limit], " \t\r\n"))
	}
	line := raw[start : start+lineEnd]
	if i := bytes.Index(line, []byte(" #")); i >= 0 {
		line = line[:i]
	}
	return start + len(bytes.TrimRight(line, " \t\r"))
}

// closeBracket returns the offset just past the bracket closing the one at
// start, skipping quoted text, or -1.
func closeBracket(raw []byte, start, limit int) int {
	depth := 0
	for i := start; i < limit; i++ {
		switch raw[i] {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'':
			end := closeQuote(raw, i, limit)
			if end < 0 {
				return -1
			}
			i = end - 1
		}
	}
	return -1
}

// closeQuote returns the offset just past the quote closing the one at
// start, or -1. Double quotes use backslash escapes; single quotes double
// themselves.
func closeQuote(raw []byte, start, limit int) int {
	q := raw[start]
	for i := start + 1; i < limit; i++ {
		switch {
		case q == '"' && raw[i] == '\\':
			i++
		case raw[i] == q && q == '\'' && i+1 < limit && raw[i+1] == '\'':
			i++
		case raw[i] == q:
			return i + 1
		}
	}
	return -1
}

// lineStarts returns the offset of the start of each line.
func lineStarts(raw []byte) []int {
	starts := []int{0}
	for i, b := range raw {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// offsetOf turns a 1-based line and character column into a byte offset.
func offsetOf(raw []byte, lines []int, line, col int) int {
	if line < 1 || line > len(lines) {
		return 0
	}
	off := lines[line-1]
	for c := 1; c < col && off < len(raw) && raw[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(raw[off:])
		off += size
	}
	return off
}
