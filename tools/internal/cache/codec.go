package cache

import (
	"encoding/binary"
	"errors"
	"os"
	"time"
	"unsafe"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/images"
)

// The packs are kept in a binary form of their own rather than gob: an
// incremental build reads every record (10,000 scans), and gob took a
// fifth of a second of CPU and 30 MB of fresh memory to decode them. Here
// a shard's strings are views of the file's bytes and its slices are cut
// from a few shared arrays, so decoding allocates almost nothing.

// A codec writes and reads the records of one kind. format names the
// layout: a file in another layout is not read (the pack starts empty).
type codec[T any] struct {
	format string
	put    func(*encoder, T)
	get    func(*decoder) T
}

// errDamaged is any file a decoder cannot read to the end.
var errDamaged = errors.New("damaged cache file")

type encoder struct{ b []byte }

func (e *encoder) uint(n uint64) { e.b = binary.AppendUvarint(e.b, n) }
func (e *encoder) int(n int64)   { e.b = binary.AppendVarint(e.b, n) }
func (e *encoder) bool(v bool)   { e.uint(map[bool]uint64{false: 0, true: 1}[v]) }

func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) strs(ss []string) {
	e.uint(uint64(len(ss)))
	for _, s := range ss {
		e.str(s)
	}
}

// decoder reads what an encoder wrote. After the first error every read
// returns a zero value and err says what went wrong.
type decoder struct {
	data []byte
	text string // data, as a string sharing its memory
	i    int
	err  error

	strings  arena[string]
	findings arena[article.Finding]
	refs     arena[images.Ref]
}

// newDecoder reads data, which must not be changed afterwards: the strings
// read share its memory.
func newDecoder(data []byte) *decoder {
	return &decoder{data: data, text: unsafe.String(unsafe.SliceData(data), len(data))}
}

func (d *decoder) fail() { d.err, d.i = errDamaged, len(d.data) }

func (d *decoder) uint() uint64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Uvarint(d.data[d.i:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) int() int64 {
	if d.err != nil {
		return 0
	}
	v, n := binary.Varint(d.data[d.i:])
	if n <= 0 {
		d.fail()
		return 0
	}
	d.i += n
	return v
}

func (d *decoder) bool() bool { return d.uint() == 1 }

// count reads a length or a number of items, each taking at least a byte.
func (d *decoder) count() int {
	n := d.uint()
	if n > uint64(len(d.data)-d.i) {
		d.fail()
		return 0
	}
	return int(n)
}

func (d *decoder) str() string {
	n := d.count()
	s := d.text[d.i : d.i+n]
	d.i += n
	return s
}

func (d *decoder) strs() []string {
	ss := d.strings.take(d.count())
	for i := range ss {
		ss[i] = d.str()
	}
	return ss
}

func (d *decoder) key() Key {
	var k Key
	if len(d.data)-d.i < len(k) {
		d.fail()
		return k
	}
	d.i += copy(k[:], d.data[d.i:])
	return k
}

// arena hands out slices of a few large arrays, instead of one array each.
type arena[T any] struct{ free []T }

func (a *arena[T]) take(n int) []T {
	if n == 0 {
		return nil
	}
	if len(a.free) < n {
		a.free = make([]T, max(n, 4096))
	}
	s := a.free[:n:n] // full: an append to it copies, never overwrites the next
	a.free = a.free[n:]
	return s
}

func putFindings(e *encoder, fs []article.Finding) {
	e.uint(uint64(len(fs)))
	for _, f := range fs {
		e.str(f.File)
		e.int(int64(f.Line))
		e.int(int64(f.Col))
		e.int(int64(f.Severity))
		e.str(f.Rule)
		e.str(f.Message)
		e.str(f.Stage)
		e.bool(f.Fixable)
	}
}

func getFindings(d *decoder) []article.Finding {
	fs := d.findings.take(d.count())
	for i := range fs {
		fs[i] = article.Finding{File: d.str(), Line: int(d.int()), Col: int(d.int()), Severity: article.Severity(d.int()),
			Rule: d.str(), Message: d.str(), Stage: d.str(), Fixable: d.bool()}
	}
	return fs
}

// putTime keeps an instant (the zone is not kept: read back, it is UTC).
func putTime(e *encoder, t time.Time) {
	e.bool(!t.IsZero())
	if !t.IsZero() {
		e.int(t.Unix())
		e.int(int64(t.Nanosecond()))
	}
}

func getTime(d *decoder) time.Time {
	if !d.bool() {
		return time.Time{}
	}
	return time.Unix(d.int(), d.int()).UTC()
}

var scanCodec = codec[Scan]{
	format: "scans-1",
	put: func(e *encoder, s Scan) {
		putFindings(e, s.Findings)
		e.str(s.Account)
		e.str(s.Source)
		e.str(s.Path)
		e.bool(s.Readable)
		e.strs(s.URLs)
		e.uint(uint64(len(s.Images)))
		for _, r := range s.Images {
			e.str(r.Key)
			e.str(r.URL)
		}
		e.strs(s.Hrefs)
		putTime(e, s.Date)
		e.strs(s.Categories)
	},
	get: func(d *decoder) Scan {
		s := Scan{Findings: getFindings(d), Account: d.str(), Source: d.str(), Path: d.str(), Readable: d.bool(), URLs: d.strs()}
		s.Images = d.refs.take(d.count())
		for i := range s.Images {
			s.Images[i] = images.Ref{Key: d.str(), URL: d.str()}
		}
		s.Hrefs, s.Date, s.Categories = d.strs(), getTime(d), d.strs()
		return s
	},
}

var stagedCodec = codec[Staged]{
	format: "staged-1",
	put: func(e *encoder, s Staged) {
		e.str(s.Path)
		putFindings(e, s.Findings)
	},
	get: func(d *decoder) Staged { return Staged{Path: d.str(), Findings: getFindings(d)} },
}

var fileCodec = codec[FileStat]{
	format: "files-1",
	put: func(e *encoder, s FileStat) {
		e.int(s.Size)
		e.int(s.ModTime)
		e.uint(uint64(s.Mode))
		e.b = append(e.b, s.Key[:]...)
	},
	get: func(d *decoder) FileStat {
		return FileStat{Size: d.int(), ModTime: d.int(), Mode: os.FileMode(d.uint()), Key: d.key()}
	},
}

// encode writes records in c's layout.
func (c codec[T]) encode(records map[Key]T) []byte {
	e := &encoder{}
	e.str(c.format)
	e.uint(uint64(len(records)))
	for k, v := range records {
		e.b = append(e.b, k[:]...)
		c.put(e, v)
	}
	return e.b
}

// decode reads what encode wrote.
func (c codec[T]) decode(data []byte) (map[Key]T, error) {
	d := newDecoder(data)
	if d.str() != c.format {
		return nil, errDamaged
	}
	n := d.count()
	records := make(map[Key]T, n)
	for range n {
		k := d.key()
		records[k] = c.get(d)
	}
	if d.err == nil && d.i != len(d.data) {
		d.fail()
	}
	if d.err != nil {
		return nil, d.err
	}
	return records, nil
}
