package search

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Dir is where in the site the index is.
const Dir = "search-index"

// Source is what the index is made of: the articles by key, with what
// each holds (a changed holding is a changed article), and a reader.
type Source interface {
	Pages() map[string]string
	Read(key string) (Doc, error)
}

// Stats say what an update did.
type Stats struct {
	Docs, Added, Changed, Removed int
	Buckets, BucketsWritten       int
	Duration                      time.Duration
}

// state is what the last update left, kept in the build cache: which
// document is in which slot, holding what, with the attributes the attrs
// file is written from. The index in the site is the rest.
type state struct {
	Version int
	Gen     string
	Build   int
	Buckets int
	Slots   []slot
}

type slot struct {
	Key, Holds        string
	Days              uint16
	Category, Account string
}

// Update brings the index in dir up to date with src, changing only what
// the articles added, changed or removed since the last update change:
// their documents and the buckets of their terms (old and new). With no
// usable state (the first build, another format, an index that is not
// the one the state describes), it builds the index anew. stateFile
// keeps the state between builds.
func Update(ctx context.Context, src Source, dir, stateFile string, jobs int) (Stats, error) {
	start := time.Now()
	st, ok := loadState(stateFile, dir)
	pages := src.Pages()
	if !ok || st.Buckets != bucketCount(len(pages)) {
		st = newState(len(pages))
		if err := os.RemoveAll(dir); err != nil {
			return Stats{}, err
		}
	}
	u := &update{src: src, dir: dir, st: st, jobs: max(jobs, 1)}
	u.plan(pages)
	err := u.apply(ctx)
	if errors.Is(err, errDamaged) || errors.Is(err, fs.ErrNotExist) {
		// A file of the index was damaged or lost: made anew.
		if err := os.RemoveAll(dir); err != nil {
			return u.stats, err
		}
		u = &update{src: src, dir: dir, st: newState(len(pages)), jobs: max(jobs, 1)}
		u.plan(pages)
		err = u.apply(ctx)
	}
	if err != nil {
		return u.stats, err
	}
	u.st.Build++
	if err := u.writeMeta(); err != nil {
		return u.stats, err
	}
	u.stats.Duration = time.Since(start)
	return u.stats, saveState(stateFile, u.st)
}

// update is one update in progress.
type update struct {
	src  Source
	dir  string
	st   *state
	jobs int

	bySlot map[string]int // key → slot
	gone   []int          // slots whose document changed or went: their old postings go
	fresh  []int          // slots to read and index
	stats  Stats
}

// plan sorts the pages into unchanged, changed, added and removed, and
// gives the added ones slots (free ones first).
func (u *update) plan(pages map[string]string) {
	u.bySlot = map[string]int{}
	for i, s := range u.st.Slots {
		if s.Key != "" {
			u.bySlot[s.Key] = i
		}
	}
	for key, i := range u.bySlot {
		if _, ok := pages[key]; !ok {
			u.gone = append(u.gone, i)
			u.st.Slots[i] = slot{}
			delete(u.bySlot, key)
			u.stats.Removed++
		}
	}
	for _, key := range slices.Sorted(maps.Keys(pages)) {
		i, known := u.bySlot[key]
		switch {
		case known && u.st.Slots[i].Holds == pages[key]:
			continue
		case known:
			u.gone = append(u.gone, i)
			u.stats.Changed++
		default:
			i = u.freeSlot()
			u.bySlot[key] = i
			u.stats.Added++
		}
		u.st.Slots[i] = slot{Key: key, Holds: pages[key]}
		u.fresh = append(u.fresh, i)
	}
	u.stats.Docs = len(pages)
	u.stats.Buckets = u.st.Buckets
}

func (u *update) freeSlot() int {
	for i, s := range u.st.Slots {
		if s.Key == "" && !slices.Contains(u.gone, i) {
			return i
		}
	}
	u.st.Slots = append(u.st.Slots, slot{})
	return len(u.st.Slots) - 1
}

// passDocs is how many fresh documents one pass over the buckets takes:
// a build anew of a large archive makes the buckets in passes, each
// reading the documents again and keeping the postings of its share of
// the buckets only, so memory stays bounded (100,000 articles in 2 GB).
const passDocs = 20000

// apply reads the fresh documents, finds the buckets whose terms changed,
// rewrites those and the documents' files, and removes the files of
// documents gone.
func (u *update) apply(ctx context.Context) error {
	if len(u.fresh) == 0 && len(u.gone) == 0 {
		return nil // nothing changed: no indexing work
	}
	dirty := map[int]bool{}
	if u.stats.Added == u.stats.Docs { // anew: every bucket is written
		for b := range u.st.Buckets {
			dirty[b] = true
		}
	}
	for _, i := range u.gone {
		d, err := readDoc(u.dir, i)
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		for t := range d.postings() {
			dirty[bucketOf(t, u.st.Buckets)] = true
		}
	}
	passes := 1 + len(u.fresh)/passDocs
	for pass := range passes {
		add, err := u.read(ctx, pass, passes)
		if err != nil {
			return err
		}
		for b := range add {
			dirty[b] = true
		}
		var mine []int
		for b := range dirty {
			if b%passes == pass {
				mine = append(mine, b)
			}
		}
		if err := u.rewriteBuckets(ctx, mine, add); err != nil {
			return err
		}
	}
	for _, i := range u.gone {
		if u.st.Slots[i].Key == "" {
			os.Remove(filepath.Join(u.dir, docFile(i)))
		}
	}
	return nil
}

// read reads and tokenizes the fresh documents, jobs at a time, and
// returns the postings of the buckets of this pass (b % passes == pass);
// the first pass writes the documents' files.
func (u *update) read(ctx context.Context, pass, passes int) (map[int]map[string][]uint32, error) {
	add := map[int]map[string][]uint32{}
	var mu sync.Mutex
	errs := make([]error, len(u.fresh))
	pipeline.Each(ctx, len(u.fresh), u.jobs, func(k int) {
		i := u.fresh[k]
		d, err := u.src.Read(u.st.Slots[i].Key)
		if err == nil && pass == 0 {
			err = writeFile(u.dir, docFile(i), gz(mustJSON(d)))
			s := &u.st.Slots[i]
			s.Days, s.Category, s.Account = days(d.Date), d.Category, d.Account
		}
		if err != nil {
			errs[k] = err
			return
		}
		terms := d.postings()
		mu.Lock()
		defer mu.Unlock()
		for t, w := range terms {
			if b := bucketOf(t, u.st.Buckets); b%passes == pass {
				if add[b] == nil {
					add[b] = map[string][]uint32{}
				}
				add[b][t] = append(add[b][t], pack(i, w))
			}
		}
	})
	return add, errors.Join(append(errs, ctx.Err())...)
}

// rewriteBuckets rewrites the buckets given: their postings but those of
// the documents gone or changed, and those of the fresh documents.
func (u *update) rewriteBuckets(ctx context.Context, buckets []int, add map[int]map[string][]uint32) error {
	drop := map[uint32]bool{}
	for _, i := range u.gone {
		drop[uint32(i)] = true
	}
	errs := make([]error, len(buckets))
	var written atomic.Int64
	pipeline.Each(ctx, len(buckets), u.jobs, func(k int) {
		b := buckets[k]
		terms, err := readBucket(u.dir, b)
		if err != nil {
			errs[k] = fmt.Errorf("search index: %w", err)
			return
		}
		for t, ps := range terms {
			terms[t] = slices.DeleteFunc(ps, func(p posting) bool { return drop[p.slot] })
		}
		for t, ps := range add[b] {
			for _, p := range ps {
				terms[t] = append(terms[t], unpack(p))
			}
		}
		changed, err := writeFileChanged(u.dir, bucketFile(b), gz(encodeBucket(terms)))
		if changed {
			written.Add(1)
		}
		errs[k] = err
	})
	u.stats.BucketsWritten += int(written.Load())
	return errors.Join(append(errs, ctx.Err())...)
}

// pack and unpack keep a posting in 4 bytes while a build gathers them.
func pack(slot int, w uint8) uint32 { return uint32(slot)<<8 | uint32(w) }
func unpack(p uint32) posting       { return posting{p >> 8, uint8(p)} }

// writeMeta writes meta.json, attrs.dat and fold.json.
func (u *update) writeMeta() error {
	cats, accts := map[string]int{}, map[string]int{}
	years := map[int]bool{}
	for _, s := range u.st.Slots {
		if s.Key == "" {
			continue
		}
		if s.Category != "" {
			cats[s.Category] = 0
		}
		if s.Account != "" {
			accts[s.Account] = 0
		}
		if s.Days > 0 {
			years[time.Unix(int64(s.Days)*86400, 0).UTC().Year()] = true
		}
	}
	m := Meta{Version: Version, Gen: u.st.Gen, Build: u.st.Build, Buckets: u.st.Buckets, Slots: len(u.st.Slots),
		Docs: len(u.bySlot), Categories: slices.Sorted(maps.Keys(cats)), Accounts: slices.Sorted(maps.Keys(accts))}
	for i, c := range m.Categories {
		cats[c] = i + 1
	}
	for i, a := range m.Accounts {
		accts[a] = i + 1
	}
	m.Years = slices.Sorted(maps.Keys(years))
	attrs := make([]byte, 0, 6*len(u.st.Slots))
	for _, s := range u.st.Slots {
		attrs = binary.LittleEndian.AppendUint16(attrs, s.Days)
		attrs = binary.LittleEndian.AppendUint16(attrs, uint16(cats[s.Category]))
		attrs = binary.LittleEndian.AppendUint16(attrs, uint16(accts[s.Account]))
	}
	if err := writeFile(u.dir, "attrs.dat", gz(attrs)); err != nil {
		return err
	}
	if err := writeFile(u.dir, "fold.json", foldTable()); err != nil {
		return err
	}
	// Last: a reader that finds meta.json finds the rest.
	return writeFile(u.dir, "meta.json", mustJSON(m))
}

func newState(docs int) *state {
	b := make([]byte, 8)
	rand.Read(b)
	return &state{Version: Version, Gen: hex.EncodeToString(b), Buckets: bucketCount(docs)}
}

// loadState reads the state, if the index in dir is the one it describes.
func loadState(file, dir string) (*state, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	var st state
	if json.Unmarshal(data, &st) != nil || st.Version != Version {
		return nil, false
	}
	m, err := ReadMeta(dir)
	if err != nil || m.Gen != st.Gen || m.Build != st.Build {
		return nil, false
	}
	return &st, true
}

func saveState(file string, st *state) error {
	if file == "" {
		return nil
	}
	return safefile.WriteDerived(afero.NewOsFs(), file, 0o644, func(w io.Writer) error {
		return json.NewEncoder(w).Encode(st)
	})
}

// ReadMeta reads the meta.json of the index in dir.
func ReadMeta(dir string) (Meta, error) {
	var m Meta
	data, err := os.ReadFile(filepath.Join(dir, "meta.json"))
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Version != Version {
		return m, fmt.Errorf("%s: %w", filepath.Join(dir, "meta.json"), errDamaged)
	}
	return m, nil
}

// readBucket reads a bucket; a missing one is empty.
func readBucket(dir string, b int) (map[string][]posting, error) {
	data, err := os.ReadFile(filepath.Join(dir, bucketFile(b)))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]posting{}, nil
	} else if err != nil {
		return nil, err
	}
	raw, err := gunzip(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", bucketFile(b), err)
	}
	return decodeBucket(raw)
}

// readDoc reads a document's file.
func readDoc(dir string, slot int) (*Doc, error) {
	data, err := os.ReadFile(filepath.Join(dir, docFile(slot)))
	if err != nil {
		return nil, err
	}
	raw, err := gunzip(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", docFile(slot), err)
	}
	var d Doc
	if err := json.Unmarshal(raw, &d); err != nil {
		return nil, fmt.Errorf("%s: %w", docFile(slot), errDamaged)
	}
	return &d, nil
}

// writeFile replaces a file of the index by a new one, unless it holds
// the same (never writing into the old: the site it is in may share it
// with a published one).
func writeFile(dir, name string, data []byte) error {
	_, err := writeFileChanged(dir, name, data)
	return err
}

// writeFileChanged is writeFile, saying whether it wrote.
func writeFileChanged(dir, name string, data []byte) (bool, error) {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if old, err := os.ReadFile(p); err == nil && string(old) == string(data) {
		return false, nil // unchanged: left as it was, time and all
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return false, err
	}
	return true, safefile.WriteDerived(afero.NewOsFs(), p, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

func mustJSON(v any) []byte {
	data, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return data
}
