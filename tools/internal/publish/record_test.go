package publish

import (
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// siteBuilds publishes pages into two sites in turn, as builds do (each
// renders over the site before the previous one), with the record of
// publications saved between builds.
type siteBuilds struct {
	t       *testing.T
	sites   [2]string
	record  string
	links   map[string]string // where each ref leads
	bodies  map[string]string // what each marker stands for
	spliced int               // pages spliced by the last build
	// stats counts the files looked at while publishing.
	stats int
	// publishAfter, when set, is called before the pages are published.
	publishAfter func(*Fs)
}

// countingFs counts the pages (not directories) Stat is asked for.
type countingFs struct {
	afero.Fs
	n *int
}

func (fs countingFs) Stat(name string) (os.FileInfo, error) {
	if strings.HasSuffix(name, ".html") {
		*fs.n++
	}
	return fs.Fs.Stat(name)
}

func newSiteBuilds(t *testing.T) *siteBuilds {
	dir := t.TempDir()
	b := &siteBuilds{t: t, record: filepath.Join(dir, "published"), links: map[string]string{}, bodies: map[string]string{}}
	for i := range b.sites {
		b.sites[i] = filepath.Join(dir, "site"+string(rune('a'+i)))
		os.Mkdir(b.sites[i], 0o755)
	}
	return b
}

// build publishes pages (name → what Hugo wrote) into site i.
func (b *siteBuilds) build(i int, pages map[string]string) {
	b.t.Helper()
	var list [][2]string
	for _, name := range slices.Sorted(maps.Keys(pages)) {
		list = append(list, [2]string{name, pages[name]})
	}
	b.publish(i, list...)
}

// publish publishes pages (name, what Hugo wrote) into site i in order.
func (b *siteBuilds) publish(i int, pages ...[2]string) {
	b.t.Helper()
	published := LoadRecord(b.record)
	b.stats = 0
	fs := NewFs(countingFs{afero.NewOsFs(), &b.stats}, b.sites[i], nil, published)
	if b.publishAfter != nil {
		b.publishAfter(fs)
	}
	fs.resolve = func(ref string) string { return b.links[ref] }
	fs.splice = func(w io.Writer, _ string, page []byte, resolve func(string) string) error {
		b.spliced++
		out := string(page)
		for mark, body := range b.bodies {
			out = strings.ReplaceAll(out, mark, body)
		}
		for ref := range b.links {
			if strings.Contains(out, "REF("+ref+")") {
				out = strings.ReplaceAll(out, "REF("+ref+")", resolve(ref))
			}
		}
		_, err := io.WriteString(w, out)
		return err
	}
	b.spliced = 0
	for _, page := range pages {
		f, err := fs.Create(filepath.Join(b.sites[i], page[0]))
		if err != nil {
			b.t.Fatal(err)
		}
		io.WriteString(f, page[1])
		if err := f.Close(); err != nil {
			b.t.Fatal(err)
		}
	}
	if err := fs.published.Save(b.record); err != nil {
		b.t.Fatal(err)
	}
}

func (b *siteBuilds) read(i int, name string) string {
	data, _ := os.ReadFile(filepath.Join(b.sites[i], name))
	return string(data)
}

// A page Hugo renders as it did when it was last written into the site,
// with its bodies and the pages it links to unchanged, is kept without
// splicing; any change (what Hugo wrote, a body, where a link leads, the
// file itself) splices it again.
func TestRecordKeepsWhatIsUnchanged(t *testing.T) {
	b := newSiteBuilds(t)
	b.bodies["MARK-1"] = "<p>body one</p>"
	b.links["/b.md"] = "/b/"
	pages := map[string]string{"a.html": "<main>MARK-1 <a href=REF(/b.md)></a></main>", "b.html": "<main>plain</main>"}
	b.build(0, pages)
	b.build(1, pages)
	if b.spliced != 2 {
		t.Fatalf("second site: %d pages spliced, want 2 (it has no record yet)", b.spliced)
	}
	b.build(0, pages)
	if b.spliced != 0 {
		t.Errorf("an unchanged build spliced %d pages", b.spliced)
	}
	if b.stats != 2 {
		t.Errorf("an unchanged build looked at %d pages, want 2", b.stats)
	}
	if got := b.read(0, "a.html"); got != "<main><p>body one</p> <a href=/b/></a></main>" {
		t.Errorf("a.html = %q", got)
	}
	b.build(1, pages)
	if b.spliced != 0 {
		t.Errorf("the other site, unchanged: %d pages spliced", b.spliced)
	}

	b.links["/b.md"] = "/moved/"
	b.build(0, pages)
	if b.spliced != 1 || b.read(0, "a.html") != "<main><p>body one</p> <a href=/moved/></a></main>" {
		t.Errorf("a link's target moved: %d spliced, a.html = %q", b.spliced, b.read(0, "a.html"))
	}

	// A body changes with its marker (it names what the body holds).
	b.bodies["MARK-2"] = "<p>body two</p>"
	pages["a.html"] = "<main>MARK-2 <a href=REF(/b.md)></a></main>"
	b.build(1, pages)
	if b.spliced != 1 || !strings.Contains(b.read(1, "a.html"), "body two") {
		t.Errorf("a body changed: %d spliced, a.html = %q", b.spliced, b.read(1, "a.html"))
	}

	// A file changed in the site since is published again.
	b.build(0, pages)
	page := filepath.Join(b.sites[1], "b.html")
	os.WriteFile(page, []byte("<main>edited</main>"), 0o644)
	b.build(1, pages)
	if b.spliced != 1 || b.read(1, "b.html") != "<main>plain</main>" {
		t.Errorf("a page edited in the site: %d spliced, b.html = %q", b.spliced, b.read(1, "b.html"))
	}
	// Even with its size and the same contents: its time tells.
	old := time.Now().Add(-time.Hour)
	os.Chtimes(page, old, old)
	b.build(1, pages)
	if b.spliced != 1 {
		t.Errorf("a page touched in the site: %d spliced, want 1", b.spliced)
	}
}

// A page published twice in a build (the second time as it was made the
// last time) is as the second publishing made it.
func TestPublishedTwice(t *testing.T) {
	b := newSiteBuilds(t)
	pages := map[string]string{"a.html": "<main>a</main>"}
	b.build(0, pages)
	b.build(1, pages)
	b.publish(0, [2]string{"a.html", "<main>other</main>"}, [2]string{"a.html", "<main>a</main>"})
	if got := b.read(0, "a.html"); got != "<main>a</main>" {
		t.Errorf("a.html = %q, want the second publishing's", got)
	}

	// Nor after the file was written otherwise (as Hugo's post-processing
	// does) before it is published.
	b.build(1, pages)
	b.publishAfter = func(fs *Fs) {
		f, err := fs.OpenFile(filepath.Join(b.sites[0], "a.html"), os.O_WRONLY|os.O_TRUNC, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(f, "<main>post-processed</main>")
		f.Close()
	}
	b.build(0, pages)
	if got := b.read(0, "a.html"); got != "<main>a</main>" {
		t.Errorf("a.html = %q, want as published", got)
	}
}

// A damaged record is no record.
func TestLoadRecordDamaged(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(shardFile(dir, 0), []byte("not a record"), 0o644)
	p := LoadRecord(dir)
	p.loaded.Wait()
	if old := p.shards[0].old; len(old) != 0 {
		t.Errorf("damaged record loaded as %v", old)
	}
}

// A build that publishes the same pages as the last one into the other
// site saves no record at all; one page changed rewrites the one file
// holding its record.
func TestRecordSavesWhatChanged(t *testing.T) {
	b := newSiteBuilds(t)
	pages := map[string]string{}
	for i := range 100 {
		pages[fmt.Sprintf("p%d.html", i)] = fmt.Sprintf("<p>%d</p>", i)
	}
	for i := range 4 {
		b.build(i%2, pages)
	}
	old := time.Now().Add(-time.Hour)
	files, _ := filepath.Glob(filepath.Join(b.record, "*.bin"))
	for _, f := range files {
		os.Chtimes(f, old, old)
	}
	rewritten := func() int {
		n := 0
		for _, f := range files {
			if info, _ := os.Stat(f); info.ModTime().After(old) {
				n++
				os.Chtimes(f, old, old)
			}
		}
		return n
	}
	b.build(0, pages)
	if n := rewritten(); n != 0 {
		t.Errorf("an unchanged build rewrote %d record files", n)
	}
	pages["p7.html"] = "<p>seven</p>"
	b.build(1, pages)
	if n := rewritten(); n != 1 {
		t.Errorf("one page changed: %d record files rewritten, want 1", n)
	}
}
