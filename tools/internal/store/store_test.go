package store

import (
	"context"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"
)

func TestPutIsContentAddressed(t *testing.T) {
	st, err := Open(afero.NewMemMapFs(), "/s")
	if err != nil {
		t.Fatal(err)
	}
	a, _ := st.Put([]byte("one"), "png")
	b, _ := st.Put([]byte("one"), "png")
	c, _ := st.Put([]byte("two"), "png")
	if a != b || a == c || path.Ext(a) != ".png" || !st.Has(a) {
		t.Errorf("names %q %q %q", a, b, c)
	}
}

// Has answers from one listing of the store, kept up to date by Put, and
// still sees a file stored by another run since.
func TestHas(t *testing.T) {
	fs := afero.NewMemMapFs()
	st, _ := Open(fs, "/s")
	before, _ := st.Put([]byte("before"), "jpg")
	if !st.Has(before) || st.Has("ab/abcdef.jpg") || st.Has("before.jpg") {
		t.Fatal("Has is wrong on the first listing")
	}
	after, _ := st.Put([]byte("after"), "jpg")
	other, _ := Open(fs, "/s")
	elsewhere, _ := other.Put([]byte("by another run"), "png")
	if !st.Has(after) || !st.Has(elsewhere) {
		t.Error("Has misses a file stored after the listing")
	}
}

func TestManifestRoundTrip(t *testing.T) {
	fs := afero.NewMemMapFs()
	st, _ := Open(fs, "/s")
	// Written with encoding/json (which escapes & < >), read with JSON v2.
	b := Entry{Key: "b", URL: "https://x/b?a=1&b=<2>", Status: OK, File: "ab/cd.png", Width: 3, Height: 4, Format: "png", Bytes: 5,
		Variants: Variants{{240, "ef/01.png"}, {1080, "ef/02.png"}}, Fetched: time.Date(2026, 11, 27, 13, 43, 15, 578244096, time.UTC), Attempts: 2}
	st.Manifest().Set(b)
	st.Manifest().Set(Entry{Key: "a", URL: "https://x/a", Status: Failed, Error: "HTTP 404", Permanent: true})
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := afero.ReadFile(fs, "/s/"+ManifestName)
	if string(data[:8]) != `{"key":"` || len(data) == 0 {
		t.Fatalf("manifest: %s", data)
	}
	// Variants written as they always were, an object by width.
	if want := `"variants":{"1080":"ef/02.png","240":"ef/01.png"}`; !strings.Contains(string(data), want) {
		t.Errorf("manifest: %s\nwant %s", data, want)
	}
	again, err := Open(fs, "/s")
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := again.Manifest().Get("b"); !ok || !reflect.DeepEqual(e, b) {
		t.Errorf("b = %+v\nwant %+v", e, b)
	}
	if e, _ := again.Manifest().Get("a"); !e.Permanent || e.Status != Failed {
		t.Errorf("a = %+v", e)
	}
	for damaged, line := range map[string]int{
		"{\"key\":\"x\"}\nnot json\n":               2,
		"{\"key\":\"x\"}\n\n{\"url\":\"no key\"}\n": 3,
		"{\"key\":\"x\"}\n{\"key\":":                2,
	} {
		afero.WriteFile(fs, "/s/"+ManifestName, []byte(damaged), 0o644)
		_, err := Open(fs, "/s")
		if want := fmt.Sprintf("%s:%d: ", ManifestName, line); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one naming %q", damaged, err, want)
		}
	}
}

// A second run on the same store waits for the first, and then sees what
// the first one stored.
func TestLockSerializesRuns(t *testing.T) {
	dir := t.TempDir()
	first, _ := Open(afero.NewOsFs(), dir)
	if err := first.Lock(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	var waited, got atomic.Bool
	done := make(chan struct{})
	second, _ := Open(afero.NewOsFs(), dir)
	go func() {
		defer close(done)
		if err := second.Lock(context.Background(), func() { waited.Store(true) }); err != nil {
			t.Error(err)
			return
		}
		got.Store(true)
		_, ok := second.Manifest().Get("k")
		if !ok {
			t.Error("the second run does not see the first run's entry")
		}
		second.Unlock()
	}()
	time.Sleep(300 * time.Millisecond)
	if got.Load() || !waited.Load() {
		t.Fatalf("second run got the lock while the first held it (waited %v)", waited.Load())
	}
	first.Manifest().Set(Entry{Key: "k", Status: OK, File: "x"})
	first.Save()
	first.Unlock()
	<-done
}

func TestCleanRemovesTemporaryFiles(t *testing.T) {
	fs := afero.NewMemMapFs()
	st, _ := Open(fs, "/s")
	afero.WriteFile(fs, "/s/ab/.abcd.png.tmp-123", []byte("half"), 0o644)
	name, _ := st.Put([]byte("whole"), "png")
	if err := st.Clean(); err != nil {
		t.Fatal(err)
	}
	if ok, _ := afero.Exists(fs, "/s/ab/.abcd.png.tmp-123"); ok {
		t.Error("temporary file left")
	}
	if !st.Has(name) {
		t.Error("a stored file was removed")
	}
}

// A run that finds the lock file saying "running" follows one that died
// holding the store, and must clean up after it; after a clean unlock the
// next run need not.
func TestLockTellsAnInterruptedRun(t *testing.T) {
	dir := t.TempDir()
	st, _ := Open(afero.NewOsFs(), dir)
	if err := st.Lock(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if st.Interrupted() {
		t.Error("a first run is taken for an interrupted one")
	}
	st.Unlock()
	again, _ := Open(afero.NewOsFs(), dir)
	again.Lock(context.Background(), nil)
	if again.Interrupted() {
		t.Error("a run after a clean unlock is taken for an interrupted one")
	}
	again.Unlock()
	// What a killed run leaves: the state it wrote, and no unlock.
	os.WriteFile(filepath.Join(dir, ".mirror.lock"), []byte(stateRunning), 0o644)
	after, _ := Open(afero.NewOsFs(), dir)
	after.Lock(context.Background(), nil)
	defer after.Unlock()
	if !after.Interrupted() {
		t.Error("a run after a killed one does not know it")
	}
}
