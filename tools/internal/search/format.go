package search

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// The index is a directory of static files the search page fetches as a
// query needs them (search.js reads them; Query here reads them the same
// way, for the tests):
//
//	meta.json      what the others are: buckets, slots, filters, build
//	fold.json      the traditional → simplified table, as pairs of characters
//	attrs.dat      per document slot: date, category, account and the
//	               original's status, for filters and sorting (8 bytes)
//	t/XXXX.dat     a bucket of terms: the documents holding each term of
//	               the bucket (a term's bucket is a hash of it)
//	f/N/SLOT.dat   a document: title, URL, date, category, account, text
//	               (for the results and their excerpts)
//
// .dat files are gzip (a host adds no Content-Encoding to that name).

// Version is the index format's version: the page refuses another.
const Version = 2 // 2: the original's status in attrs

// Meta is meta.json.
type Meta struct {
	Version    int      `json:"version"`
	Gen        string   `json:"gen"`   // the index's lineage: changes when built anew
	Build      int      `json:"build"` // every build's, to fetch the others fresh
	Buckets    int      `json:"buckets"`
	Slots      int      `json:"slots"`
	Docs       int      `json:"docs"`
	Categories []string `json:"categories"`
	Accounts   []string `json:"accounts"`
	Years      []int    `json:"years"`
	Statuses   []string `json:"statuses"`
}

// bucketOf is a term's bucket: FNV-1a of its UTF-8 bytes, modulo n.
func bucketOf(term string, n int) int { return int(fnv32a([]byte(term)) % uint32(n)) }

// bucketFile and docFile are where a bucket and a document are.
func bucketFile(b int) string { return fmt.Sprintf("t/%04x.dat", b) }
func docFile(slot int) string { return fmt.Sprintf("f/%d/%d.dat", slot/1000, slot) }
func bucketCount(docs int) int { // about 10 KB a bucket at 2,500 terms a document
	n := 64
	for n < 8192 && n*10 < docs*4 {
		n *= 2
	}
	return n
}

// posting is a document holding a term: its slot, and a weight: 0x80 when
// the title holds the term, and how often the text does (at most 127).
type posting struct {
	slot   uint32
	weight uint8
}

const titleWeight = 0x80

// encodeBucket writes terms and their postings, terms in order, each
// term's postings by slot (delta coded).
func encodeBucket(terms map[string][]posting) []byte {
	var b []byte
	for _, term := range slices.Sorted(maps.Keys(terms)) {
		ps := terms[term]
		if len(ps) == 0 {
			continue
		}
		slices.SortFunc(ps, func(x, y posting) int { return int(x.slot) - int(y.slot) })
		b = binary.AppendUvarint(b, uint64(len(term)))
		b = append(b, term...)
		b = binary.AppendUvarint(b, uint64(len(ps)))
		last := uint32(0)
		for _, p := range ps {
			b = binary.AppendUvarint(b, uint64(p.slot-last))
			b = append(b, p.weight)
			last = p.slot
		}
	}
	return b
}

var errDamaged = errors.New("damaged index file")

// decodeBucket reads what encodeBucket wrote.
func decodeBucket(b []byte) (map[string][]posting, error) {
	terms := map[string][]posting{}
	for len(b) > 0 {
		n, k := binary.Uvarint(b)
		if k <= 0 || uint64(len(b)-k) < n {
			return nil, errDamaged
		}
		term := string(b[k : k+int(n)])
		b = b[k+int(n):]
		count, k := binary.Uvarint(b)
		if k <= 0 || count > uint64(len(b)) {
			return nil, errDamaged
		}
		b = b[k:]
		ps := make([]posting, 0, count)
		last := uint32(0)
		for range count {
			d, k := binary.Uvarint(b)
			if k <= 0 || len(b) < k+1 {
				return nil, errDamaged
			}
			last += uint32(d)
			ps = append(ps, posting{last, b[k]})
			b = b[k+1:]
		}
		terms[term] = ps
	}
	return terms, nil
}

// Doc is an article as the index knows it.
type Doc struct {
	Key      string    `json:"-"` // its staged page: stable between builds
	Title    string    `json:"t"`
	URL      string    `json:"u"`
	Date     time.Time `json:"-"`
	Day      string    `json:"d"` // the date as shown, 2006-01-02
	Category string    `json:"c,omitempty"`
	Account  string    `json:"a,omitempty"`
	Text     string    `json:"x"`
	// StatusID names the original in the status record (see package
	// status): the index shows what became of it, kept up to date
	// without reading the document again.
	StatusID string `json:"-"`
}

// weights are the terms of a document with their weights: Han pairs (see
// pair) and word prefixes apart.
type weights struct {
	pairs map[uint64]uint8
	words map[string]uint8
}

// weights weighs the document's terms.
func (d *Doc) weights() weights {
	w := weights{pairs: make(map[uint64]uint8, len(d.Text)/4), words: map[string]uint8{}}
	Terms(d.Text, func(p uint64) {
		if w.pairs[p] < 0x7f {
			w.pairs[p]++
		}
	}, func(t string) {
		if w.words[t] < 0x7f {
			w.words[t]++
		}
	})
	Terms(d.Title, func(p uint64) { w.pairs[p] |= titleWeight }, func(t string) { w.words[t] |= titleWeight })
	return w
}

// changedBuckets adds to dirty the buckets of the terms whose weight
// differs between a and b (a document's old and new terms).
func changedBuckets(a, b weights, n int, dirty map[int]bool) {
	diffTerms(a.pairs, b.pairs, func(p uint64) { dirty[bucketOfPair(p, n)] = true })
	diffTerms(a.words, b.words, func(t string) { dirty[bucketOf(t, n)] = true })
}

// diffTerms calls changed with each term whose weight differs in a and b.
func diffTerms[K comparable](a, b map[K]uint8, changed func(K)) {
	for k, w := range a {
		if b[k] != w {
			changed(k)
		}
	}
	for k, w := range b {
		if _, ok := a[k]; !ok || a[k] != w {
			changed(k)
		}
	}
}

// days is a date as the attrs file keeps it: days since 1970, 0 for none.
func days(t time.Time) uint16 {
	if t.IsZero() || t.Unix() < 86400 {
		return 0
	}
	return uint16(min(t.Unix()/86400, 65535))
}

// gzips are gzip writers to reuse: each holds a megabyte of state, and an
// index is thousands of files.
var gzips = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed); return w }}

func gz(data []byte) []byte {
	var b bytes.Buffer
	w := gzips.Get().(*gzip.Writer)
	w.Reset(&b)
	w.Write(data)
	w.Close()
	gzips.Put(w)
	return b.Bytes()
}

func gunzip(data []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, errDamaged
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return nil, errDamaged
	}
	return out, nil
}

// foldTable is fold.json: every character fold changes and what it
// becomes, as one string of pairs.
func foldTable() []byte {
	var b strings.Builder
	for _, r := range slices.Sorted(maps.Keys(folds())) {
		b.WriteRune(r)
		b.WriteRune(folds()[r])
	}
	data, _ := json.Marshal(b.String())
	return data
}
