package publish

import (
	"cmp"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/codec"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Record remembers what the files of the last two sites were made of:
// a build renders over the site before the previous one (see package
// build), and a page Hugo renders as it did then, whose bodies and links
// are the same, needs neither splicing nor comparing with the file there,
// which is known by its size and modification time. At 10,000 articles
// that is 20,000 files not read.
//
// It is kept in files by a hash of the pages' paths, so a build saves
// only the files holding records that changed.
//
// It is derived data: a missing or damaged record only costs the work.
type Record struct {
	loaded sync.WaitGroup // old is read in the background
	shards [recordShards]recordShard
}

const recordShards = 64

type recordShard struct {
	mu sync.Mutex
	// old are the records of the last builds, by path in the site; now
	// are this build's: the file it published, and the newest of the
	// other site's, in the order of their times.
	old, now map[string][]Publication
	changed  bool
}

// fileState is what a file's stat tells of it that a record keeps.
type fileState struct {
	Regular bool
	Size    int64
	ModTime int64
	Inode   uint64
}

func stateOf(info os.FileInfo) fileState {
	return fileState{Regular: info.Mode().IsRegular(), Size: info.Size(), ModTime: info.ModTime().UnixNano(), Inode: inode(info)}
}

// Publication is how one file of a site was published.
type Publication struct {
	// Input hashes what Hugo wrote, the markers of the bodies spliced in
	// included (they name what each body holds).
	Input uint64
	// Links are the refs the splicing resolved and the URLs they gave,
	// in pairs: a page links to another that may since have moved.
	Links []string
	// Size, ModTime and Inode are the file's as it was written.
	Size    int64
	ModTime int64
	Inode   uint64
	// Site is the inode of the site's directory, which tells the two
	// sites apart (they are renamed, never copied; 0 where there are no
	// inodes): their files' times can be the same.
	Site uint64
}

// NewRecord returns an empty record.
func NewRecord() *Record {
	p := &Record{}
	for i := range p.shards {
		p.shards[i].old, p.shards[i].now = map[string][]Publication{}, map[string][]Publication{}
	}
	return p
}

// LoadRecord reads the record a build saved in dir ("": none), in the background
// (Hugo renders its first page seconds later); a missing or damaged one is
// empty.
func LoadRecord(dir string) *Record {
	if dir == "" {
		return nil
	}
	p := NewRecord()
	p.loaded.Go(func() {
		for i := range p.shards {
			p.shards[i].load(shardFile(dir, i))
		}
	})
	return p
}

func shardFile(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("%02x.bin", i)) }

func (s *recordShard) load(file string) {
	// Resident: Hugo's workers look up every page's record.
	data, err := codec.ReadFile(file)
	if err == nil {
		s.old, err = decodeShard(data)
	}
	if err != nil {
		s.old = map[string][]Publication{}
	}
	s.now = make(map[string][]Publication, len(s.old)) // most pages are published again
}

// Len is how many files the last sites' records name; 0 for nil.
func (p *Record) Len() int {
	if p == nil {
		return 0
	}
	p.loaded.Wait()
	n := 0
	for i := range p.shards {
		s := &p.shards[i]
		s.mu.Lock()
		n += len(s.old)
		s.mu.Unlock()
	}
	return n
}

// Save writes this build's record to dir: the files whose records
// changed. A nil record saves nothing.
func (p *Record) Save(dir string) error {
	if p == nil {
		return nil
	}
	p.loaded.Wait()
	for i := range p.shards {
		if err := p.shards[i].save(shardFile(dir, i)); err != nil {
			return err
		}
	}
	return nil
}

func (s *recordShard) save(file string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.changed && len(s.now) == len(s.old) {
		return nil
	}
	return safefile.WriteDerived(afero.NewOsFs(), file, 0o644, func(w io.Writer) error { return encodeShard(w, s.now) })
}

func (p *Record) shard(rel string) *recordShard {
	p.loaded.Wait()
	return &p.shards[xxhash.Sum64String(rel)%recordShards]
}

// The records are kept in the binary form of package codec.
const shardFormat = "published-2"

func encodeShard(w io.Writer, records map[string][]Publication) error {
	return codec.Write(w, shardFormat, len(records), maps.All(records), func(e *codec.Encoder, rel string, pubs []Publication) {
		e.Text(rel)
		e.Uint(uint64(len(pubs)))
		for _, pub := range pubs {
			e.Uint(pub.Input)
			e.Texts(pub.Links)
			e.Int(pub.Size)
			e.Int(pub.ModTime)
			e.Uint(pub.Inode)
			e.Uint(pub.Site)
		}
	})
}

func decodeShard(data []byte) (map[string][]Publication, error) {
	d := codec.NewDecoder(data)
	var pubs codec.Arena[Publication]
	return codec.ReadMap(d, shardFormat, func() (string, []Publication) {
		rel := d.Text()
		list := pubs.Take(d.Count())
		for i := range list {
			list[i] = Publication{Input: d.Uint(), Links: d.Texts(), Size: d.Int(), ModTime: d.Int(), Inode: d.Uint(), Site: d.Uint()}
		}
		return rel, list
	})
}

// inputOf hashes what Hugo wrote to a file.
func inputOf(data []byte) uint64 { return xxhash.Sum64(data) }

// keep records the file rel as published again, when a record is kept of
// it as made from input whose links lead where they did (leadSame) and the
// file is as that record says (as stat says now), and
// returns the file's size, or -1.
func (p *Record) keep(rel string, input uint64, stat func() (os.FileInfo, error), leadSame func(links []string) bool) int64 {
	s := p.shard(rel)
	var state fileState
	known := false
	// old is only read once loaded: the stat, and where links lead, are
	// found without the shard's lock, which Hugo's workers share.
	for _, pub := range s.old[rel] {
		if pub.Input != input {
			continue
		}
		if !known { // stat'ed only for a record of the same input
			info, err := stat()
			if err != nil {
				return -1
			}
			state, known = stateOf(info), true
		}
		if pub.matches(state) {
			if !leadSame(pub.Links) {
				return -1
			}
			s.mu.Lock()
			s.record(rel, pub, state)
			s.mu.Unlock()
			return state.Size
		}
	}
	return -1
}

func (pub Publication) matches(f fileState) bool {
	return f.Regular && f.Size == pub.Size && f.ModTime == pub.ModTime && f.Inode == pub.Inode
}

// record keeps how rel was published this time (info: the file as it is
// now), and the newest record of the other site's file.
func (p *Record) record(rel string, pub Publication, info os.FileInfo) {
	s := p.shard(rel)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.record(rel, pub, stateOf(info))
}

// record is Record.record, s.mu held.
func (s *recordShard) record(rel string, pub Publication, f fileState) {
	pub.Size, pub.ModTime, pub.Inode = f.Size, f.ModTime, f.Inode
	old := s.old[rel]
	var other *Publication
	for i := range old {
		o := &old[i]
		if o.matches(f) || pub.Site != 0 && o.Site == pub.Site {
			continue // this site's file, as it is or as it was
		}
		if other == nil || o.ModTime > other.ModTime {
			other = o
		}
	}
	if kept(old, pub, other) {
		s.now[rel] = old // as it was: the usual case, a page kept
		return
	}
	recs := []Publication{pub}
	if other != nil {
		recs = append(recs, *other)
	}
	// In the order of their times, so a page unchanged in both sites has
	// the same records build after build.
	slices.SortFunc(recs, func(a, b Publication) int {
		return cmp.Or(cmp.Compare(a.ModTime, b.ModTime), cmp.Compare(a.Inode, b.Inode))
	})
	if !slices.EqualFunc(recs, old, Publication.equal) {
		s.changed = true
	}
	s.now[rel] = recs
}

// kept says whether old are the records of pub and other (nil: none).
func kept(old []Publication, pub Publication, other *Publication) bool {
	switch {
	case other == nil:
		return len(old) == 1 && old[0].equal(pub)
	case len(old) == 2:
		return old[0].equal(pub) && old[1].equal(*other) || old[1].equal(pub) && old[0].equal(*other)
	}
	return false
}

func (pub Publication) equal(other Publication) bool {
	return pub.Input == other.Input && pub.Size == other.Size && pub.ModTime == other.ModTime &&
		pub.Inode == other.Inode && pub.Site == other.Site && slices.Equal(pub.Links, other.Links)
}

// relTo is name's path under the site dir, as records keep it.
func relTo(dir, name string) string {
	if rel, ok := strings.CutPrefix(name, dir+string(filepath.Separator)); ok && filepath.Clean(rel) == rel {
		return filepath.ToSlash(rel)
	}
	rel, err := filepath.Rel(dir, name)
	if err != nil {
		return name
	}
	return filepath.ToSlash(rel)
}
