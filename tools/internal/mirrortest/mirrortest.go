// Package mirrortest holds helpers for the project's tests: where the repo
// and ../shared are, and (later) fake origins for network code. It is
// imported by tests only.
package mirrortest

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// RepoRoot returns the repository root (the directory holding go.mod).
func RepoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test's directory")
		}
		dir = parent
	}
}

// Shared returns a path inside ../shared (beside the repository), skipping
// the test when that directory is not there.
func Shared(t testing.TB, elem ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{RepoRoot(t), "..", "shared"}, elem...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not present: %v", p, err)
	}
	return p
}

// XSSCorpus reads the XSS corpus (tools/internal/transform/testdata/xss.txt):
// one payload per line, # for comments.
func XSSCorpus(t testing.TB) []string {
	t.Helper()
	f, err := os.Open(filepath.Join(RepoRoot(t), "tools", "internal", "transform", "testdata", "xss.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			out = append(out, line)
		}
	}
	return out
}

// ReadFile is os.ReadFile, failing the test on an error.
func ReadFile(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
