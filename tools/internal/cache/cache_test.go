package cache

import (
	"os"
	"path/filepath"
	"testing"

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
	c.PutStaged(a, Staged{Path: "a.html"}, []byte("A"))
	c.PutStaged(b, Staged{Path: "b.html"}, []byte("B"))
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
	if data, ok := c2.StagedData(a); !ok || string(data) != "A" {
		t.Fatalf("staged data %q %v", data, ok)
	}
	// b was not used by the second build: it goes, a stays.
	if err := c2.Save(); err != nil {
		t.Fatal(err)
	}
	c3 := Open(dir)
	if _, ok := c3.StagedData(b); ok {
		t.Error("an unused record was kept")
	}
	if _, ok := c3.Staged(a); !ok {
		t.Error("a used record was removed")
	}
	// A damaged cache is an empty one.
	os.WriteFile(filepath.Join(dir, "scans.gob"), []byte("garbage"), 0o644)
	if _, ok := Open(dir).Scan(a); ok {
		t.Error("a damaged pack was read")
	}
	// No directory: nothing kept, nothing written.
	none := Open("")
	none.PutStaged(a, Staged{}, []byte("x"))
	if _, ok := none.Staged(a); ok || none.Save() != nil {
		t.Error("the empty cache kept something")
	}
}
