package publish

import (
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/spf13/afero"
)

// Paths is the set of paths Hugo wrote or looked at while publishing a site.
// A build that renders over an older site removes every other file: those
// are pages the new site no longer has.
type Paths struct {
	mu   sync.Mutex
	seen map[string]bool
}

// NewPaths returns an empty set.
func NewPaths() *Paths { return &Paths{seen: map[string]bool{}} }

// Has says whether Hugo touched path (absolute, as given to Options.Dest).
func (p *Paths) Has(path string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.seen[filepath.Clean(path)]
}

// add notes name and the directories above it: writing into a directory
// that exists already creates nothing there, yet it stays.
func (p *Paths) add(name string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for name = filepath.Clean(name); !p.seen[name]; name = filepath.Dir(name) {
		p.seen[name] = true
		if parent := filepath.Dir(name); parent == name {
			break
		}
	}
}

// recordingFs is the destination file system, noting every path Hugo
// creates, opens or stats: the static copy skips files that are already
// up to date after a stat, and those must stay.
type recordingFs struct {
	afero.Fs
	paths *Paths
}

func (fs recordingFs) Create(name string) (afero.File, error) {
	fs.paths.add(name)
	return fs.Fs.Create(name)
}

func (fs recordingFs) Mkdir(name string, perm os.FileMode) error {
	fs.paths.add(name)
	return fs.Fs.Mkdir(name, perm)
}

func (fs recordingFs) MkdirAll(path string, perm os.FileMode) error {
	fs.paths.add(path)
	return fs.Fs.MkdirAll(path, perm)
}

func (fs recordingFs) Open(name string) (afero.File, error) {
	fs.paths.add(name)
	return fs.Fs.Open(name)
}

func (fs recordingFs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	fs.paths.add(name)
	return fs.Fs.OpenFile(name, flag, perm)
}

func (fs recordingFs) Stat(name string) (os.FileInfo, error) {
	fs.paths.add(name)
	return fs.Fs.Stat(name)
}

func (fs recordingFs) LstatIfPossible(name string) (os.FileInfo, bool, error) {
	fs.paths.add(name)
	if l, ok := fs.Fs.(afero.Lstater); ok {
		return l.LstatIfPossible(name)
	}
	info, err := fs.Fs.Stat(name)
	return info, false, err
}

func (fs recordingFs) Rename(oldname, newname string) error {
	fs.paths.add(newname)
	return fs.Fs.Rename(oldname, newname)
}

func (fs recordingFs) Chtimes(name string, atime, mtime time.Time) error {
	fs.paths.add(name)
	return fs.Fs.Chtimes(name, atime, mtime)
}

// Recording is fsys noting in paths every path Hugo creates, opens or
// stats through it.
func Recording(fsys afero.Fs, paths *Paths) afero.Fs { return recordingFs{Fs: fsys, paths: paths} }
