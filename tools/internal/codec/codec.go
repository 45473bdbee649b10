// Package codec writes and reads the build's derived records (the cache's
// scans, the image manifest's index) in a compact binary form meant to be
// read fast: a file is read in one piece, the strings read from it share
// its memory, and slices are cut from a few shared arrays (see Arena), so
// reading allocates almost nothing. An incremental build reads tens of
// thousands of records; gob and JSON took a fifth of a second each, and
// most of it was memory fresh from the system, slow to fault in on small
// virtual machines.
//
// A file holds no description of itself but the format name its writer
// gives: readers refuse any other, and a file cut short or grown.
package codec

import (
	"encoding/binary"
	"errors"
	"io"
	"iter"
	"time"
	"unsafe"
)

// ErrDamaged is returned for data a Decoder cannot read to the end.
var ErrDamaged = errors.New("damaged or foreign data")

// Encoder appends values to B.
type Encoder struct{ B []byte }

// spillBytes is how much an Encoder holds before Spill writes it.
const spillBytes = 32 << 10

// Spill writes what e holds to w once it holds more than a few tens of
// kilobytes, and empties it: records encoded one by one, spilled after
// each, take little memory however many they are (fresh memory is slow
// to fault in on small virtual machines).
func (e *Encoder) Spill(w io.Writer) error {
	if len(e.B) < spillBytes {
		return nil
	}
	return e.Flush(w)
}

// Flush writes what e holds to w and empties it.
func (e *Encoder) Flush(w io.Writer) error {
	_, err := w.Write(e.B)
	e.B = e.B[:0]
	return err
}

// Uint appends n.
func (e *Encoder) Uint(n uint64) { e.B = binary.AppendUvarint(e.B, n) }

// Int appends n.
func (e *Encoder) Int(n int64) { e.B = binary.AppendVarint(e.B, n) }

// Bool appends v.
func (e *Encoder) Bool(v bool) {
	if v {
		e.Uint(1)
	} else {
		e.Uint(0)
	}
}

// Text appends s, its length first.
func (e *Encoder) Text(s string) {
	e.Uint(uint64(len(s)))
	e.B = append(e.B, s...)
}

// Texts appends ss, their number first.
func (e *Encoder) Texts(ss []string) {
	e.Uint(uint64(len(ss)))
	for _, s := range ss {
		e.Text(s)
	}
}

// Bytes appends b as it is: its length is known to the reader.
func (e *Encoder) Bytes(b []byte) { e.B = append(e.B, b...) }

// Time appends an instant; its zone is not kept (read back, it is UTC).
func (e *Encoder) Time(t time.Time) {
	e.Bool(!t.IsZero())
	if !t.IsZero() {
		e.Int(t.Unix())
		e.Int(int64(t.Nanosecond()))
	}
}

// Decoder reads what an Encoder appended. After the first error every
// read returns a zero value and Err says what went wrong.
type Decoder struct {
	data []byte
	text string // data, as a string sharing its memory
	i    int
	err  error

	strings Arena[string]
}

// NewDecoder reads data, which must not be changed afterwards: the strings
// read share its memory.
func NewDecoder(data []byte) *Decoder {
	return &Decoder{data: data, text: unsafe.String(unsafe.SliceData(data), len(data))}
}

// Err is the first error met, if any.
func (d *Decoder) Err() error { return d.err }

// End is Err, or ErrDamaged if data is left unread.
func (d *Decoder) End() error {
	if d.err == nil && d.i != len(d.data) {
		d.fail()
	}
	return d.err
}

func (d *Decoder) fail() { d.err, d.i = ErrDamaged, len(d.data) }

// Uint reads what Encoder.Uint wrote.
func (d *Decoder) Uint() uint64 { return varint(d, binary.Uvarint) }

// Int reads what Encoder.Int wrote.
func (d *Decoder) Int() int64 { return varint(d, binary.Varint) }

// varint reads a number with read (binary.Uvarint or binary.Varint).
func varint[N uint64 | int64](d *Decoder, read func([]byte) (N, int)) N {
	if d.err != nil {
		return 0
	}
	v, n := read(d.data[d.i:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.i += n
	return v
}

// Bool reads what Encoder.Bool wrote.
func (d *Decoder) Bool() bool {
	switch d.Uint() {
	case 0:
		return false
	case 1:
		return true
	}
	d.fail()
	return false
}

// Count reads a length or a number of items written with Uint, each item
// taking at least a byte: a count larger than what is left is damage (and
// no slice is made that large).
func (d *Decoder) Count() int {
	n := d.Uint()
	if n > uint64(len(d.data)-d.i) {
		d.fail()
		return 0
	}
	return int(n)
}

// Text reads what Encoder.Text wrote.
func (d *Decoder) Text() string {
	n := d.Count()
	s := d.text[d.i : d.i+n]
	d.i += n
	return s
}

// Texts reads what Encoder.Texts wrote; none reads as nil.
func (d *Decoder) Texts() []string {
	ss := d.strings.Take(d.Count())
	for i := range ss {
		ss[i] = d.Text()
	}
	return ss
}

// Bytes reads into b what Encoder.Bytes wrote.
func (d *Decoder) Bytes(b []byte) {
	if len(d.data)-d.i < len(b) {
		d.fail()
		return
	}
	d.i += copy(b, d.data[d.i:])
}

// Time reads what Encoder.Time wrote.
func (d *Decoder) Time() time.Time {
	if !d.Bool() {
		return time.Time{}
	}
	return time.Unix(d.Int(), d.Int()).UTC()
}

// arenaBytes is the size of an Arena's arrays: small enough that a file of
// few records wastes little.
const arenaBytes = 16 << 10

// Write writes to w a file of n records in format: the format's name, n,
// then what put writes of each record, in pieces (see Spill).
func Write[K, V any](w io.Writer, format string, n int, records iter.Seq2[K, V], put func(e *Encoder, k K, v V)) error {
	e := &Encoder{}
	e.Text(format)
	e.Uint(uint64(n))
	for k, v := range records {
		put(e, k, v)
		if err := e.Spill(w); err != nil {
			return err
		}
	}
	return e.Flush(w)
}

// ReadMap reads from d what Write wrote in format, get reading each
// record as a key and a value; a file of another format, or cut short or
// grown, is ErrDamaged.
func ReadMap[K comparable, V any](d *Decoder, format string, get func() (K, V)) (map[K]V, error) {
	if d.Text() != format {
		return nil, ErrDamaged
	}
	n := d.Count()
	records := make(map[K]V, n)
	for range n {
		k, v := get()
		records[k] = v
	}
	if err := d.End(); err != nil {
		return nil, err
	}
	return records, nil
}

// Arena hands out slices of a few large arrays instead of one array each.
type Arena[T any] struct{ free []T }

// Take returns a slice of n zero values; none is nil.
func (a *Arena[T]) Take(n int) []T {
	if n == 0 {
		return nil
	}
	if len(a.free) < n {
		var zero T
		a.free = make([]T, max(n, arenaBytes/int(unsafe.Sizeof(zero))))
	}
	s := a.free[:n:n] // full: appending to it copies, never overwrites the next
	a.free = a.free[n:]
	return s
}
