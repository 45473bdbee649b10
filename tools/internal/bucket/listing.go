package bucket

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/safefile"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// load reads the kept listing; false when there is none to trust (none
// kept, another bucket's, unreadable).
func (l *listing) load() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held != nil {
		return true
	}
	if l.file == "" {
		return false
	}
	data, err := os.ReadFile(l.file)
	if err != nil {
		return false
	}
	first, rest, _ := bytes.Cut(data, []byte("\n"))
	if string(first) != l.header {
		return false
	}
	held := map[string]bool{}
	for len(rest) > 0 {
		line, after, complete := bytes.Cut(rest, []byte("\n"))
		if !complete {
			break // cut short by a killed run: that upload is not confirmed
		}
		if name := string(line); store.ValidName(name) {
			held[name] = true
		}
		rest = after
	}
	l.held = held
	return true
}

func (l *listing) has(name string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.held[name]
}

// add records a confirmed file, on the disk before it returns.
func (l *listing) add(name string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == nil {
		l.held = map[string]bool{}
	}
	l.held[name] = true
	if l.file == "" {
		return nil
	}
	if l.log == nil {
		if err := l.openLog(); err != nil {
			return err
		}
	}
	_, err := io.WriteString(l.log, name+"\n")
	return err
}

// openLog opens the listing to append to it, writing it whole first
// when it is not the one held in memory.
func (l *listing) openLog() error {
	if err := os.MkdirAll(filepath.Dir(l.file), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(l.file, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		if err := l.write(); err != nil {
			return err
		}
		if f, err = os.OpenFile(l.file, os.O_WRONLY|os.O_APPEND, 0); err != nil {
			return err
		}
	}
	l.log = f
	return nil
}

// replace makes the listing the files given (a fresh listing of the
// bucket).
func (l *listing) replace(files map[string]int64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held = make(map[string]bool, len(files))
	for name := range files {
		l.held[name] = true
	}
	return l.rewrite()
}

// none is a listing that knows of nothing, kept in memory only (offline,
// with none kept: the next run online lists the bucket).
func (l *listing) none() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.held = map[string]bool{}
}

// forget drops files from the listing.
func (l *listing) forget(names ...string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(l.held)
	for _, name := range names {
		delete(l.held, name)
	}
	if len(l.held) == n {
		return nil
	}
	return l.rewrite()
}

// rewrite writes the listing whole, and appends to the new file after.
func (l *listing) rewrite() error {
	if l.file == "" {
		return nil
	}
	if l.log != nil {
		l.log.Close()
		l.log = nil
	}
	return l.write()
}

// write writes the listing whole, atomically.
func (l *listing) write() error {
	names := slices.Sorted(maps.Keys(l.held))
	return safefile.WriteDerived(afero.NewOsFs(), l.file, 0o644, func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		fmt.Fprintln(bw, l.header)
		for _, n := range names {
			fmt.Fprintln(bw, n)
		}
		return bw.Flush()
	})
}

func (l *listing) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.log != nil {
		l.log.Close()
		l.log = nil
	}
}
