package validate

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"

	"github.com/gohugoio/hugo/parser/metadecoders"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Change is one repair --fix made, for people: the rule, the line, and the
// line before and after (empty for changes that touch every line).
type Change struct {
	Rule   string `json:"rule"`
	Line   int    `json:"line,omitempty"`
	Before string `json:"before,omitempty"`
	After  string `json:"after,omitempty"`
	Note   string `json:"note,omitempty"`
}

// edit replaces src[start:end] with text. For a front matter value, key and
// want say what the key must read as after the edit.
type edit struct {
	start, end int
	text       string
	rule       string
	key        string
	want       any
}

// Fix repairs what can be repaired safely in a content file and returns the
// new bytes and what changed. Every byte that no rule needs to change is
// kept: comments, key order, quoting, the body. Fixing fixed bytes changes
// nothing.
func Fix(src []byte) ([]byte, []Change) {
	var changes []Change
	if bytes.HasPrefix(src, bom) {
		src = src[len(bom):]
		changes = append(changes, Change{Rule: RuleBOM, Line: 1, Note: "removed the byte order mark"})
	}
	if n := bytes.Count(src, []byte("\r\n")); n > 0 {
		// Repeat: a CR before a CR LF ("\r\r\n") forms a new CR LF.
		for bytes.Contains(src, []byte("\r\n")) {
			src = bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n"))
		}
		changes = append(changes, Change{Rule: RuleCRLF, Note: fmt.Sprintf("%d CR LF line ends changed to LF", n)})
	}
	src, escapes := fixYAMLEscapes(src)
	changes = append(changes, escapes...)
	a := article.Parse("", "", src)
	if a.FrontMatter.Values == nil {
		return src, changes
	}
	fm := newFrontMatter(a)
	var edits []edit
	if e, ok := draftEdit(fm); ok {
		edits = append(edits, e)
	}
	edits = append(edits, taxonomyEdits(fm)...)
	fixed, more := applyEdits(src, verified(src, a.FrontMatter.Values, edits))
	return fixed, append(changes, more...)
}

// verified keeps the edits that, applied alone, make Hugo read exactly the
// intended value for their key and the same values for every other key. It
// guards against a position found wrongly in unusual YAML: such an edit is
// dropped, never applied.
func verified(src []byte, before map[string]any, edits []edit) []edit {
	var ok []edit
	for _, e := range edits {
		out, _ := applyEdits(src, []edit{e})
		after := article.Parse("", "", out).FrontMatter.Values
		if after == nil || len(after) != len(before) || !reflect.DeepEqual(after[e.key], e.want) {
			continue
		}
		same := true
		for k, v := range before {
			if k != e.key && !reflect.DeepEqual(after[k], v) {
				same = false
				break
			}
		}
		if same {
			ok = append(ok, e)
		}
	}
	return ok
}

func draftEdit(fm *frontMatter) (edit, bool) {
	v, ok := fm.get("draft")
	if !ok {
		return edit{}, false
	}
	if _, isBool := v.(bool); isBool {
		return edit{}, false
	}
	b, ok := draftValue(v)
	f, located := fm.field("draft")
	if !ok || !located {
		return edit{}, false
	}
	return edit{f.ValueStart, f.ValueEnd, strconv.FormatBool(b), RuleDraftType, fm.keys["draft"], b}, true
}

// taxonomyEdits turns taxonomies written as a string into one-item lists.
func taxonomyEdits(fm *frontMatter) []edit {
	var edits []edit
	for lower := range fm.keys {
		if lower != "tags" && lower != "categories" {
			continue
		}
		v, _ := fm.get(lower)
		s, isString := v.(string)
		f, located := fm.field(lower)
		if !isString || !located {
			continue
		}
		list, want := "[]", []any{}
		if s != "" {
			list, want = jsonList(s), []any{s}
		}
		edits = append(edits, edit{f.ValueStart, f.ValueEnd, list, RuleListString, fm.keys[lower], want})
	}
	return edits
}

// applyEdits applies non-overlapping edits and describes each by the lines
// it changed.
func applyEdits(src []byte, edits []edit) ([]byte, []Change) {
	sort.Slice(edits, func(i, j int) bool { return edits[i].start < edits[j].start })
	var out bytes.Buffer
	var changes []Change
	last := 0
	for _, e := range edits {
		if e.start < last {
			continue // overlapping: leave it for a second run
		}
		lineStart := bytes.LastIndexByte(src[:e.start], '\n') + 1
		lineEnd := e.end + lineLen(src[e.end:])
		changes = append(changes, Change{
			Rule:   e.rule,
			Line:   bytes.Count(src[:e.start], []byte("\n")) + 1,
			Before: string(src[lineStart:lineEnd]),
			After:  string(src[lineStart:e.start]) + e.text + string(src[e.end:lineEnd]),
		})
		out.Write(src[last:e.start])
		out.WriteString(e.text)
		last = e.end
	}
	out.Write(src[last:])
	return out.Bytes(), changes
}

func lineLen(b []byte) int {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return i
	}
	return len(b)
}

// unknownEscape finds the position goccy/go-yaml gives for an unknown escape
// in a double-quoted string.
var unknownEscape = regexp.MustCompile(`^\[(\d+):(\d+)\] found unknown escape character`)

// fixYAMLEscapes doubles the backslash of each unknown escape in YAML front
// matter ("招聘助理教授\副教授" becomes "招聘助理教授\\副教授"), so the
// backslash is kept as text. It asks the decoder Hugo uses where each one is,
// rather than guessing at YAML's quoting rules.
func fixYAMLEscapes(src []byte) ([]byte, []Change) {
	var changes []Change
	for range 1000 { // a bound, not an expectation
		a := article.Parse("", "", src)
		if a.FrontMatter.Format != metadecoders.YAML || a.FrontMatter.Values != nil {
			return src, changes
		}
		raw := src[a.FrontMatter.Start:a.FrontMatter.End]
		_, err := metadecoders.Default.UnmarshalToMap(raw, metadecoders.YAML)
		if err == nil {
			return src, changes
		}
		m := unknownEscape.FindStringSubmatch(err.Error())
		if m == nil {
			return src, changes
		}
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		at := a.FrontMatter.Start + offsetOf(raw, lineStarts(raw), line, col)
		slash := bytes.LastIndexByte(src[:at], '\\')
		if slash < 0 || bytes.IndexByte(src[slash:at], '\n') >= 0 {
			return src, changes
		}
		fixed, c := applyEdits(src, []edit{{start: slash, end: slash, text: `\`, rule: article.RuleYAMLEscape}})
		src = fixed
		changes = append(changes, c...)
	}
	return src, changes
}
