package reuse

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// filled sets every field of v, recursively, to a value that is not its
// zero value, so a field the codec forgets fails the round trip.
func filled(v reflect.Value, seed *int) {
	*seed++
	switch v.Kind() {
	case reflect.String:
		v.SetString(string(rune('a'+*seed%26)) + "é<&>")
	case reflect.Int, reflect.Int64:
		v.SetInt(int64(*seed * -1000003))
	case reflect.Uint8:
		v.SetUint(uint64(*seed%255 + 1))
	case reflect.Uint32:
		v.SetUint(uint64(*seed) | 1<<31)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Array:
		for i := range v.Len() {
			filled(v.Index(i), seed)
		}
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range v.Len() {
			filled(v.Index(i), seed)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC).Add(time.Duration(*seed))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).Tag.Get("json") == "-" {
				continue // not kept in the cache, by design (it says so)
			}
			filled(v.Field(i), seed)
		}
	default:
		panic("filled: no value for " + v.Type().String())
	}
}

func roundTrip[T any](t *testing.T, c recordCodec[T]) {
	t.Helper()
	records := map[Key]T{}
	seed := 0
	for i := range 3 {
		var v T
		filled(reflect.ValueOf(&v).Elem(), &seed)
		records[KeyOf([]byte{byte(i)})] = v
	}
	var zero T
	records[KeyOf([]byte("zero"))] = zero
	got, err := c.decode(encoded(c, records))
	if err != nil {
		t.Fatalf("%s: %v", c.format, err)
	}
	if !reflect.DeepEqual(got, records) {
		t.Errorf("%s: read back\n%+v\nwant\n%+v", c.format, got, records)
	}
}

// Every field of every record survives the trip, whatever fields are
// added later.
func TestCodecsRoundTrip(t *testing.T) {
	roundTrip(t, scanCodec)
	roundTrip(t, stagedCodec)
	roundTrip(t, fileCodec)
}

// A file cut short, grown or of another layout is refused, never read in
// part.
func TestCodecRefusesDamagedFiles(t *testing.T) {
	scan := Scan{Source: "https://x/a", Links: []article.Link{{Href: "a"}, {Href: "b", Key: "k"}}, Images: []article.ImageRef{{Key: "k", URL: "u"}},
		Findings: []article.Finding{{Rule: "r", Message: "m"}}, Date: time.Unix(1e9, 0).UTC()}
	data := encoded(scanCodec, map[Key]Scan{KeyOf([]byte("a")): scan})
	for name, damaged := range map[string][]byte{
		"cut":          data[:len(data)-1],
		"grown":        append(append([]byte{}, data...), 0),
		"empty":        nil,
		"other layout": encoded(stagedCodec, map[Key]Staged{KeyOf([]byte("a")): {Path: "a"}}),
	} {
		if _, err := scanCodec.decode(damaged); err == nil {
			t.Errorf("%s: read without error", name)
		}
	}
}

// The files of earlier versions (gob, the staged copies) are removed when
// the cache opens;
// other files stay.
func TestOpenRemovesOldPacks(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"scans.gob", "scans-0.gob", "files-f.gob", "staged-3.gob", "links.gob", "media-sizes.gob", "staged/ab/cdef", "keep.gob"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755)
		os.WriteFile(filepath.Join(dir, name), []byte("x"), 0o644)
	}
	Open(dir)
	left, _ := filepath.Glob(filepath.Join(dir, "*"))
	for i := range left {
		left[i] = filepath.Base(left[i])
	}
	if !reflect.DeepEqual(left, []string{"keep.gob"}) {
		t.Errorf("left %v", left)
	}
}

func FuzzDecodeScans(f *testing.F) {
	f.Add(encoded(scanCodec, map[Key]Scan{KeyOf([]byte("a")): {Source: "s", Links: []article.Link{{Href: "h"}}, Date: time.Unix(5, 6).UTC()}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		records, err := scanCodec.decode(data)
		if err != nil {
			return
		}
		again, err := scanCodec.decode(encoded(scanCodec, records))
		if err != nil || !reflect.DeepEqual(again, records) {
			t.Errorf("read, written and read again: %v\n%+v\nwant\n%+v", err, again, records)
		}
	})
}

// encoded is what c writes of records.
func encoded[T any](c recordCodec[T], records map[Key]T) []byte {
	var b bytes.Buffer
	if err := c.encode(&b, records); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// Many records are written in pieces (see codec.Encoder.Spill) and read
// back whole.
func TestCodecManyRecords(t *testing.T) {
	records := map[Key]FileStat{}
	for i := range 3000 {
		k := KeyOf([]byte{byte(i), byte(i >> 8)})
		records[k] = FileStat{Size: int64(i), ModTime: int64(i) << 30, Mode: 0o644, Key: k}
	}
	data := encoded(fileCodec, records)
	if len(data) < 100<<10 {
		t.Fatalf("only %d bytes: not written in pieces", len(data))
	}
	if got, err := fileCodec.decode(data); err != nil || !reflect.DeepEqual(got, records) {
		t.Errorf("read back %d records, %v", len(got), err)
	}
}
