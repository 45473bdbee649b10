package store

import (
	"bytes"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/cespare/xxhash/v2"
	"github.com/spf13/afero"
)

// full is an entry with every field set.
func full(key string) Entry {
	return Entry{Key: key, URL: "https://mmbiz.qpic.cn/" + key + "?a=1&b=<2>", Status: OK, File: "ab/abc.png",
		Width: 640, Height: 480, Format: "png", Bytes: 12345, Variants: Variants{{240, "cd/cde.png"}, {480, "ef/efg.png"}},
		Fetched: time.Date(2026, 11, 27, 13, 43, 15, 578244096, time.UTC), Error: "was 404 once", Permanent: true, Attempts: 3, Remapped: true}
}

// indexOf is the index of entries, as writeIndex writes it.
func indexOf(sum uint64, entries map[string]Entry) []byte {
	var b bytes.Buffer
	encodeIndex(&b, sum, slices.Collect(maps.Values(entries)))
	return b.Bytes()
}

func TestIndexRoundTrip(t *testing.T) {
	e := full("k")
	v := reflect.ValueOf(e)
	for i := range v.NumField() {
		if v.Field(i).IsZero() {
			t.Fatalf("the test entry leaves %s unset: set it, so the index is tested to keep it", v.Type().Field(i).Name)
		}
	}
	entries := map[string]Entry{"k": e, "failed": {Key: "failed", URL: "u", Status: Failed}}
	for i := range 1000 { // written in pieces: more than one
		k := fmt.Sprint("many/", i)
		entries[k] = full(k)
	}
	got, err := decodeIndex(indexOf(42, entries), 42)
	if err != nil || !reflect.DeepEqual(got, entries) {
		t.Errorf("read back %+v, %v\nwant %+v", got, err, entries)
	}
	if _, err := decodeIndex(indexOf(42, entries), 43); err == nil {
		t.Error("the index of other bytes was read")
	}
}

// The index is read when it is of the manifest's bytes, and only then:
// a manifest changed by anything else (an older mirror, git) is read
// again, and the index follows it.
func TestIndexFollowsTheManifest(t *testing.T) {
	fs := afero.NewMemMapFs()
	const index = "/cache/manifest.index"
	st, err := OpenIndexed(fs, "/s", index)
	if err != nil {
		t.Fatal(err)
	}
	st.Manifest().Set(full("a"))
	if err := st.Save(); err != nil {
		t.Fatal(err)
	}
	manifest, _ := afero.ReadFile(fs, "/s/"+ManifestName)

	// Read from the index: an index made to say otherwise, for the same
	// manifest bytes, is believed.
	afero.WriteFile(fs, index, indexOf(xxhash.Sum64(manifest), map[string]Entry{"b": full("b")}), 0o644)
	if st, err = OpenIndexed(fs, "/s", index); err != nil {
		t.Fatal(err)
	}
	if _, ok := st.Manifest().Get("b"); !ok {
		t.Fatal("the index was not read")
	}

	// The manifest changed without it (a store opened without the index):
	// read from the manifest, and the index is written again.
	plain, _ := Open(fs, "/s")
	plain.Manifest().Set(full("c"))
	plain.Save()
	for range 2 {
		if st, err = OpenIndexed(fs, "/s", index); err != nil {
			t.Fatal(err)
		}
		_, a := st.Manifest().Get("a")
		_, b := st.Manifest().Get("b")
		c, _ := st.Manifest().Get("c")
		if !a || b || !reflect.DeepEqual(c, full("c")) {
			t.Fatalf("a %v, b %v, c %+v: want the manifest's entries", a, b, c)
		}
	}

	// A damaged index is not used.
	afero.WriteFile(fs, index, []byte("garbage"), 0o644)
	if st, err = OpenIndexed(fs, "/s", index); err != nil || st.Manifest().Len() != 2 {
		t.Fatalf("with a damaged index: %v, %d entries", err, st.Manifest().Len())
	}
}
