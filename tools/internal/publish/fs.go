package publish

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/spf13/afero"
)

// SpliceFunc writes a file Hugo rendered (name, in the destination) to w,
// filling in what its pages left for after rendering; permalink resolves a
// content path as Hugo's relref does.
type SpliceFunc func(w io.Writer, name string, page []byte, permalink func(ref string) string) error

// Fs is the file system Hugo writes the site to. It holds each file
// Hugo writes until Hugo closes it, splices it (when asked to),
// and writes the file only if it differs from the one already there: a
// build rendering over the previous site rewrites only what changed, and
// a page that did not change keeps its modification time.
type Fs struct {
	afero.Fs
	splice SpliceFunc
	// resolve resolves links into the site (see Linked); set once Hugo
	// has read the site, before it writes.
	resolve func(ref string) string
	dirs    sync.Map // directories known to exist
	// dir is the site's; published, when set, is how its files were made.
	dir       string
	published *Record
	site      func() uint64 // see Publication.Site

	splicing atomic.Int64 // time spent splicing, all workers together
	written  atomic.Int64 // files

	mu    sync.Mutex
	files map[string]int64 // the site's files Hugo wrote or found up to date, by size
	// errs are what went wrong publishing files: Hugo ignores the error a
	// file's Close returns, and this is where the writing happens.
	errs []error
}

// NewFs returns the file system publishing into dir over fsys, splicing
// pages with splice (when not nil) and keeping the files published's
// record says are as they would be written (when not nil).
func NewFs(fsys afero.Fs, dir string, splice SpliceFunc, published *Record) *Fs {
	fs := &Fs{Fs: fsys, dir: dir, splice: splice, published: published}
	fs.site = sync.OnceValue(func() uint64 {
		info, err := fsys.Stat(dir)
		if err != nil {
			return 0
		}
		return inode(info)
	})
	return fs
}

// Linked gives the file system the resolver of links into the site, as
// Hugo's relref resolves them, before Hugo writes.
func (fs *Fs) Linked(resolve func(ref string) string) { fs.resolve = resolve }

// Failure is what went wrong publishing the site, if anything: Hugo
// ignores the error a file's Close returns.
func (fs *Fs) Failure() error {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return errors.Join(fs.errs...)
}

// note records a file of the site and its size.
func (fs *Fs) note(name string, size int64) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.files == nil {
		// Sized for the files of the last site, not grown to it.
		fs.files = make(map[string]int64, fs.published.Len())
	}
	fs.files[filepath.Clean(name)] = size
}

// OpenFile notes a file opened for writing other than by Create (Hugo's
// post-processing rewrites files so) with an unknown size (-1).
func (fs *Fs) OpenFile(name string, flag int, perm os.FileMode) (afero.File, error) {
	writing := flag&(os.O_WRONLY|os.O_RDWR) != 0
	f, err := fs.Fs.OpenFile(name, flag, perm)
	if err == nil && writing {
		fs.note(name, -1)
	}
	return f, err
}

// Stat notes a file the static copy finds up to date: it is in the site.
func (fs *Fs) Stat(name string) (os.FileInfo, error) {
	info, err := fs.Fs.Stat(name)
	if err == nil && info.Mode().IsRegular() {
		fs.note(name, info.Size())
	}
	return info, err
}

var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// Create returns a file held in memory until it is closed. Like the disk's,
// it fails when the directory does not exist (Hugo then creates it).
func (fs *Fs) Create(name string) (afero.File, error) {
	// A directory once found stays: nothing removes one while Hugo writes.
	dir := filepath.Dir(name)
	if _, found := fs.dirs.Load(dir); !found {
		if _, err := fs.Fs.Stat(dir); err != nil {
			return nil, err
		}
		fs.dirs.Store(dir, true)
	}
	buf := buffers.Get().(*bytes.Buffer)
	buf.Reset()
	return &pendingFile{fs: fs, name: name, data: buf}, nil
}

// Files are the site's files Hugo wrote or found up to date (absolute,
// cleaned), by size; -1 for a file written other than by Create, whose
// size is on the disk.
func (fs *Fs) Files() map[string]int64 {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.files
}

// Note adds files written into the site other than through fs (after
// Hugo), to be measured on the disk.
func (fs *Fs) Note(files ...string) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	for _, f := range files {
		fs.files[f] = -1
	}
}

// Splicing is the time publishing took, all files together: checking each
// against the record and splicing those not found as they were (spread
// over Hugo's workers).
func (fs *Fs) Splicing() time.Duration { return time.Duration(fs.splicing.Load()) }

// Written is how many files differed from those already there.
func (fs *Fs) Written() int { return int(fs.written.Load()) }

// publish writes a file Hugo closed.
func (fs *Fs) publish(name string, data []byte) error {
	start := time.Now()
	pub := Publication{Input: inputOf(data), Site: fs.site()}
	rel := relTo(fs.dir, name)
	if fs.keep(name, rel, pub.Input) {
		fs.splicing.Add(int64(time.Since(start)))
		return nil
	}
	if fs.splice != nil {
		out := buffers.Get().(*bytes.Buffer)
		out.Reset()
		defer buffers.Put(out)
		err := fs.splice(out, name, data, func(ref string) string {
			url := fs.resolve(ref)
			pub.Links = append(pub.Links, ref, url)
			return url
		})
		if err != nil {
			return err
		}
		data = out.Bytes()
	}
	fs.splicing.Add(int64(time.Since(start)))
	info, changed, err := writeIfChanged(fs.Fs, name, data)
	if err != nil {
		return err
	}
	fs.note(name, int64(len(data)))
	if changed {
		fs.written.Add(1)
	}
	if fs.published != nil {
		fs.published.record(rel, pub, info)
	}
	return nil
}

// keep says whether the file at name, rel in the site, is as the build
// that wrote it from the same input left it, its links leading where they
// did: then it is published as it is.
func (fs *Fs) keep(name, rel string, input uint64) bool {
	if fs.published == nil {
		return false
	}
	stat := func() (os.FileInfo, error) { return fs.Fs.Stat(name) }
	size := fs.published.keep(rel, input, stat, func(links []string) bool {
		for i := 0; i+1 < len(links); i += 2 {
			if fs.resolve(links[i]) != links[i+1] {
				return false
			}
		}
		return true
	})
	if size < 0 {
		return false
	}
	fs.note(name, size)
	return true
}

// writeIfChanged writes data to name unless name holds it already, and
// returns the file's info. The file written is a new one, not the old one
// truncated: ext4 flushes a file truncated and written again as it is
// closed (auto_da_alloc), and rewriting 10,000 pages so cost more than
// writing a new site.
func writeIfChanged(fsys afero.Fs, name string, data []byte) (os.FileInfo, bool, error) {
	if info, err := holds(fsys, name, data); info != nil || err != nil {
		return info, false, err
	}
	f, err := fsys.Create(name)
	if err != nil {
		return nil, false, err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, false, err
	}
	info, err := fsys.Stat(name)
	return info, true, err
}

// holds returns the info of the file name if it holds data, and removes
// it if it holds something else.
func holds(fsys afero.Fs, name string, data []byte) (os.FileInfo, error) {
	f, err := fsys.Open(name)
	if os.IsNotExist(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	same := err == nil && info.Mode().IsRegular() && info.Size() == int64(len(data))
	if same {
		old := buffers.Get().(*bytes.Buffer)
		old.Reset()
		old.Grow(len(data))
		_, err := old.ReadFrom(f)
		same = err == nil && bytes.Equal(old.Bytes(), data)
		buffers.Put(old)
	}
	f.Close()
	if same {
		return info, nil
	}
	if err := fsys.Remove(name); err != nil && !os.IsNotExist(err) {
		return nil, err
	}
	return nil, nil
}

// pendingFile is a file Hugo writes, published when Hugo closes it. Hugo
// only writes to the files it creates.
type pendingFile struct {
	fs   *Fs
	name string
	data *bytes.Buffer // nil once closed
}

var errWriteOnly = errors.New("a file being published can only be written")

func (f *pendingFile) Close() error {
	if f.data == nil {
		return nil
	}
	err := f.fs.publish(f.name, f.data.Bytes())
	buffers.Put(f.data)
	f.data = nil
	if err != nil {
		f.fs.mu.Lock()
		if len(f.fs.errs) < 10 { // enough to say what is wrong
			f.fs.errs = append(f.fs.errs, err)
		}
		f.fs.mu.Unlock()
	}
	return err
}

func (f *pendingFile) Name() string { return f.name }

func (f *pendingFile) Write(p []byte) (int, error) {
	if f.data == nil {
		return 0, os.ErrClosed
	}
	return f.data.Write(p)
}

func (f *pendingFile) WriteString(s string) (int, error) { return f.Write([]byte(s)) }

func (f *pendingFile) Stat() (os.FileInfo, error) {
	if f.data == nil {
		return nil, os.ErrClosed
	}
	return pendingInfo{name: filepath.Base(f.name), size: int64(f.data.Len())}, nil
}

// pendingInfo describes a file being written.
type pendingInfo struct {
	name string
	size int64
}

func (i pendingInfo) Name() string       { return i.name }
func (i pendingInfo) Size() int64        { return i.size }
func (i pendingInfo) Mode() os.FileMode  { return 0o644 }
func (i pendingInfo) ModTime() time.Time { return time.Now() }
func (i pendingInfo) IsDir() bool        { return false }
func (i pendingInfo) Sys() any           { return nil }

func (f *pendingFile) Sync() error                        { return nil }
func (f *pendingFile) Read([]byte) (int, error)           { return 0, errWriteOnly }
func (f *pendingFile) ReadAt([]byte, int64) (int, error)  { return 0, errWriteOnly }
func (f *pendingFile) WriteAt([]byte, int64) (int, error) { return 0, errWriteOnly }
func (f *pendingFile) Seek(int64, int) (int64, error)     { return 0, errWriteOnly }
func (f *pendingFile) Truncate(int64) error               { return errWriteOnly }
func (f *pendingFile) Readdir(int) ([]os.FileInfo, error) { return nil, errWriteOnly }
func (f *pendingFile) Readdirnames(int) ([]string, error) { return nil, errWriteOnly }
