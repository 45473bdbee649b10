package reuse

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
)

func TestRoundTripAndPrune(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir)
	a, b := KeyOf([]byte("a")), KeyOf([]byte("b"))
	if KeyOf([]byte("a"), []byte("b")) == KeyOf([]byte("ab")) {
		t.Error("key parts run together")
	}
	c.PutScan(a, Scan{Source: "https://x/a", Findings: []article.Finding{{Rule: "fm/draft-type", Severity: article.Warning}}})
	c.PutStaged(a, Staged{Path: "a.html"})
	c.PutStaged(b, Staged{Path: "b.html"})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	c2 := Open(dir)
	if s, ok := c2.Scan(a); !ok || s.Source != "https://x/a" || s.Findings[0].Severity != article.Warning {
		t.Fatalf("scan %+v %v", s, ok)
	}
	if s, ok := c2.Staged(a); !ok || s.Path != "a.html" {
		t.Fatalf("staged %+v %v", s, ok)
	}
	// b was not used by the second build: it goes, a stays.
	if err := c2.Save(); err != nil {
		t.Fatal(err)
	}
	c3 := Open(dir)
	if _, ok := c3.Staged(b); ok {
		t.Error("an unused record was kept")
	}
	if _, ok := c3.Staged(a); !ok {
		t.Error("a used record was removed")
	}
	// A damaged cache is an empty one.
	os.WriteFile(filepath.Join(dir, fmt.Sprintf("scans-%x.pack", a[0]>>4)), []byte("garbage"), 0o644)
	if _, ok := Open(dir).Scan(a); ok {
		t.Error("a damaged pack was read")
	}
	// No directory: nothing kept, nothing written.
	none := Open("")
	none.PutStaged(a, Staged{})
	if _, ok := none.Staged(a); ok || none.Save() != nil {
		t.Error("the empty cache kept something")
	}
}

// A build that changes one record rewrites the one file of its pack that
// holds it, not the whole pack.
func TestSaveRewritesChangedShards(t *testing.T) {
	dir := t.TempDir()
	c := Open(dir)
	var keys []Key
	for i := range 200 {
		k := KeyOf([]byte(fmt.Sprint(i)))
		keys = append(keys, k)
		c.PutScan(k, Scan{Source: fmt.Sprint(i)})
	}
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "scans-*.pack"))
	if len(files) != packShards {
		t.Fatalf("%d scan files, want %d", len(files), packShards)
	}
	old := time.Now().Add(-time.Hour)
	for _, f := range files {
		os.Chtimes(f, old, old)
	}
	c = Open(dir)
	for _, k := range keys {
		if s, ok := c.Scan(k); !ok || s.Source == "" {
			t.Fatalf("scan %x lost", k)
		}
	}
	c.PutScan(keys[7], Scan{Source: "changed"})
	if err := c.Save(); err != nil {
		t.Fatal(err)
	}
	var rewritten []string
	for _, f := range files {
		if info, _ := os.Stat(f); info.ModTime().After(old) {
			rewritten = append(rewritten, filepath.Base(f))
		}
	}
	if len(rewritten) != 1 {
		t.Errorf("rewritten: %v, want the one holding the changed scan", rewritten)
	}
	if s, _ := Open(dir).Scan(keys[7]); s.Source != "changed" {
		t.Errorf("the changed scan reads %q", s.Source)
	}
}
