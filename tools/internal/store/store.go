package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Store is a directory of content-addressed files plus its manifest.
type Store struct {
	fs    afero.Fs
	dir   string
	index string // of the manifest (see loadIndexed); "" keeps none

	mu          sync.Mutex
	manifest    *Manifest
	read        manifestStamp // of the manifest file manifest was read from
	unlock      func() error
	interrupted bool

	listing sync.Once
	listed  map[string]bool // the files by name, read once: see Has

	fixity fixity // the files found intact: see Intact
}

// ManifestName is the manifest's file name in the store directory.
const ManifestName = "manifest.jsonl"

// Open opens the store in dir (creating it if needed) and reads its
// manifest. Use Lock before writing when other processes may share it.
func Open(fsys afero.Fs, dir string) (*Store, error) { return OpenIndexed(fsys, dir, "") }

// OpenIndexed is Open, keeping an index of the manifest, which reads
// faster, in the file index (outside the store: it is derived data).
func OpenIndexed(fsys afero.Fs, dir, index string) (*Store, error) {
	if err := fsys.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("image store %s: %w", dir, err)
	}
	s := &Store{fs: fsys, dir: dir, index: index}
	if err := s.readManifest(); err != nil {
		return nil, err
	}
	return s, nil
}

// manifestStamp tells whether the manifest file changed: it is always
// replaced whole (see Save), so a rewrite changes its time.
type manifestStamp struct {
	size    int64
	modTime int64
}

func (s *Store) stamp() manifestStamp {
	info, err := s.fs.Stat(path.Join(s.dir, ManifestName))
	if err != nil {
		return manifestStamp{size: -1}
	}
	return manifestStamp{info.Size(), info.ModTime().UnixNano()}
}

// readManifest reads the manifest file, unless it is as it was when last
// read (it holds an entry per image: tens of thousands in a large mirror).
func (s *Store) readManifest() error {
	stamp := s.stamp()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.manifest != nil && stamp == s.read {
		return nil
	}
	name := path.Join(s.dir, ManifestName)
	var m *Manifest
	var err error
	if s.index == "" {
		m, err = LoadManifest(s.fs, name)
	} else {
		m, err = loadIndexed(s.fs, name, s.index)
	}
	if err != nil {
		return err
	}
	s.manifest, s.read = m, stamp
	return nil
}

// Dir is the store's directory.
func (s *Store) Dir() string { return s.dir }

// Fs is the file system the store lives on.
func (s *Store) Fs() afero.Fs { return s.fs }

// Manifest is the store's manifest.
func (s *Store) Manifest() *Manifest { return s.manifest }

// Name returns the content address of data: a hash of the bytes and the
// format's extension, under a two-character fan-out directory so no
// directory grows past a few thousand entries.
func Name(data []byte, ext string) string {
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:16])
	return h[:2] + "/" + h + "." + strings.TrimPrefix(ext, ".")
}

// ValidName says whether name is a content address as Name writes it
// (anything else, in a bucket or a directory, is not the store's).
func ValidName(name string) bool {
	shard, file, ok := strings.Cut(name, "/")
	hash, ext, _ := strings.Cut(file, ".")
	if !ok || len(shard) != 2 || len(hash) != 32 || !strings.HasPrefix(hash, shard) || ext == "" || strings.ContainsAny(ext, "/.") {
		return false
	}
	_, err := hex.DecodeString(hash)
	return err == nil && strings.ToLower(hash) == hash
}

// Holds says whether data are the bytes the name is the address of.
func Holds(name string, data []byte) bool {
	return name == Name(data, path.Ext(name))
}

// Put stores data under its content address and returns the name. A file
// already there holds the same bytes, so it is not written again.
func (s *Store) Put(data []byte, ext string) (string, error) {
	name := Name(data, ext)
	if s.Intact(name) {
		return name, nil
	}
	if err := safefile.Write(s.fs, path.Join(s.dir, name), data, 0o644); err != nil {
		return "", fmt.Errorf("image store: %w", err)
	}
	s.recordIntact(name)
	s.mu.Lock()
	if s.listed != nil {
		s.listed[name] = true
	}
	s.mu.Unlock()
	return name, nil
}

// Has says whether the named file is in the store. The store is listed
// once, a directory read per shard: a build asks about every image of the
// archive (three stats each, 90,000 at 10,000 articles, otherwise).
func (s *Store) Has(name string) bool {
	s.listing.Do(s.list)
	s.mu.Lock()
	listed := s.listed[name]
	s.mu.Unlock()
	if listed {
		return true
	}
	_, err := s.fs.Stat(path.Join(s.dir, name))
	return err == nil
}

// list reads the names of the store's files.
func (s *Store) list() {
	listed, _ := ListFiles(s.fs, s.dir) // unreadable: Has stats instead
	s.mu.Lock()
	s.listed = listed
	s.mu.Unlock()
}

// ListFiles lists the files of a directory laid out as the store is
// (NAME[:2]/NAME: the store, the media of a site), by path under it, from
// directory reads alone (a stat each cost a tenth of a second at 30,000
// images). A file directly in dir is listed by its name; a missing dir is
// empty.
func ListFiles(fsys afero.Fs, dir string) (map[string]bool, error) {
	top, err := afero.ReadDir(fsys, dir)
	if errors.Is(err, fs.ErrNotExist) {
		return map[string]bool{}, nil
	} else if err != nil {
		return nil, err
	}
	files := map[string]bool{}
	for _, e := range top {
		shard := e.Name()
		if !e.IsDir() {
			files[shard] = true
			continue
		}
		f, err := fsys.Open(path.Join(dir, shard))
		if err != nil {
			return files, err
		}
		names, err := f.Readdirnames(-1)
		f.Close()
		if err != nil {
			return files, err
		}
		for _, name := range names {
			files[shard+"/"+name] = true
		}
	}
	return files, nil
}

// WithoutManifest is the store for finding its files only, without the
// manifest's memory (Manifest returns nil).
func (s *Store) WithoutManifest() *Store {
	return &Store{fs: s.fs, dir: s.dir, index: s.index}
}

// Path is where the named file is in the store's fs.
func (s *Store) Path(name string) string { return path.Join(s.dir, name) }

// Save writes the manifest atomically, and the record of the files found
// intact.
func (s *Store) Save() error {
	if err := s.manifest.save(s.fs, path.Join(s.dir, ManifestName), s.index); err != nil {
		return err
	}
	return s.fixity.save(s.fs)
}

// Clean removes what a killed run may have left: temporary files. Call it
// while holding the lock.
func (s *Store) Clean() error {
	return afero.Walk(s.fs, s.dir, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil
			}
			return err
		}
		if !info.IsDir() && strings.Contains(info.Name(), ".tmp-") {
			return s.fs.Remove(p)
		}
		return nil
	})
}
