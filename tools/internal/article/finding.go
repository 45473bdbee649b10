package article

import (
	"fmt"
	"strings"
)

// Severity says what a finding does to the build: an error excludes the
// article, a warning is fixed in the staged copy, info is only reported.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}

func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Severity) UnmarshalText(b []byte) error {
	switch string(b) {
	case "error":
		*s = Error
	case "warning":
		*s = Warning
	case "info":
		*s = Info
	default:
		return fmt.Errorf("unknown severity %q", b)
	}
	return nil
}

// Finding is one thing a stage noticed about one file. Rule is a stable id
// such as "fm/draft-type", shared by the validator, --fix, the report and
// the docs.
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line,omitempty"`
	Col      int      `json:"col,omitempty"`
	Severity Severity `json:"severity"`
	Rule     string   `json:"rule"`
	Message  string   `json:"message"`
	Stage    string   `json:"stage,omitempty"`
	// Fixable says `mirror validate --fix` can repair it in content/.
	Fixable bool `json:"fixable,omitempty"`
}

// String formats the finding the way compilers do, so editors and terminals
// can jump to it: file:line:col: severity rule: message.
func (f Finding) String() string {
	var b strings.Builder
	b.WriteString(f.File)
	if f.Line > 0 {
		fmt.Fprintf(&b, ":%d", f.Line)
		if f.Col > 0 {
			fmt.Fprintf(&b, ":%d", f.Col)
		}
	}
	fmt.Fprintf(&b, ": %s %s: %s", f.Severity, f.Rule, f.Message)
	return b.String()
}
