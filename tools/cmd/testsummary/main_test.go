package main

import (
	"strings"
	"testing"
)

// The summary keeps results and failures, drops passing chatter, and
// names each skipped test with its reason.
func TestSummarize(t *testing.T) {
	events := `{"Action":"run","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestA","Output":"=== RUN   TestA\n"}
{"Action":"pass","Package":"p","Test":"TestA"}
{"Action":"output","Package":"p","Test":"TestB","Output":"    b_test.go:9: want 2, got 3\n"}
{"Action":"fail","Package":"p","Test":"TestB"}
{"Action":"output","Package":"p","Test":"TestC","Output":"    c_test.go:12: chromium is not installed\n"}
{"Action":"skip","Package":"p","Test":"TestC"}
{"Action":"output","Package":"p","Output":"FAIL\tp\t0.1s\n"}
{"Action":"fail","Package":"p"}
{"Action":"output","Package":"q","Output":"ok  \tq\t0.2s\n"}
{"Action":"pass","Package":"q"}
`
	var out strings.Builder
	if summarize(strings.NewReader(events), &out) {
		t.Error("a failure passed")
	}
	got := out.String()
	for _, want := range []string{"want 2, got 3", "FAIL\tp", "ok  \tq", "skipped 1 tests: TestC (chromium is not installed)"} {
		if !strings.Contains(got, want) {
			t.Errorf("the summary lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "=== RUN") {
		t.Errorf("passing chatter kept:\n%s", got)
	}
	if !summarize(strings.NewReader(`{"Action":"pass","Package":"q"}`), &out) {
		t.Error("all passed, reported failed")
	}
	// A line too long to read hides what follows it: never a pass.
	huge := `{"Action":"output","Package":"p","Output":"` + strings.Repeat("x", 17<<20) + `"}` + "\n" + `{"Action":"fail","Package":"p"}`
	if summarize(strings.NewReader(huge), &out) {
		t.Error("events left unread, reported passed")
	}
}
