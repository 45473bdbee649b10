package reuse

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/cespare/xxhash/v2"
)

// DirName is the build cache's directory, under the mirror's root.
const DirName = ".mirror-cache"

// Paths are where a mirror keeps what builds derive between runs, all in
// ROOT/.mirror-cache: this package owns the directory, and the other
// packages keep their records where it says. Everything there may be
// deleted at any time (it is ignored by git); a missing or damaged record
// only costs the work it saved. The zero Paths keeps nothing (--no-cache):
// every path is "".
type Paths struct {
	// Dir is the cache's directory; the records of this package (scans,
	// staged files, file stats) are kept in it, with its lock.
	Dir string
}

// PathsOf returns the paths of the mirror at root.
func PathsOf(root string) Paths { return Paths{Dir: filepath.Join(root, DirName)} }

func (p Paths) in(name string) string {
	if p.Dir == "" {
		return ""
	}
	return filepath.Join(p.Dir, name)
}

// Stage is the staged copy of the content Hugo renders (see package stage).
func (p Paths) Stage() string { return p.in("content") }

// ManifestIndex is the image manifest's index (see store.OpenIndexed).
func (p Paths) ManifestIndex() string { return p.in("manifest.index") }

// Fixity is the record of the store files found intact (see store.Intact).
func (p Paths) Fixity() string { return p.in("store-fixity.bin") }

// Published is the record of how the site's files were made (see
// publish.Record).
func (p Paths) Published() string { return p.in("published") }

// BucketListing keeps what the media bucket of that URL holds (see
// package bucket).
func (p Paths) BucketListing(bucketURL string) string {
	return p.in(fmt.Sprintf("bucket-%016x.txt", xxhash.Sum64String(bucketURL)))
}

// SearchState is what the last build's search index holds (see package
// search).
func (p Paths) SearchState() string { return p.in("search-state.json") }

// MediaSizes is the record of the published media's sizes (see
// publish.Media).
func (p Paths) MediaSizes() string { return p.in("media-sizes.bin") }

// Take opens the build cache of the mirror at root for one build, taking
// its lock (waiting is called once if another run holds it), and returns
// where the stage goes and the func that lets the cache go. With noCache,
// the cache is empty and never saved, and the stage goes in a scratch
// directory that release removes.
func Take(ctx context.Context, root string, noCache bool, waiting func()) (c *Cache, p Paths, stageDir string, release func(), err error) {
	if noCache {
		scratch, err := os.MkdirTemp("", "mirror-stage-")
		return Open(""), Paths{}, filepath.Join(scratch, "content"), func() { os.RemoveAll(scratch) }, err
	}
	p = PathsOf(root)
	unlock, err := Lock(ctx, p.Dir, waiting)
	if err != nil {
		return nil, p, "", nil, err
	}
	return Open(p.Dir), p, p.Stage(), unlock, nil
}
