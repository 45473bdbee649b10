package search

import (
	"cmp"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// QueryTerms are the terms a query looks up: the pairs of its Han runs,
// and the first maxPrefix characters of each word of other scripts (a
// prefix finds the words it starts). A single Han character or letter
// looks up nothing. search.js does the same.
func QueryTerms(q string) []string {
	var terms []string
	seen := map[string]bool{}
	add := func(t string) {
		if !seen[t] {
			seen[t] = true
			terms = append(terms, t)
		}
	}
	var prevHan rune = -1
	var word []rune
	flush := func() {
		if len(word) >= 2 {
			add(string(word[:min(len(word), maxPrefix)]))
		}
		word = word[:0]
	}
	for _, r := range q {
		r = fold(r)
		switch {
		case isHan(r):
			flush()
			if prevHan >= 0 {
				add(string([]rune{prevHan, r}))
			}
			prevHan = r
		case isWordRune(r):
			prevHan = -1
			word = append(word, r)
		default:
			prevHan = -1
			flush()
		}
	}
	flush()
	return spread(terms, maxQueryTerms)
}

// maxQueryTerms is how many terms a query looks up at most: a pasted
// paragraph would otherwise fetch a bucket per pair of it. A longer
// query's terms are taken evenly along it (search.js does the same).
const maxQueryTerms = 12

func spread(terms []string, n int) []string {
	if len(terms) <= n {
		return terms
	}
	out := make([]string, n)
	for i := range out {
		out[i] = terms[i*(len(terms)-1)/(n-1)]
	}
	return out
}

// Filter narrows a query's results; "" or 0 is any.
type Filter struct {
	Category, Account, Status string
	Year                      int
}

// Result is a document a query found.
type Result struct {
	Slot  int
	Score int
	Days  uint16
}

// Query runs a query against the index in dir as the search page does:
// the documents holding every term, best first (title hits above body
// hits, then how often), newest first among equals.
func Query(dir, q string, f Filter) ([]Result, error) {
	m, err := ReadMeta(dir)
	if err != nil {
		return nil, err
	}
	terms := QueryTerms(q)
	if len(terms) == 0 {
		return nil, nil
	}
	var scores map[uint32]int
	for _, t := range terms {
		bucket, _, err := readBucket(dir, bucketOf(t, m.Buckets))
		if err != nil {
			return nil, err
		}
		next := map[uint32]int{}
		for _, p := range bucket[t] {
			if scores != nil {
				if _, ok := scores[p.slot]; !ok {
					continue
				}
			}
			s := int(p.weight & 0x7f)
			if p.weight&titleWeight != 0 {
				s += 100
			}
			next[p.slot] = scores[p.slot] + s
		}
		scores = next
	}
	attrs, err := readAttrs(dir)
	if err != nil {
		return nil, err
	}
	var out []Result
	for slot, score := range scores {
		a := attrs[slot]
		if (f.Category != "" && (a.category == 0 || m.Categories[a.category-1] != f.Category)) ||
			(f.Account != "" && (a.account == 0 || m.Accounts[a.account-1] != f.Account)) ||
			(f.Status != "" && (a.status == 0 || m.Statuses[a.status-1] != f.Status)) ||
			(f.Year != 0 && yearOf(a.days) != f.Year) {
			continue
		}
		out = append(out, Result{Slot: int(slot), Score: score, Days: a.days})
	}
	slices.SortFunc(out, func(x, y Result) int {
		return cmp.Or(cmp.Compare(y.Score, x.Score), cmp.Compare(y.Days, x.Days), cmp.Compare(x.Slot, y.Slot))
	})
	return out, nil
}

// Document reads a found document.
func Document(dir string, slot int) (*Doc, error) { return readDoc(dir, slot) }

type attr struct{ days, category, account, status uint16 }

// attrSize is a document's attributes in attrs.dat: four little-endian
// uint16s.
const attrSize = 8

func readAttrs(dir string) ([]attr, error) {
	data, err := os.ReadFile(filepath.Join(dir, "attrs.dat"))
	if err != nil {
		return nil, err
	}
	raw, err := gunzip(data)
	if err != nil || len(raw)%attrSize != 0 {
		return nil, errDamaged
	}
	out := make([]attr, len(raw)/attrSize)
	for i := range out {
		b := raw[attrSize*i:]
		out[i] = attr{binary.LittleEndian.Uint16(b), binary.LittleEndian.Uint16(b[2:]), binary.LittleEndian.Uint16(b[4:]), binary.LittleEndian.Uint16(b[6:])}
	}
	return out, nil
}

func yearOf(days uint16) int {
	if days == 0 {
		return 0
	}
	return time.Unix(int64(days)*86400, 0).UTC().Year()
}

// Fetched is how many bytes the search page fetches for a first query q
// (as search.js does: meta.json, fold.json for a Han query, attrs.dat,
// the buckets of its terms, and the documents of the first page of
// results).
func Fetched(dir, q string, page int) (int64, error) {
	m, err := ReadMeta(dir)
	if err != nil {
		return 0, err
	}
	files := []string{"meta.json", "attrs.dat"}
	if strings.IndexFunc(q, isHan) >= 0 {
		files = append(files, "fold.json")
	}
	for _, t := range QueryTerms(q) {
		files = append(files, bucketFile(bucketOf(t, m.Buckets)))
	}
	rs, err := Query(dir, q, Filter{})
	if err != nil {
		return 0, err
	}
	for _, r := range rs[:min(page, len(rs))] {
		files = append(files, docFile(r.Slot))
	}
	var n int64
	for _, f := range slices.Compact(files) {
		info, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return 0, err
		}
		n += info.Size()
	}
	return n, nil
}
