// Package reuse keeps what the build learned about each article between
// runs, so a build after a small change redoes only what changed. Two
// records are kept:
//
//   - a Scan, keyed by the file's bytes (and the settings): the article's
//     own findings, what the cleanup took from its debris, the URLs it is
//     known by, and the images and links it holds, so an unchanged file is
//     neither parsed nor tokenized;
//   - a Staged file, keyed by everything its staged copy depends on (the
//     file, the settings, its images' store entries, where its links lead,
//     who cites it), so an unchanged article is not rewritten.
//
// The cache is derived data: it lives in ROOT/.mirror-cache (ignored by
// git), may be deleted at any time, and a corrupt one is simply rebuilt.
package reuse

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/codec"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Version is part of every key: bump it when a change to the stages changes
// what they produce, so old records are not used.
const Version = "mirror-cache-6"

// Key identifies a record.
type Key [sha256.Size]byte

// KeyOf hashes the parts of a key, each with its length before it.
func KeyOf(parts ...[]byte) Key {
	h := sha256.New()
	h.Write([]byte(Version))
	var n [binary.MaxVarintLen64]byte
	for _, p := range parts {
		h.Write(binary.AppendUvarint(n[:0], uint64(len(p))))
		h.Write(p)
	}
	var k Key
	h.Sum(k[:0])
	return k
}

// Scan is what reading, validating and scanning one file found.
type Scan struct {
	Findings  []article.Finding // the file's own findings, File left empty
	Account   string            // the account the debris named (see clean.Debris)
	Source    string
	SourceKey string // see links.Key
	Path      string // the URL path Hugo gives it
	Readable  bool
	URLKeys   []string // the keys of the URLs it is known by (see links.URLKeys)
	Images    []article.ImageRef
	Links     []article.Link
	// For the lists of related and neighbouring articles.
	Date       time.Time
	Categories []string
}

// Staged is where an article's staged file goes and what rewriting it
// reported; the file's bytes are the stage's (a record is of use only
// while the stage still holds them: see stage.Current).
type Staged struct {
	Path     string
	Findings []article.Finding
}

// packShards is how many files a pack is kept in, by its keys' first
// byte: a build after a small change rewrites only the few files whose
// records changed (writing 10,000 scans whole took half a second of CPU,
// during Hugo's render).
const packShards = 16

// A pack is records of one kind, all read when the build starts.
type pack[T any] struct {
	shards [packShards]shard[T]
	codec  recordCodec[T]
}

type shard[T any] struct {
	file string
	// loaded is done once old is loaded: by the first to need it, or in
	// the background while the build starts (see open).
	loaded sync.Once
	mu     sync.Mutex
	old    map[Key]T        // as loaded
	fresh  map[Key]T        // put by this build
	used   map[Key]struct{} // of old, got by this build
}

// open loads the pack kept in dir as name-N.pack, in the background; dir
// "" keeps none.
func (p *pack[T]) open(dir, name string, c recordCodec[T]) {
	p.codec = c
	for i := range p.shards {
		s := &p.shards[i]
		s.old, s.fresh, s.used = map[Key]T{}, map[Key]T{}, map[Key]struct{}{}
		if dir != "" {
			s.file = filepath.Join(dir, fmt.Sprintf("%s-%x.pack", name, i))
		}
	}
	if dir == "" {
		return
	}
	// The shards load one by one in the background, and any that a
	// reader needs first loads on the reader's goroutine: reading the
	// articles waited a third of its time for whole packs before.
	go func() {
		for i := range p.shards {
			p.shards[i].load(c)
		}
	}()
}

func (p *pack[T]) shard(k Key) *shard[T] {
	s := &p.shards[int(k[0])*packShards/256]
	s.load(p.codec)
	return s
}

// load loads the shard's records, once: later calls wait for the first.
func (s *shard[T]) load(c recordCodec[T]) {
	s.loaded.Do(func() { s.read(c) })
}

func (s *shard[T]) read(c recordCodec[T]) {
	if s.file == "" {
		return
	}
	data, err := codec.ReadFile(s.file)
	if err == nil {
		s.old, err = c.decode(data)
	}
	if err != nil {
		s.old = map[Key]T{} // none, or an old or damaged cache: start again
	}
	s.used = make(map[Key]struct{}, len(s.old))
}

func (p *pack[T]) get(k Key) (T, bool) {
	s := p.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if v, ok := s.fresh[k]; ok {
		return v, true
	}
	v, ok := s.old[k]
	if ok {
		s.used[k] = struct{}{}
	}
	return v, ok
}

// has says whether this run got or put the record of k.
func (p *pack[T]) has(k Key) bool {
	s := p.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	_, fresh := s.fresh[k]
	_, used := s.used[k]
	return fresh || used
}

func (p *pack[T]) put(k Key, v T) {
	s := p.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fresh[k] = v
}

// save writes the records used by this run, so records of deleted or
// changed files do not accumulate: the files whose records changed.
func (p *pack[T]) save() error {
	for i := range p.shards {
		p.shards[i].load(p.codec)
		if err := p.shards[i].save(p.codec); err != nil {
			return err
		}
	}
	return nil
}

func (s *shard[T]) save(c recordCodec[T]) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.file == "" || len(s.fresh) == 0 && len(s.used) == len(s.old) {
		return nil
	}
	kept := maps.Clone(s.fresh)
	for k := range s.used {
		if _, ok := kept[k]; !ok {
			kept[k] = s.old[k]
		}
	}
	return safefile.WriteDerived(afero.NewOsFs(), s.file, 0o644, func(w io.Writer) error { return c.encode(w, kept) })
}

// Cache is the scans, the files' stats and the staged records, kept in
// packs (small, all needed every build), and the staged files, one file
// per record (large, so only the ones a build uses are read, and a build
// writes only the ones it made).
type Cache struct {
	scans  pack[Scan]
	staged pack[Staged]
	files  pack[FileStat]
	dir    string // the cache's directory; "" keeps nothing
}

// Open loads the cache in dir, in the background (its methods wait for
// what they need); a missing or unreadable cache is empty, and so is the
// cache of dir "", which Save never writes.
func Open(dir string) *Cache {
	c := &Cache{dir: dir}
	c.scans.open(dir, "scans", scanCodec)
	c.staged.open(dir, "staged", stagedCodec)
	c.files.open(dir, "files", fileCodec)
	if dir != "" {
		removeOldFiles(dir)
	}
	return c
}

// removeOldFiles removes what earlier versions kept: in gob, the packs, of
// one file (scans.gob), then of 16 (scans-0.gob), the media sizes and the
// links file's keys (links.gob); the bytes of every staged file, a second
// copy of the stage.
func removeOldFiles(dir string) {
	os.RemoveAll(filepath.Join(dir, "staged"))
	os.Remove(filepath.Join(dir, "links.gob"))
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		name := e.Name()
		old := name == "media-sizes.gob"
		for _, pack := range []string{"scans", "staged", "files"} {
			old = old || strings.HasPrefix(name, pack) && strings.HasSuffix(name, ".gob")
		}
		if old {
			os.Remove(filepath.Join(dir, name))
		}
	}
}

// Scan returns the scan record for a key.
func (c *Cache) Scan(k Key) (Scan, bool) { return c.scans.get(k) }

// PutScan records a scan.
func (c *Cache) PutScan(k Key, s Scan) { c.scans.put(k, s) }

// FileStat is what a file looked like when its key was computed: a build
// that finds the file the same (size, modification time, mode) takes the
// key from here instead of reading and hashing the file, as make and git
// do. A file changed within the same clock tick as it was recorded could
// go unnoticed, so files modified moments before are not recorded.
type FileStat struct {
	Size    int64
	ModTime int64 // Unix nanoseconds
	Mode    os.FileMode
	Key     Key
}

// settleTime is how old a file's modification must be for its stat to be
// trusted.
const settleTime = 2 * time.Second

// StatOf returns the record of a file, keyed by the key of its name, and
// whether it may be recorded at all (it has settled).
func StatOf(info os.FileInfo, k Key, now time.Time) (FileStat, bool) {
	st := FileStat{Size: info.Size(), ModTime: info.ModTime().UnixNano(), Mode: info.Mode(), Key: k}
	return st, now.Sub(info.ModTime()) > settleTime
}

// File returns the key of a file whose record matches what it is now.
func (c *Cache) File(name Key, info os.FileInfo) (Key, bool) {
	st, ok := c.files.get(name)
	if !ok || st.Size != info.Size() || st.ModTime != info.ModTime().UnixNano() || st.Mode != info.Mode() {
		return Key{}, false
	}
	return st.Key, true
}

// PutFile records a file's stat and key.
func (c *Cache) PutFile(name Key, st FileStat) { c.files.put(name, st) }

// Staged returns the staged record for a key.
func (c *Cache) Staged(k Key) (Staged, bool) {
	return c.staged.get(k)
}

// PutStaged records a staged file; the cache of no directory keeps none.
func (c *Cache) PutStaged(k Key, s Staged) {
	if c.dir != "" {
		c.staged.put(k, s)
	}
}

// Save writes the packs.
func (c *Cache) Save() error {
	if err := c.scans.save(); err != nil {
		return err
	}
	if err := c.files.save(); err != nil {
		return err
	}
	return c.staged.save()
}
