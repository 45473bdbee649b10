package hugo

import (
	"bytes"
	"io"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gohugoio/hugo/hugolib"
	"github.com/spf13/afero"
)

// SpliceFunc writes a page Hugo rendered to w, filling in what the page
// left for after rendering; permalink resolves a content path as Hugo's
// relref does.
type SpliceFunc func(w io.Writer, page []byte, permalink func(ref string) string) error

// splicingFs is the destination file system when pages are spliced: each
// HTML file Hugo writes is held until Hugo closes it, then spliced into
// the file on disk.
type splicingFs struct {
	afero.Fs
	splice SpliceFunc
	// sites resolves links; set once Hugo has the sites, before it writes.
	sites *hugolib.HugoSites
	// busy is the time spent splicing, all goroutines together.
	busy atomic.Int64
}

var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func (fs *splicingFs) Create(name string) (afero.File, error) {
	f, err := fs.Fs.Create(name)
	if err != nil || filepath.Ext(name) != ".html" {
		return f, err
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	return &splicingFile{File: f, fs: fs, page: buf}, nil
}

// permalink resolves ref in the default language's site as relref does,
// including its warning and URL for a page not found.
func (fs *splicingFs) permalink(ref string) string {
	s := fs.sites.Sites[0]
	if p, err := s.GetPage(ref); err == nil && p != nil {
		return p.RelPermalink()
	}
	fs.sites.Log.Warnf("REF_NOT_FOUND: Ref %q: page not found", ref)
	return fs.sites.Configs.Base.RefLinksNotFoundURL
}

// splicingFile buffers what Hugo writes; Close splices it into the file.
type splicingFile struct {
	afero.File
	fs   *splicingFs
	page *bytes.Buffer
}

func (f *splicingFile) Write(p []byte) (int, error) { return f.page.Write(p) }

func (f *splicingFile) WriteString(s string) (int, error) { return f.page.WriteString(s) }

func (f *splicingFile) Close() error {
	if f.page == nil {
		return f.File.Close()
	}
	start := time.Now()
	out := pageBuffers.Get().(*bytes.Buffer)
	out.Reset()
	err := f.fs.splice(out, f.page.Bytes(), f.fs.permalink)
	if err == nil {
		_, err = f.File.Write(out.Bytes())
	}
	f.fs.busy.Add(int64(time.Since(start)))
	for _, b := range []*bytes.Buffer{f.page, out} {
		if b.Cap() <= 1<<20 { // a huge page's buffer is not worth keeping
			pageBuffers.Put(b)
		}
	}
	f.page = nil
	if cerr := f.File.Close(); err == nil {
		err = cerr
	}
	return err
}
