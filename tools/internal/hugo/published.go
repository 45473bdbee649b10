package hugo

import (
	"bytes"
	"encoding/gob"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/cespare/xxhash/v2"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Published remembers what the files of the last two sites were made of:
// a build renders over the site before the previous one (see package
// build), and a page Hugo renders as it did then, whose bodies and links
// are the same, needs neither splicing nor comparing with the file there,
// which is known by its size and modification time. At 10,000 articles
// that is 20,000 files not read.
//
// It is derived data: a missing or damaged record only costs the work.
type Published struct {
	loaded sync.WaitGroup // old is read in the background
	mu     sync.Mutex
	// old are the records of the last builds, by path in the site,
	// newest first; now are this build's, with the one of the other site.
	old, now map[string][]Publication
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
}

// NewPublished returns an empty record.
func NewPublished() *Published {
	return &Published{old: map[string][]Publication{}, now: map[string][]Publication{}}
}

// LoadPublished reads the record a build saved in file, in the background
// (Hugo renders its first page seconds later); a missing or damaged one is
// empty.
func LoadPublished(file string) *Published {
	p := NewPublished()
	p.loaded.Go(func() {
		data, err := os.ReadFile(file)
		if err != nil {
			return
		}
		if gob.NewDecoder(bytes.NewReader(data)).Decode(&p.old) != nil {
			p.old = map[string][]Publication{}
		}
	})
	return p
}

// Save writes this build's record to file.
func (p *Published) Save(file string) error {
	p.loaded.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(p.now); err != nil {
		return err
	}
	return safefile.Write(afero.NewOsFs(), file, buf.Bytes(), 0o644)
}

// inputOf hashes what Hugo wrote to a file.
func inputOf(data []byte) uint64 { return xxhash.Sum64(data) }

// same returns the record of the file rel as it is now (info), when one
// is kept and was made from input.
func (p *Published) same(rel string, info os.FileInfo, input uint64) (Publication, bool) {
	p.loaded.Wait()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, pub := range p.old[rel] {
		if pub.Input == input && pub.matches(info) {
			return pub, true
		}
	}
	return Publication{}, false
}

func (pub Publication) matches(info os.FileInfo) bool {
	return info.Mode().IsRegular() && info.Size() == pub.Size && info.ModTime().UnixNano() == pub.ModTime && inode(info) == pub.Inode
}

// record keeps how rel was published this time (info: the file as it is
// now), and the newest record of the other site's file.
func (p *Published) record(rel string, pub Publication, info os.FileInfo) {
	p.loaded.Wait()
	pub.Size, pub.ModTime, pub.Inode = info.Size(), info.ModTime().UnixNano(), inode(info)
	p.mu.Lock()
	defer p.mu.Unlock()
	recs := []Publication{pub}
	for _, old := range p.old[rel] {
		if !old.matches(info) && len(recs) < 2 {
			recs = append(recs, old)
		}
	}
	p.now[rel] = slices.Clip(recs)
}

// relTo is name's path under the site dir, as records keep it.
func relTo(dir, name string) string {
	rel, err := filepath.Rel(dir, name)
	if err != nil {
		return name
	}
	return filepath.ToSlash(rel)
}
