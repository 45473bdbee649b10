package store

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"

	"github.com/cespare/xxhash/v2"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/codec"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// The manifest's index is the manifest in the binary form of package
// codec, named by a hash of the manifest's bytes. It is derived data, kept
// with the build cache, not in the store: reading 30,000 entries from JSON
// took a fifth of a second of CPU in every build; from the index, a
// hundredth. The manifest stays the record (text, sorted, for diffs and
// merges of a committed store); an index of other bytes is not used.

const indexFormat = "manifest-index-4" // 4: remapped

// fileSum is the hash of a file's bytes, read in small pieces (the
// manifest can be tens of megabytes; read whole, its pages cost more than
// the hashing); a missing file hashes as empty.
func fileSum(fsys afero.Fs, name string) (uint64, error) {
	f, err := fsys.Open(name)
	if errors.Is(err, fs.ErrNotExist) {
		return xxhash.Sum64(nil), nil
	}
	if err != nil {
		return 0, err
	}
	defer f.Close()
	h := xxhash.New()
	_, err = io.CopyBuffer(h, f, make([]byte, 64<<10))
	return h.Sum64(), err
}

// indexFormatOf names the layout of an index and the manifest it is of.
func indexFormatOf(sum uint64) string { return fmt.Sprintf("%s %016x", indexFormat, sum) }

func putEntry(e *codec.Encoder, en Entry) {
	e.Text(en.Key)
	e.Text(en.URL)
	e.Text(string(en.Status))
	e.Text(en.File)
	e.Int(int64(en.Width))
	e.Int(int64(en.Height))
	e.Text(en.Format)
	e.Int(en.Bytes)
	e.Uint(uint64(len(en.Variants)))
	for _, v := range en.Variants {
		e.Int(int64(v.Width))
		e.Text(v.File)
	}
	e.Time(en.Fetched)
	e.Text(en.Error)
	e.Bool(en.Permanent)
	e.Int(int64(en.Attempts))
	e.Bool(en.Remapped)
}

func getEntry(d *codec.Decoder, variants *codec.Arena[Variant]) Entry {
	en := Entry{Key: d.Text(), URL: d.Text(), Status: Status(d.Text()), File: d.Text(),
		Width: int(d.Int()), Height: int(d.Int()), Format: d.Text(), Bytes: d.Int()}
	en.Variants = variants.Take(d.Count())
	for i := range en.Variants {
		en.Variants[i] = Variant{Width: int(d.Int()), File: d.Text()}
	}
	en.Fetched, en.Error, en.Permanent, en.Attempts, en.Remapped = d.Time(), d.Text(), d.Bool(), int(d.Int()), d.Bool()
	return en
}

// encodeIndex writes to w the index of entries, read from a manifest of
// hash sum, a few at a time.
func encodeIndex(w io.Writer, sum uint64, entries []Entry) error {
	return codec.Write(w, indexFormatOf(sum), len(entries), slices.All(entries), func(e *codec.Encoder, _ int, en Entry) {
		putEntry(e, en)
	})
}

// decodeIndex reads an index, if it is of the manifest of hash sum.
func decodeIndex(data []byte, sum uint64) (map[string]Entry, error) {
	d := codec.NewDecoder(data)
	var variants codec.Arena[Variant]
	return codec.ReadMap(d, indexFormatOf(sum), func() (string, Entry) {
		en := getEntry(d, &variants)
		return en.Key, en
	})
}

// loadIndexed reads the manifest name from its index when the index is of
// its bytes, else from the manifest, and then writes the index.
func loadIndexed(fsys afero.Fs, name, index string) (*Manifest, error) {
	sum, err := fileSum(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("image manifest: %w", err)
	}
	if data, err := codec.ReadFileIn(fsys, index); err == nil {
		if entries, err := decodeIndex(data, sum); err == nil {
			return &Manifest{entries: entries}, nil
		}
	}
	// Hashed again as read: the manifest may have been replaced meanwhile.
	m, sum, err := loadManifest(fsys, name)
	if err == nil {
		writeIndex(fsys, index, sum, m.Entries())
	}
	return m, err
}

// writeIndex keeps the index of entries; one not written is only read
// from the manifest again next time.
func writeIndex(fsys afero.Fs, index string, sum uint64, entries []Entry) {
	safefile.WriteDerived(fsys, index, 0o644, func(w io.Writer) error { return encodeIndex(w, sum, entries) })
}
