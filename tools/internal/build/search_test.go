package build_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"unicode"

	"github.com/longbridgeapp/opencc"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/search"
)

// Recall on the real fetched articles: for every article, 5 random runs
// of 3 to 5 Han characters of its body find it, and so do their
// traditional forms (100 %).
func TestSearchRecallOnRealArticles(t *testing.T) {
	real := mirrortest.Shared(t, "fixtures", "real")
	s := newTestSite(t, "")
	entries, _ := os.ReadDir(real)
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(real, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(s.Content, e.Name()), data, 0o644)
	}
	s.Opts.NoSearch = false
	r := s.build(t)
	dir := filepath.Join(s.Opts.Dest, search.Dir)
	m, err := search.ReadMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m.Docs != r.Staged || m.Docs < 10 {
		t.Fatalf("%d documents indexed of %d staged", m.Docs, r.Staged)
	}
	t2s, err := opencc.New("s2t")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	queries, misses := 0, 0
	for slot := range m.Slots {
		d, err := search.Document(dir, slot)
		if err != nil {
			t.Fatal(err)
		}
		runs := hanRuns([]rune(d.Text), 3)
		if len(runs) == 0 {
			continue
		}
		for range 5 {
			run := runs[rng.IntN(len(runs))]
			n := 3 + rng.IntN(min(3, len(run)-2))
			at := rng.IntN(len(run) - n + 1)
			q := string(run[at : at+n])
			trad, _ := t2s.Convert(q)
			for _, query := range []string{q, trad} {
				queries++
				if !foundSlot(t, dir, query, slot) {
					misses++
					t.Errorf("%q (%s) does not find %s", query, q, d.Title)
				}
			}
		}
	}
	t.Logf("%d queries, %d misses", queries, misses)
}

// hanRuns are the runs of at least n Han characters of text.
func hanRuns(text []rune, n int) [][]rune {
	var runs [][]rune
	start := -1
	for i := 0; i <= len(text); i++ {
		if i < len(text) && unicode.Is(unicode.Han, text[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= n {
			runs = append(runs, text[start:i])
		}
		start = -1
	}
	return runs
}

func foundSlot(t *testing.T, dir, q string, slot int) bool {
	t.Helper()
	rs, err := search.Query(dir, q, search.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if r.Slot == slot {
			return true
		}
	}
	return false
}
