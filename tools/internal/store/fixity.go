package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"maps"
	"path"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/codec"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Fixity: a stored file is named by the hash of its bytes, so a file whose
// bytes no longer match its name was damaged (a bad disk, a hand edit, a
// cache restored half-way) and must not be published. Hashing every
// image on every build would cost more than the rest of the build, so the
// files found intact are recorded with their size and modification time,
// and a file is read again only when either changed.

// stamp is what a file's stat says of its bytes without reading them.
type stamp struct {
	size    int64
	modTime int64
}

// fixity is the record of the files found intact.
type fixity struct {
	file string // where the record is kept; "" keeps none

	once    sync.Once
	mu      sync.Mutex
	intact  map[string]stamp
	changed bool
}

// The record is kept in the binary form of package codec.
const fixityFormat = "store-fixity-1"

// KeepFixity keeps the record of the files found intact in file (derived
// data, outside the store), so later runs read only files that changed.
func (s *Store) KeepFixity(file string) { s.fixity.file = file }

// Intact says whether the named file is in the store with the bytes its
// name says. A file that is there but damaged is removed (its name is a
// promise the bytes broke): the caller stores it again or reports it.
func (s *Store) Intact(name string) bool {
	f := &s.fixity
	f.once.Do(func() { f.load(s.fs) })
	p := path.Join(s.dir, name)
	info, err := s.fs.Stat(p)
	if err != nil || !info.Mode().IsRegular() {
		return false
	}
	st := stamp{info.Size(), info.ModTime().UnixNano()}
	f.mu.Lock()
	known, ok := f.intact[name]
	f.mu.Unlock()
	if ok && known == st {
		return true
	}
	if !holdsName(s.fs, p, name) {
		s.fs.Remove(p)
		s.forget(name)
		return false
	}
	f.record(name, st)
	return true
}

// recordIntact notes a file the store has just written.
func (s *Store) recordIntact(name string) {
	f := &s.fixity
	f.once.Do(func() { f.load(s.fs) })
	if info, err := s.fs.Stat(path.Join(s.dir, name)); err == nil {
		f.record(name, stamp{info.Size(), info.ModTime().UnixNano()})
	}
}

func (s *Store) forget(name string) {
	s.fixity.mu.Lock()
	if _, ok := s.fixity.intact[name]; ok {
		delete(s.fixity.intact, name)
		s.fixity.changed = true
	}
	s.fixity.mu.Unlock()
	s.mu.Lock()
	delete(s.listed, name)
	s.mu.Unlock()
}

func (f *fixity) record(name string, st stamp) {
	f.mu.Lock()
	f.intact[name] = st
	f.changed = true
	f.mu.Unlock()
}

// holdsName says whether the file's bytes hash to its name (see Name).
func holdsName(fsys afero.Fs, p, name string) bool {
	file, err := fsys.Open(p)
	if err != nil {
		return false
	}
	defer file.Close()
	h := sha256.New()
	if _, err := io.Copy(h, file); err != nil {
		return false
	}
	base := path.Base(name)
	want, _, _ := strings.Cut(base, ".")
	return hex.EncodeToString(h.Sum(nil)[:16]) == want
}

func (f *fixity) load(fsys afero.Fs) {
	f.intact = map[string]stamp{}
	if f.file == "" {
		return
	}
	data, err := codec.ReadFileIn(fsys, f.file)
	if err != nil {
		return // none yet, or damaged: files are read again
	}
	d := codec.NewDecoder(data)
	if m, err := codec.ReadMap(d, fixityFormat, func() (string, stamp) {
		return strings.Clone(d.Text()), stamp{d.Int(), d.Int()}
	}); err == nil {
		f.intact = m
	}
}

// save writes the record if it changed.
func (f *fixity) save(fsys afero.Fs) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.file == "" || !f.changed {
		return nil
	}
	err := safefile.WriteDerived(fsys, f.file, 0o644, func(w io.Writer) error {
		return codec.Write(w, fixityFormat, len(f.intact), maps.All(f.intact), func(e *codec.Encoder, name string, st stamp) {
			e.Text(name)
			e.Int(st.size)
			e.Int(st.modTime)
		})
	})
	if err == nil {
		f.changed = false
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil // its directory is gone: a cache removed while running
	}
	return err
}
