package search

import (
	"bytes"
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
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
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
	// StatusOf is the status of an original (see Doc.StatusID), "" for
	// none known.
	StatusOf(statusID string) string
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
	// Reading is the version of how an article's text is read (Text): an
	// index read another way is built again whole.
	Reading int
	Gen     string
	Build   int
	Buckets int
	Slots   []slot
}

type slot struct {
	Key, Holds        string
	Days              uint16
	Category, Account string
	StatusID, Status  string
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
	if jobs <= 0 {
		jobs = runtime.GOMAXPROCS(0)
	}
	// Writing thousands of small files waits on the disk more than it
	// computes: more workers than cores.
	jobs *= 4
	u := &update{src: src, dir: dir, st: st, jobs: jobs}
	u.plan(pages)
	statuses := u.refreshStatuses()
	if len(u.fresh) == 0 && len(u.gone) == 0 {
		if statuses {
			u.st.Build++ // an original's status changed: its attributes
			if err := u.writeMeta(); err != nil {
				return u.stats, err
			}
			err := saveState(stateFile, u.st)
			u.stats.Duration = time.Since(start)
			return u.stats, err
		}
		u.stats.Duration = time.Since(start)
		return u.stats, nil // nothing changed: no indexing work, nothing written
	}
	// The soft memory limit the build set for Hugo is sized for Hugo's
	// pages; under it, gathering the postings of a whole archive would
	// keep the collector running. The index bounds its memory itself
	// (see passDocs).
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(math.MaxInt64))
	err := u.apply(ctx)
	if errors.Is(err, errDamaged) {
		// A file of the index was damaged or lost: made anew. (An
		// article's staged file missing is the build's error, not the
		// index's: rebuilding would fail on it again.)
		if err := os.RemoveAll(dir); err != nil {
			return u.stats, err
		}
		u = &update{src: src, dir: dir, st: newState(len(pages)), jobs: jobs}
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
	// Free slots: empty, and not emptied by this update (their documents'
	// old files are read to take their terms out).
	var free []int
	for i, s := range u.st.Slots {
		if s.Key == "" && !slices.Contains(u.gone, i) {
			free = append(free, i)
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
			if len(free) > 0 {
				i, free = free[0], free[1:]
			} else {
				i = len(u.st.Slots)
				u.st.Slots = append(u.st.Slots, slot{})
			}
			u.bySlot[key] = i
			u.stats.Added++
		}
		u.st.Slots[i] = slot{Key: key, Holds: pages[key]}
		u.fresh = append(u.fresh, i)
	}
	u.stats.Docs = len(pages)
	u.stats.Buckets = u.st.Buckets
}

// passDocs is how many fresh documents one pass over the buckets takes:
// a build anew of a large archive makes the buckets in passes, each
// reading the documents again and keeping the postings of its share of
// the buckets only, so memory stays bounded (100,000 articles in 2 GB).
const passDocs = 20000

// apply reads the fresh documents, finds the buckets whose terms changed,
// rewrites those and the documents' files, and removes the files of
// documents gone. When it fails part-way, meta.json goes, so the next
// update does not trust what is left and builds the index anew.
func (u *update) apply(ctx context.Context) (err error) {
	defer func() {
		if err != nil {
			os.Remove(filepath.Join(u.dir, "meta.json"))
		}
	}()
	dirty := map[int]bool{}
	anew := u.stats.Added == u.stats.Docs
	if anew { // every bucket is written, empty or not
		for b := range u.st.Buckets {
			dirty[b] = true
		}
	}
	old := map[int]weights{}
	for _, i := range u.gone {
		d, err := readDoc(u.dir, i)
		if err != nil {
			return fmt.Errorf("search index: %w", err)
		}
		old[i] = d.weights()
		if u.st.Slots[i].Key == "" { // removed
			changedBuckets(old[i], weights{}, u.st.Buckets, dirty)
		}
	}
	passes := 1 + len(u.fresh)/passDocs
	for pass := range passes {
		add, err := u.read(ctx, pass, passes, old, dirty)
		if err != nil {
			return err
		}
		var mine []int
		for b := range dirty {
			if b%passes == pass {
				mine = append(mine, b)
			}
		}
		if err := u.rewriteBuckets(ctx, mine, add, anew); err != nil {
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

// gathered are the postings of the fresh documents, by bucket, gathered
// by several workers (a lock per stripe of buckets).
type gathered struct {
	locks   [64]sync.Mutex
	buckets []added
}

type added struct {
	pairs map[uint64][]uint32
	words map[string][]uint32
}

// posted is one posting on its way to its bucket.
type posted struct {
	bucket uint32
	packed uint32
	pair   uint64
	word   string
}

// add adds a document's postings, a lock taken once per stripe.
func (g *gathered) add(ps []posted) {
	slices.SortFunc(ps, func(x, y posted) int { return int(x.bucket%64) - int(y.bucket%64) })
	for len(ps) > 0 {
		stripe := ps[0].bucket % 64
		n := 1
		for n < len(ps) && ps[n].bucket%64 == stripe {
			n++
		}
		g.locks[stripe].Lock()
		for _, p := range ps[:n] {
			a := &g.buckets[p.bucket]
			if a.pairs == nil {
				a.pairs, a.words = map[uint64][]uint32{}, map[string][]uint32{}
			}
			if p.word == "" {
				a.pairs[p.pair] = append(a.pairs[p.pair], p.packed)
			} else {
				a.words[p.word] = append(a.words[p.word], p.packed)
			}
		}
		g.locks[stripe].Unlock()
		ps = ps[n:]
	}
}

// read reads and tokenizes the fresh documents, jobs at a time, gathers
// the postings of the buckets of this pass (b % passes == pass), and adds
// to dirty the buckets whose terms changed; the first pass writes the
// documents' files.
func (u *update) read(ctx context.Context, pass, passes int, old map[int]weights, dirty map[int]bool) (*gathered, error) {
	g := &gathered{buckets: make([]added, u.st.Buckets)}
	var mu sync.Mutex
	errs := make([]error, len(u.fresh))
	pipeline.Each(ctx, len(u.fresh), u.jobs, func(k int) {
		i := u.fresh[k]
		d, err := u.src.Read(u.st.Slots[i].Key)
		if err == nil && pass == 0 {
			err = u.writeNew(docFile(i), gz(mustJSON(d)))
			s := &u.st.Slots[i]
			s.Days, s.Category, s.Account = days(d.Date), d.Category, d.Account
			s.StatusID, s.Status = d.StatusID, u.src.StatusOf(d.StatusID)
		}
		if err != nil {
			errs[k] = err
			return
		}
		w := d.weights()
		if pass == 0 {
			mu.Lock()
			changedBuckets(old[i], w, u.st.Buckets, dirty)
			mu.Unlock()
		}
		ps := make([]posted, 0, len(w.pairs)+len(w.words))
		for p, wt := range w.pairs {
			if b := bucketOfPair(p, u.st.Buckets); b%passes == pass {
				ps = append(ps, posted{bucket: uint32(b), packed: pack(i, wt), pair: p})
			}
		}
		for t, wt := range w.words {
			if b := bucketOf(t, u.st.Buckets); b%passes == pass {
				ps = append(ps, posted{bucket: uint32(b), packed: pack(i, wt), word: t})
			}
		}
		g.add(ps)
	})
	return g, errors.Join(append(errs, ctx.Err())...)
}

// rewriteBuckets rewrites the buckets given: their postings but those of
// the documents gone or changed, and those of the fresh documents. anew,
// there is nothing to read first.
func (u *update) rewriteBuckets(ctx context.Context, buckets []int, g *gathered, anew bool) error {
	drop := map[uint32]bool{}
	for _, i := range u.gone {
		drop[uint32(i)] = true
	}
	errs := make([]error, len(buckets))
	var written atomic.Int64
	pipeline.Each(ctx, len(buckets), u.jobs, func(k int) {
		b := buckets[k]
		terms, raw := map[string][]posting{}, []byte(nil)
		if !anew {
			var err error
			if terms, raw, err = readBucket(u.dir, b); err != nil {
				errs[k] = fmt.Errorf("search index: %w", err)
				return
			}
			for t, ps := range terms {
				terms[t] = slices.DeleteFunc(ps, func(p posting) bool { return drop[p.slot] })
			}
		}
		a := g.buckets[b]
		for p, ps := range a.pairs {
			t := pairTerm(p)
			for _, x := range ps {
				terms[t] = append(terms[t], unpack(x))
			}
		}
		for t, ps := range a.words {
			for _, x := range ps {
				terms[t] = append(terms[t], unpack(x))
			}
		}
		data := encodeBucket(terms)
		if raw != nil && bytes.Equal(raw, data) {
			return // the same postings: left as it was
		}
		written.Add(1)
		errs[k] = u.writeNew(bucketFile(b), gz(data))
	})
	u.stats.BucketsWritten += int(written.Load())
	return errors.Join(append(errs, ctx.Err())...)
}

// writeNew writes a file of the index in place: the index was carried
// out of the published site (see publish.Site.Carry) or is new, so no
// published file is written into, and a build killed part-way leaves no
// meta.json that trusts it (see apply).
func (u *update) writeNew(name string, data []byte) error {
	p := filepath.Join(u.dir, filepath.FromSlash(name))
	err := os.WriteFile(p, data, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err = os.MkdirAll(filepath.Dir(p), 0o755); err == nil {
			err = os.WriteFile(p, data, 0o644)
		}
	}
	return err
}

// pack and unpack keep a posting in 4 bytes while a build gathers them.
func pack(slot int, w uint8) uint32 { return uint32(slot)<<8 | uint32(w) }
func unpack(p uint32) posting       { return posting{p >> 8, uint8(p)} }

// refreshStatuses takes each document's original's status from the
// source (mirror check changes them without the articles changing), and
// says whether one changed.
func (u *update) refreshStatuses() bool {
	changed := false
	for i := range u.st.Slots {
		s := &u.st.Slots[i]
		if s.Key == "" || s.StatusID == "" {
			continue
		}
		if now := u.src.StatusOf(s.StatusID); now != s.Status {
			s.Status, changed = now, true
		}
	}
	return changed
}

// writeMeta writes meta.json, attrs.dat and fold.json.
func (u *update) writeMeta() error {
	cats, accts, stats := map[string]int{}, map[string]int{}, map[string]int{}
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
		if s.Status != "" {
			stats[s.Status] = 0
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
	m.Statuses = slices.Sorted(maps.Keys(stats))
	for i, s := range m.Statuses {
		stats[s] = i + 1
	}
	attrs := make([]byte, 0, attrSize*len(u.st.Slots))
	for _, s := range u.st.Slots {
		attrs = binary.LittleEndian.AppendUint16(attrs, s.Days)
		attrs = binary.LittleEndian.AppendUint16(attrs, uint16(cats[s.Category]))
		attrs = binary.LittleEndian.AppendUint16(attrs, uint16(accts[s.Account]))
		attrs = binary.LittleEndian.AppendUint16(attrs, uint16(stats[s.Status]))
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
	return &state{Version: Version, Reading: reading, Gen: hex.EncodeToString(b), Buckets: bucketCount(docs)}
}

// loadState reads the state, if the index in dir is the one it describes.
func loadState(file, dir string) (*state, bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, false
	}
	var st state
	if json.Unmarshal(data, &st) != nil || st.Version != Version || st.Reading != reading {
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

// readBucket reads a bucket, and its bytes as encodeBucket wrote them; a
// missing one is empty.
func readBucket(dir string, b int) (map[string][]posting, []byte, error) {
	data, err := os.ReadFile(filepath.Join(dir, bucketFile(b)))
	if errors.Is(err, fs.ErrNotExist) {
		return map[string][]posting{}, nil, nil
	} else if err != nil {
		return nil, nil, err
	}
	raw, err := gunzip(data)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", bucketFile(b), err)
	}
	terms, err := decodeBucket(raw)
	return terms, raw, err
}

// readDoc reads a document's file.
func readDoc(dir string, slot int) (*Doc, error) {
	data, err := os.ReadFile(filepath.Join(dir, docFile(slot)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: lost: %w", docFile(slot), errDamaged)
	} else if err != nil {
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
	p := filepath.Join(dir, filepath.FromSlash(name))
	if old, err := os.ReadFile(p); err == nil && string(old) == string(data) {
		return nil // unchanged: left as it was, time and all
	}
	return safefile.WriteDerived(afero.NewOsFs(), p, 0o644, func(w io.Writer) error {
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
