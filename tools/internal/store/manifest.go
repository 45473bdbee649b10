package store

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/cespare/xxhash/v2"
	jsonv2 "github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Status is what became of a source URL.
type Status string

const (
	OK     Status = "ok"
	Failed Status = "failed"
)

// Entry is what the manifest knows about one source image.
type Entry struct {
	// Key identifies the image whatever noise its URL carried.
	Key string `json:"key"`
	// URL is the URL it was (last) fetched from.
	URL    string `json:"url"`
	Status Status `json:"status"`

	File   string `json:"file,omitempty"`
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	Format string `json:"format,omitempty"`
	Bytes  int64  `json:"bytes,omitempty"`
	// Variants are narrower copies for srcset.
	Variants Variants `json:"variants,omitempty"`

	Fetched time.Time `json:"fetched"`
	// Error says why a failed image failed; Permanent failures (404, not an
	// image, too large) are not retried unless asked.
	Error     string `json:"error,omitempty"`
	Permanent bool   `json:"permanent,omitempty"`
	Attempts  int    `json:"attempts,omitempty"`
	// Remapped says the image was fetched through --remap-host (a test
	// server, mirror origin's stand-ins) not said to be a faithful copy of
	// the host: the file may not be the host's image, and a run that does
	// not remap the host fetches the real one.
	Remapped bool `json:"remapped,omitempty"`
}

// Variant is a narrower copy of a stored image.
type Variant struct {
	Width int
	File  string
}

// Variants are an image's narrower copies, narrowest first. The manifest
// keeps them as an object of files by width (as encoding/json writes a
// map[int]string); in memory a slice, not a map: a build reads 30,000
// entries, and a map each was half the memory of the manifest.
type Variants []Variant

// MarshalJSON writes variants as they always were: {"240": "ab/….png"}.
func (vs Variants) MarshalJSON() ([]byte, error) {
	byWidth := make(map[int]string, len(vs))
	for _, v := range vs {
		byWidth[v.Width] = v.File
	}
	return json.Marshal(byWidth)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (vs *Variants) UnmarshalJSON(data []byte) error {
	var byWidth map[int]string
	if err := json.Unmarshal(data, &byWidth); err != nil {
		return err
	}
	*vs = nil
	for w, f := range byWidth {
		*vs = vs.With(w, f)
	}
	return nil
}

// File returns the copy of width w.
func (vs Variants) File(w int) (string, bool) {
	for _, v := range vs {
		if v.Width == w {
			return v.File, true
		}
	}
	return "", false
}

// With returns the variants with file as the copy of width w (vs itself
// unchanged).
func (vs Variants) With(w int, file string) Variants {
	out := make(Variants, 0, len(vs)+1)
	for _, v := range vs {
		if v.Width != w {
			out = append(out, v)
		}
	}
	out = append(out, Variant{w, file})
	slices.SortFunc(out, func(a, b Variant) int { return cmp.Compare(a.Width, b.Width) })
	return out
}

// Manifest maps image keys to entries. It is safe for concurrent use.
type Manifest struct {
	mu      sync.RWMutex
	entries map[string]Entry
	dirty   bool
}

// NewManifest returns an empty manifest.
func NewManifest() *Manifest { return &Manifest{entries: map[string]Entry{}} }

// LoadManifest reads a manifest file; a missing file is an empty manifest.
// The format is JSON Lines sorted by key, so diffs and merges of a
// committed store stay small.
func LoadManifest(fsys afero.Fs, name string) (*Manifest, error) {
	m, _, err := loadManifest(fsys, name)
	return m, err
}

// loadManifest is LoadManifest, also returning the hash of the bytes read.
func loadManifest(fsys afero.Fs, name string) (*Manifest, uint64, error) {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return NewManifest(), xxhash.Sum64(nil), nil
	}
	if err != nil {
		return nil, 0, fmt.Errorf("image manifest: %w", err)
	}
	defer f.Close()
	m := NewManifest()
	if info, err := f.Stat(); err == nil {
		// Sized for the entries it holds (300-400 bytes each), so the map
		// is not grown, and copied, a dozen times on the way.
		m.entries = make(map[string]Entry, info.Size()/300)
	}
	// Streamed, not read whole: the entries are all that is kept. Read with
	// JSON v2, a third quicker than encoding/json on a manifest of 30,000
	// images (written with encoding/json, whose output it reads the same).
	h := xxhash.New()
	dec := jsontext.NewDecoder(bufio.NewReaderSize(io.TeeReader(f, h), 64<<10))
	for dec.PeekKind() != 0 { // 0: the end, or an error ReadToken returns
		var e Entry
		offset := dec.InputOffset()
		if err := jsonv2.UnmarshalDecode(dec, &e); err != nil || e.Key == "" {
			return nil, 0, fmt.Errorf("%s:%d: not a manifest entry: %v", name, lineAt(fsys, name, offset), err)
		}
		m.entries[e.Key] = e
	}
	if _, err := dec.ReadToken(); err != io.EOF {
		return nil, 0, fmt.Errorf("%s:%d: not a manifest entry: %v", name, lineAt(fsys, name, dec.InputOffset()), err)
	}
	return m, h.Sum64(), nil
}

// lineAt is the line of a file an entry at offset starts on, for errors.
func lineAt(fsys afero.Fs, name string, offset int64) int {
	data, _ := afero.ReadFile(fsys, name)
	i := int(min(max(offset, 0), int64(len(data))))
	// The decoder's offset is where the entry before it ended.
	for i < len(data) && strings.ContainsRune(" \t\r\n", rune(data[i])) {
		i++
	}
	return 1 + bytes.Count(data[:i], []byte("\n"))
}

// Get returns the entry for a key.
func (m *Manifest) Get(key string) (Entry, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	e, ok := m.entries[key]
	return e, ok
}

// Set records an entry.
func (m *Manifest) Set(e Entry) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.entries[e.Key] = e
	m.dirty = true
}

// Delete forgets a key.
func (m *Manifest) Delete(key string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.entries, key)
	m.dirty = true
}

// Len is how many entries there are.
func (m *Manifest) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.entries)
}

// Entries returns every entry, sorted by key.
func (m *Manifest) Entries() []Entry {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]Entry, 0, len(m.entries))
	for _, e := range m.entries {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Save writes the manifest atomically, if it changed since it was read or
// last saved.
func (m *Manifest) Save(fsys afero.Fs, name string) error { return m.save(fsys, name, "") }

// save is Save, also writing the manifest's index (see loadIndexed) when
// index is set.
func (m *Manifest) save(fsys afero.Fs, name, index string) error {
	m.mu.Lock()
	dirty := m.dirty
	m.dirty = false
	m.mu.Unlock()
	if !dirty {
		return nil
	}
	entries := m.Entries()
	h := xxhash.New()
	err := safefile.WriteStream(fsys, name, 0o644, func(w io.Writer) error {
		// An Encoder writes what Marshal returns, and a newline.
		enc := json.NewEncoder(io.MultiWriter(w, h))
		for _, e := range entries {
			if err := enc.Encode(e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		m.mu.Lock()
		m.dirty = true
		m.mu.Unlock()
		return fmt.Errorf("image manifest: %w", err)
	}
	if index != "" {
		writeIndex(fsys, index, h.Sum64(), entries)
	}
	return nil
}
