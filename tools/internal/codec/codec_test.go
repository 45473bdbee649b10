package codec

import (
	"bytes"
	"errors"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	when := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.FixedZone("CST", 8*3600))
	e := &Encoder{}
	e.Uint(1 << 40)
	e.Int(-7)
	e.Bool(true)
	e.Text("标题 <&>")
	e.Texts([]string{"a", "", "c"})
	e.Texts(nil)
	e.Bytes([]byte{1, 2, 3})
	e.Time(when)
	e.Time(time.Time{})

	d := NewDecoder(e.B)
	var b [3]byte
	u, i, ok, s, ss, none := d.Uint(), d.Int(), d.Bool(), d.Text(), d.Texts(), d.Texts()
	d.Bytes(b[:])
	at, zero := d.Time(), d.Time()
	if err := d.End(); err != nil {
		t.Fatal(err)
	}
	if u != 1<<40 || i != -7 || !ok || s != "标题 <&>" || !slices.Equal(ss, []string{"a", "", "c"}) || none != nil || b != [3]byte{1, 2, 3} {
		t.Errorf("read %v %v %v %q %q %v %v", u, i, ok, s, ss, none, b)
	}
	if !at.Equal(when) || at.Location() != time.UTC || !zero.IsZero() {
		t.Errorf("times %v %v", at, zero)
	}
}

func TestDamage(t *testing.T) {
	str := func(s string) []byte { e := &Encoder{}; e.Text(s); return e.B }
	for name, tt := range map[string]struct {
		data []byte
		read func(*Decoder)
	}{
		"string cut short":   {str("hello")[:4], func(d *Decoder) { d.Text() }},
		"count past the end": {[]byte{200, 1}, func(d *Decoder) { d.Texts() }},
		"varint cut short":   {[]byte{0x80}, func(d *Decoder) { d.Uint() }},
		"not a bool":         {[]byte{2}, func(d *Decoder) { d.Bool() }},
		"bytes cut short":    {[]byte{1}, func(d *Decoder) { d.Bytes(make([]byte, 2)) }},
		"data left over":     {append(str("a"), 0), func(d *Decoder) { d.Text() }},
		"nothing to read":    {nil, func(d *Decoder) { d.Int() }},
	} {
		d := NewDecoder(tt.data)
		tt.read(d)
		if err := d.End(); !errors.Is(err, ErrDamaged) {
			t.Errorf("%s: %v, want ErrDamaged", name, err)
		}
	}
}

// Slices from an arena do not overlap: appending to one leaves the next
// as it was.
func TestArenaSlicesAreFull(t *testing.T) {
	var a Arena[int]
	x, y := a.Take(2), a.Take(2)
	y[0] = 9
	x = append(x, 1)
	if y[0] != 9 || len(x) != 3 {
		t.Errorf("x %v y %v", x, y)
	}
}

// A file reads back as written.
func TestReadFile(t *testing.T) {
	e := &Encoder{}
	e.Texts([]string{"one", "two"})
	name := t.TempDir() + "/f"
	if err := os.WriteFile(name, e.B, 0o644); err != nil {
		t.Fatal(err)
	}
	data, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	d := NewDecoder(data)
	if got := d.Texts(); !slices.Equal(got, []string{"one", "two"}) || d.End() != nil {
		t.Errorf("read %q, %v", got, d.End())
	}
	if _, err := ReadFile(name + ".missing"); err == nil {
		t.Error("a missing file was read")
	}
}

// A file of records reads back as written, in its format only.
func TestWriteReadMap(t *testing.T) {
	m := map[string]int64{}
	for i := range 5000 { // more than one piece
		m[strings.Repeat("k", i%7)+string(rune('a'+i%26))+strings.Repeat("x", i/26)] = int64(i)
	}
	var b bytes.Buffer
	err := Write(&b, "sizes-1", len(m), maps.All(m), func(e *Encoder, k string, v int64) {
		e.Text(k)
		e.Int(v)
	})
	if err != nil {
		t.Fatal(err)
	}
	read := func(format string) (map[string]int64, error) {
		d := NewDecoder(b.Bytes())
		return ReadMap(d, format, func() (string, int64) { return d.Text(), d.Int() })
	}
	if got, err := read("sizes-1"); err != nil || !maps.Equal(got, m) {
		t.Errorf("read back %d records, %v", len(got), err)
	}
	if _, err := read("sizes-2"); !errors.Is(err, ErrDamaged) {
		t.Errorf("another format: %v", err)
	}
}
