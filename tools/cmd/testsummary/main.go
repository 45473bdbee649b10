// Command testsummary reads `go test -json` on standard input and prints
// what `go test` would, without the passing tests' chatter: each
// package's result line, the output of every failed test, and at the end
// a line naming every test that skipped and why (a browser test without
// Chromium, a media test without versitygw, a test without ../shared), so
// `make test` never passes silently over what it did not run. It exits 1
// when anything failed.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

type event struct {
	Action  string
	Package string
	Test    string
	Output  string
}

func main() {
	if !summarize(os.Stdin, os.Stdout) {
		os.Exit(1)
	}
}

// summarize prints the summary of the events read from r, and says
// whether all passed.
func summarize(r io.Reader, w io.Writer) bool {
	outputs := map[string][]string{} // package/test → its output
	var skipped []string
	failed := false
	in := bufio.NewScanner(r)
	in.Buffer(nil, 16<<20)
	for in.Scan() {
		var e event
		if err := json.Unmarshal(in.Bytes(), &e); err != nil {
			fmt.Fprintln(w, in.Text()) // not an event: a build error
			continue
		}
		id := e.Package + "/" + e.Test
		switch e.Action {
		case "output":
			if e.Test == "" {
				if line := strings.TrimRight(e.Output, "\n"); isResult(line) {
					fmt.Fprintln(w, line)
				} else {
					outputs[id] = append(outputs[id], e.Output)
				}
				continue
			}
			outputs[id] = append(outputs[id], e.Output)
		case "fail":
			failed = true
			if e.Test != "" || len(outputs[id]) > 0 {
				fmt.Fprint(w, strings.Join(outputs[id], ""))
			}
		case "build-output":
			fmt.Fprint(w, e.Output)
		case "build-fail":
			failed = true
		case "skip":
			if e.Test != "" {
				skipped = append(skipped, fmt.Sprintf("%s (%s)", e.Test, reason(outputs[id])))
			}
		}
		if e.Action == "pass" || e.Action == "fail" || e.Action == "skip" {
			delete(outputs, id)
		}
	}
	if err := in.Err(); err != nil {
		// What was not read may hold a failure: never a pass.
		fmt.Fprintf(w, "testsummary: reading go test's events: %v\n", err)
		failed = true
	}
	if len(skipped) > 0 {
		slices.Sort(skipped)
		fmt.Fprintf(w, "\nskipped %d tests: %s\n", len(skipped), strings.Join(skipped, "; "))
	}
	return !failed
}

// isResult says whether a package's output line is its result.
func isResult(line string) bool {
	for _, p := range []string{"ok ", "FAIL", "?   \t"} {
		if strings.HasPrefix(line, p) {
			return true
		}
	}
	return false
}

// reason is why a test skipped: its t.Skip message.
func reason(lines []string) string {
	for _, l := range slices.Backward(lines) {
		l = strings.TrimSpace(l)
		if _, msg, ok := strings.Cut(l, ".go:"); ok {
			if _, text, ok := strings.Cut(msg, ": "); ok {
				return text
			}
		}
	}
	return "no reason given"
}
