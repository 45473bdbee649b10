package search

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

func TestQueryTerms(t *testing.T) {
	cases := []struct {
		q    string
		want []string
	}{
		{"以直接执行", []string{"以直", "直接", "接执", "执行"}},
		{"以直接執行", []string{"以直", "直接", "接执", "执行"}}, // traditional folds
		{"Hugo 模板", []string{"hugo", "模板"}},
		{"ＡＢＣ１２３", []string{"abc123"}}, // full-width folds
		{"Executable", []string{"executab"}},
		{"苔", nil},
		{"a", nil},
		{"!!! ???", nil},
		{"<script>alert(1)</script>", []string{"script", "alert"}},
		{".*[a-z]+(", []string{}},
	}
	for _, c := range cases {
		got := QueryTerms(c.q)
		if len(got) != len(c.want) || (len(got) > 0 && !slices.Equal(got, c.want)) {
			t.Errorf("QueryTerms(%q) = %q, want %q", c.q, got, c.want)
		}
	}
}

// A query of 500 characters looks up 12 terms along it, first and last.
func TestLongQuery(t *testing.T) {
	var q []rune
	for i := range 500 {
		q = append(q, rune(0x4E00+i*7))
	}
	terms := QueryTerms(string(q))
	first, last := string(q[:2]), string(q[498:])
	if len(terms) != maxQueryTerms || terms[0] != QueryTerms(first)[0] || terms[len(terms)-1] != QueryTerms(last)[0] {
		t.Errorf("%d terms: %q", len(terms), terms)
	}
}

func TestTerms(t *testing.T) {
	var got []string
	Terms("苔藓, Hugo！", func(p uint64) { got = append(got, pairTerm(p)) }, func(term string) { got = append(got, term) })
	if want := []string{"苔藓", "hu", "hug", "hugo"}; !slices.Equal(got, want) {
		t.Errorf("%q, want %q", got, want)
	}
}

// memSource is a Source of documents in memory.
type memSource map[string]Doc

func (m memSource) Pages() map[string]string {
	pages := map[string]string{}
	for k, d := range m {
		pages[k] = d.Title + "\x00" + d.Text // what it holds
	}
	return pages
}

func (m memSource) Read(key string) (Doc, error) { d := m[key]; d.Key = key; return d, nil }

// StatusOf: a document's StatusID is its status, in these tests.
func (m memSource) StatusOf(id string) string { return id }

func doc(title, text, cat string, date string) Doc {
	d, _ := time.Parse("2006-01-02", date)
	return Doc{Title: title, URL: "/" + title + "/", Date: d, Day: date, Category: cat, Account: "acct", Text: text}
}

func found(t *testing.T, dir, q string, f Filter) []string {
	t.Helper()
	rs, err := Query(dir, q, f)
	if err != nil {
		t.Fatalf("%q: %v", q, err)
	}
	var titles []string
	for _, r := range rs {
		d, err := Document(dir, r.Slot)
		if err != nil {
			t.Fatal(err)
		}
		titles = append(titles, d.Title)
	}
	return titles
}

// Add, edit, delete: the new text is found, the old is not, the deleted
// article is gone; the files of what did not change are not rewritten.
func TestIncrementalUpdate(t *testing.T) {
	dir, state := filepath.Join(t.TempDir(), Dir), filepath.Join(t.TempDir(), "state.json")
	src := memSource{
		"a.html": doc("苔藓", "城市里的苔藓在雨后生长。Moss grows.", "Life", "2024-01-01"),
		"b.html": doc("铜匠", "老铜匠以直接执行的方式工作。", "Culture", "2024-02-01"),
		"c.html": doc("港口", "港口的船只。", "Life", "2023-05-01"),
	}
	s, err := Update(t.Context(), src, dir, state, 2)
	if err != nil || s.Added != 3 {
		t.Fatalf("%+v %v", s, err)
	}
	if got := found(t, dir, "以直接執行", Filter{}); !slices.Equal(got, []string{"铜匠"}) {
		t.Errorf("traditional query: %q", got)
	}
	if got := found(t, dir, "苔藓", Filter{}); !slices.Equal(got, []string{"苔藓"}) {
		t.Errorf("%q", got)
	}
	if got := found(t, dir, "mos", Filter{}); !slices.Equal(got, []string{"苔藓"}) {
		t.Errorf("prefix: %q", got)
	}
	if got := found(t, dir, "的", Filter{}); len(got) != 0 {
		t.Errorf("one character: %q", got)
	}
	if got := found(t, dir, "的方", Filter{Category: "Culture"}); !slices.Equal(got, []string{"铜匠"}) {
		t.Errorf("filter: %q", got)
	}
	if got := found(t, dir, "港口", Filter{Year: 2024}); len(got) != 0 {
		t.Errorf("year filter: %q", got)
	}

	// Nothing changed: nothing indexed, nothing written.
	before := mtimes(t, dir)
	time.Sleep(10 * time.Millisecond)
	s, err = Update(t.Context(), src, dir, state, 2)
	if err != nil || s.Added+s.Changed+s.Removed != 0 || s.BucketsWritten != 0 {
		t.Fatalf("unchanged: %+v %v", s, err)
	}
	after := mtimes(t, dir)
	for f, m := range before {
		if f != "meta.json" && after[f] != m {
			t.Errorf("%s rewritten with nothing changed", f)
		}
	}

	// Edit a, add d, delete c.
	src["a.html"] = doc("苔藓", "城市里的地衣在雨后生长。", "Life", "2024-01-01")
	src["d.html"] = doc("灯塔", "海边的灯塔。", "Tech", "2025-01-01")
	delete(src, "c.html")
	before = mtimes(t, dir)
	s, err = Update(t.Context(), src, dir, state, 2)
	if err != nil || s.Added != 1 || s.Changed != 1 || s.Removed != 1 {
		t.Fatalf("%+v %v", s, err)
	}
	if got := found(t, dir, "地衣", Filter{}); !slices.Equal(got, []string{"苔藓"}) {
		t.Errorf("new text: %q", got)
	}
	if got := found(t, dir, "的苔", Filter{}); len(got) != 0 {
		t.Errorf("old text still found: %q", got)
	}
	if got := found(t, dir, "港口", Filter{}); len(got) != 0 {
		t.Errorf("deleted article found: %q", got)
	}
	if got := found(t, dir, "灯塔", Filter{}); !slices.Equal(got, []string{"灯塔"}) {
		t.Errorf("added: %q", got)
	}
	after = mtimes(t, dir)
	kept := 0
	for f, m := range before {
		if m2, ok := after[f]; ok && m2 == m {
			kept++
		}
	}
	if b := before[docFile(1)]; b.IsZero() || after[docFile(1)] != b {
		t.Errorf("the unchanged document's file was rewritten")
	}
	if kept < len(before)/2 {
		t.Errorf("only %d of %d files left as they were", kept, len(before))
	}
	if s.BucketsWritten >= s.Buckets {
		t.Errorf("%d of %d buckets written for three articles", s.BucketsWritten, s.Buckets)
	}
}

func mtimes(t *testing.T, dir string) map[string]time.Time {
	t.Helper()
	out := map[string]time.Time{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			rel, _ := filepath.Rel(dir, p)
			out[filepath.ToSlash(rel)] = info.ModTime()
		}
		return nil
	})
	return out
}

// A damaged index is built anew by the next update.
func TestDamagedIndexIsRebuilt(t *testing.T) {
	dir, state := filepath.Join(t.TempDir(), Dir), filepath.Join(t.TempDir(), "state.json")
	src := memSource{"a.html": doc("苔藓", "城市里的苔藓。", "Life", "2024-01-01")}
	if _, err := Update(t.Context(), src, dir, state, 1); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "meta.json"), []byte("{half"), 0o644)
	if _, err := Query(dir, "苔藓", Filter{}); err == nil {
		t.Error("a damaged meta.json was read")
	}
	if _, err := Update(t.Context(), src, dir, state, 1); err != nil {
		t.Fatal(err)
	}
	if got := found(t, dir, "苔藓", Filter{}); len(got) != 1 {
		t.Errorf("after the rebuild: %q", got)
	}
}

// A damaged bucket or document file is found by the next update, which
// builds the index anew.
func TestDamagedFileIsRepaired(t *testing.T) {
	dir, state := filepath.Join(t.TempDir(), Dir), filepath.Join(t.TempDir(), "state.json")
	src := memSource{"a.html": doc("苔藓", "城市里的苔藓。", "Life", "2024-01-01"), "b.html": doc("铜匠", "老铜匠。", "Life", "2024-01-02")}
	if _, err := Update(t.Context(), src, dir, state, 1); err != nil {
		t.Fatal(err)
	}
	b := filepath.Join(dir, bucketFile(bucketOf("苔藓", bucketCount(2))))
	if bucketOf("苔藓", 64) != bucketOfPair(pair('苔', '藓'), 64) {
		t.Error("a pair's bucket is not its term's")
	}
	os.WriteFile(b, []byte("\x1f\x8bhalf"), 0o644)
	os.WriteFile(filepath.Join(dir, docFile(0)), []byte("\x1f\x8b"), 0o644)
	if _, err := Query(dir, "苔藓", Filter{}); err == nil {
		t.Error("a damaged bucket was read")
	}
	src["a.html"] = doc("苔藓", "城市里的苔藓和地衣。", "Life", "2024-01-01")
	s, err := Update(t.Context(), src, dir, state, 1)
	if err != nil || s.Added != 2 {
		t.Fatalf("%+v, %v", s, err)
	}
	if got := found(t, dir, "苔藓", Filter{}); len(got) != 1 {
		t.Errorf("after the repair: %q", got)
	}
}

// statusSource is a memSource whose originals' statuses change apart from
// the documents, as mirror check changes them.
type statusSource struct {
	memSource
	statuses map[string]string
}

func (s statusSource) StatusOf(id string) string { return s.statuses[id] }

// The original's status filters results, and a status that changed
// changes the attributes only: no document read, no bucket written.
func TestStatusFilter(t *testing.T) {
	dir, state := filepath.Join(t.TempDir(), Dir), filepath.Join(t.TempDir(), "state.json")
	a, b := doc("苔藓", "城市里的苔藓。", "Life", "2024-01-01"), doc("铜匠", "城市里的铜匠。", "Life", "2024-02-01")
	a.StatusID, b.StatusID = "id-a", "id-b"
	src := statusSource{memSource{"a.html": a, "b.html": b}, map[string]string{"id-a": "live", "id-b": "live"}}
	if _, err := Update(t.Context(), src, dir, state, 1); err != nil {
		t.Fatal(err)
	}
	if got := found(t, dir, "城市", Filter{Status: "deleted"}); len(got) != 0 {
		t.Errorf("deleted before any is: %q", got)
	}
	src.statuses["id-a"] = "deleted"
	s, err := Update(t.Context(), src, dir, state, 1)
	if err != nil || s.Added+s.Changed+s.Removed != 0 || s.BucketsWritten != 0 {
		t.Fatalf("a status changed: %+v %v", s, err)
	}
	if got := found(t, dir, "城市", Filter{Status: "deleted"}); !slices.Equal(got, []string{"苔藓"}) {
		t.Errorf("deleted: %q", got)
	}
	if got := found(t, dir, "城市", Filter{Status: "live"}); !slices.Equal(got, []string{"铜匠"}) {
		t.Errorf("live: %q", got)
	}
}

// An index whose text was read another way (an older mirror) is built
// again whole: the articles it holds would otherwise keep their old terms.
func TestIndexReadAnotherWayIsRebuilt(t *testing.T) {
	dir, state := filepath.Join(t.TempDir(), Dir), filepath.Join(t.TempDir(), "state.json")
	src := memSource{"a.html": doc("苔藓", "城市里的苔藓。", "Life", "2024-01-01"), "b.html": doc("铜匠", "老街的铜匠。", "Culture", "2024-02-01")}
	if _, err := Update(t.Context(), src, dir, state, 1); err != nil {
		t.Fatal(err)
	}
	if s, err := Update(t.Context(), src, dir, state, 2); err != nil || s.Added+s.Changed != 0 {
		t.Fatalf("nothing changed, yet the update did %+v (%v)", s, err)
	}
	data, _ := os.ReadFile(state)
	os.WriteFile(state, bytes.Replace(data, fmt.Appendf(nil, `"Reading":%d`, reading), fmt.Appendf(nil, `"Reading":%d`, reading-1), 1), 0o644)
	s, err := Update(t.Context(), src, dir, state, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Added != 2 {
		t.Errorf("an index read the old way was updated in place: %+v", s)
	}
}

// missingSource is a source whose staged file for one page is gone.
type missingSource struct {
	memSource
	missing string
}

func (m missingSource) Read(key string) (Doc, error) {
	if key == m.missing {
		return Doc{}, fmt.Errorf("search index: %s: %w", key, fs.ErrNotExist)
	}
	return m.memSource.Read(key)
}

// A document file of the index lost is made again, the index with it; an
// article's staged file lost is the build's error: the index is not thrown
// away and made again (that would fail on the same file; the next update,
// its meta.json gone, repairs what is stale).
func TestLostFiles(t *testing.T) {
	dir, state := filepath.Join(t.TempDir(), Dir), filepath.Join(t.TempDir(), "state.json")
	src := memSource{"a.html": doc("苔藓", "城市里的苔藓。", "Life", "2024-01-01"), "b.html": doc("铜匠", "老铜匠。", "Life", "2024-01-02")}
	if _, err := Update(t.Context(), src, dir, state, 1); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, docFile(0)))
	src["a.html"] = doc("苔藓", "城市里的苔藓和地衣。", "Life", "2024-01-01")
	if s, err := Update(t.Context(), src, dir, state, 1); err != nil || s.Added != 2 {
		t.Fatalf("a lost document file: %+v, %v", s, err)
	}
	src["b.html"] = doc("铜匠", "老街的铜匠。", "Life", "2024-01-02")
	kept := map[string]os.FileInfo{}
	for slot := range 2 {
		kept[docFile(slot)], _ = os.Stat(filepath.Join(dir, docFile(slot)))
	}
	if _, err := Update(t.Context(), missingSource{src, "b.html"}, dir, state, 1); err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("a lost staged file: %v", err)
	}
	for name, before := range kept {
		if after, err := os.Stat(filepath.Join(dir, name)); err != nil || !os.SameFile(before, after) {
			t.Errorf("%s was thrown away and made again for an article's lost file: %v", name, err)
		}
	}
}
