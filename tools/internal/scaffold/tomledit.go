package scaffold

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// SetTOML sets key = value in a table of a TOML document, changing only
// that value's lines (or adding it after the table's header, or adding the
// table at the end). value is TOML already (quoted string, array,
// multi-line string...).
func SetTOML(doc, table, key, value string) string {
	lines := strings.Split(doc, "\n")
	start, end := tableSpan(lines, table)
	keyLine := regexp.MustCompile(`^\s*` + regexp.QuoteMeta(key) + `\s*=`)
	if start >= 0 {
		for i := start; i < end; i++ {
			if keyLine.MatchString(lines[i]) {
				indent := lines[i][:len(lines[i])-len(strings.TrimLeft(lines[i], " \t"))]
				last := valueEnd(lines, i)
				comment := ""
				if last == i {
					comment = trailingComment(lines[i])
				}
				edited := append(slices.Clone(lines[:i]), indent+key+" = "+value+comment)
				return strings.Join(append(edited, lines[last+1:]...), "\n")
			}
		}
		// After the table's last key, before the blank lines and comments
		// that lead to the next table.
		at := end
		for at > start && (strings.TrimSpace(lines[at-1]) == "" || strings.HasPrefix(strings.TrimSpace(lines[at-1]), "#")) {
			at--
		}
		indent := ""
		if table != "" {
			indent = "  "
		}
		lines = append(lines[:at], append([]string{indent + key + " = " + value}, lines[at:]...)...)
		return strings.Join(lines, "\n")
	}
	doc = strings.TrimRight(doc, "\n")
	return doc + "\n\n[" + table + "]\n  " + key + " = " + value + "\n"
}

// valueEnd returns the last line of the value whose key is on line i: a
// multi-line string runs to its closing quotes.
func valueEnd(lines []string, i int) int {
	_, value, _ := strings.Cut(lines[i], "=")
	value = strings.TrimSpace(value)
	for _, quotes := range []string{`"""`, "'''"} {
		if !strings.HasPrefix(value, quotes) || strings.Contains(value[len(quotes):], quotes) {
			continue
		}
		for j := i + 1; j < len(lines); j++ {
			if strings.Contains(lines[j], quotes) {
				return j
			}
		}
	}
	return i
}

// tableSpan returns the lines holding a table's keys: after its header up
// to the next header. For the root table (""), from the start.
func tableSpan(lines []string, table string) (start, end int) {
	header := regexp.MustCompile(`^\s*\[([^\[\]]+)\]\s*(#.*)?$`)
	start = -1
	if table == "" {
		return 0, firstTableOrEnd(lines)
	}
	for i, l := range lines {
		m := header.FindStringSubmatch(l)
		if m == nil {
			if strings.HasPrefix(strings.TrimSpace(l), "[[") && start >= 0 {
				return start, i
			}
			continue
		}
		if start >= 0 {
			return start, i
		}
		if strings.TrimSpace(m[1]) == table {
			start = i + 1
		}
	}
	if start < 0 {
		return -1, -1
	}
	return start, len(lines)
}

func firstTableOrEnd(lines []string) int {
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), "[") {
			return i
		}
	}
	return len(lines)
}

// trailingComment keeps a comment after a value ("key = 1 # why").
func trailingComment(line string) string {
	inString := false
	for i, r := range line {
		switch {
		case r == '"' && (i == 0 || line[i-1] != '\\'):
			inString = !inString
		case r == '#' && !inString:
			return "  " + strings.TrimSpace(line[i:])
		}
	}
	return ""
}

// tomlString writes s as a TOML basic string.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteString(`\t`)
		case unicode.IsControl(r):
			fmt.Fprintf(&b, `\u%04X`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// tomlStrings writes a TOML array of strings.
func tomlStrings(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = tomlString(s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}
