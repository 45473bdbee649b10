package reuse

import (
	"io"
	"maps"
	"os"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/codec"
)

// The packs are kept in the binary form of package codec rather than gob:
// an incremental build reads every record (10,000 scans), and gob took a
// fifth of a second of CPU and 30 MB of fresh memory to decode them.

// A recordCodec writes and reads the records of one kind. format names the
// layout: a file in another layout is not read (the pack starts empty).
type recordCodec[T any] struct {
	format string
	put    func(*codec.Encoder, T)
	get    func(*recordDecoder) T
}

// recordDecoder is a decoder with arrays to cut the records' slices from.
type recordDecoder struct {
	*codec.Decoder
	findings codec.Arena[article.Finding]
	refs     codec.Arena[article.ImageRef]
	links    codec.Arena[article.Link]
}

func putFindings(e *codec.Encoder, fs []article.Finding) {
	e.Uint(uint64(len(fs)))
	for _, f := range fs {
		e.Text(f.File)
		e.Int(int64(f.Line))
		e.Int(int64(f.Col))
		e.Int(int64(f.Severity))
		e.Text(f.Rule)
		e.Text(f.Message)
		e.Text(f.Stage)
		e.Bool(f.Fixable)
	}
}

func getFindings(d *recordDecoder) []article.Finding {
	fs := d.findings.Take(d.Count())
	for i := range fs {
		fs[i] = article.Finding{File: d.Text(), Line: int(d.Int()), Col: int(d.Int()), Severity: article.Severity(d.Int()),
			Rule: d.Text(), Message: d.Text(), Stage: d.Text(), Fixable: d.Bool()}
	}
	return fs
}

var scanCodec = recordCodec[Scan]{
	format: "scans-4", // 4: a front matter account is the account
	put: func(e *codec.Encoder, s Scan) {
		putFindings(e, s.Findings)
		e.Text(s.Account)
		e.Text(s.Source)
		e.Text(s.SourceKey)
		e.Text(s.Path)
		e.Bool(s.Readable)
		e.Texts(s.URLKeys)
		e.Uint(uint64(len(s.Images)))
		for _, r := range s.Images {
			e.Text(r.Key)
			e.Text(r.URL)
		}
		e.Uint(uint64(len(s.Links)))
		for _, l := range s.Links {
			e.Text(l.Href)
			e.Text(l.Key)
			e.Text(l.Canonical)
		}
		e.Time(s.Date)
		e.Texts(s.Categories)
	},
	get: func(d *recordDecoder) Scan {
		s := Scan{Findings: getFindings(d), Account: d.Text(), Source: d.Text(), SourceKey: d.Text(), Path: d.Text(), Readable: d.Bool(), URLKeys: d.Texts()}
		s.Images = d.refs.Take(d.Count())
		for i := range s.Images {
			s.Images[i] = article.ImageRef{Key: d.Text(), URL: d.Text()}
		}
		s.Links = d.links.Take(d.Count())
		for i := range s.Links {
			s.Links[i] = article.Link{Href: d.Text(), Key: d.Text(), Canonical: d.Text()}
		}
		s.Date, s.Categories = d.Time(), d.Texts()
		return s
	},
}

var stagedCodec = recordCodec[Staged]{
	format: "staged-2", // 2: the status id staged
	put: func(e *codec.Encoder, s Staged) {
		e.Text(s.Path)
		putFindings(e, s.Findings)
	},
	get: func(d *recordDecoder) Staged { return Staged{Path: d.Text(), Findings: getFindings(d)} },
}

var fileCodec = recordCodec[FileStat]{
	format: "files-1",
	put: func(e *codec.Encoder, s FileStat) {
		e.Int(s.Size)
		e.Int(s.ModTime)
		e.Uint(uint64(s.Mode))
		e.Bytes(s.Key[:])
	},
	get: func(d *recordDecoder) FileStat {
		s := FileStat{Size: d.Int(), ModTime: d.Int(), Mode: os.FileMode(d.Uint())}
		d.Bytes(s.Key[:])
		return s
	},
}

// encode writes records to w in c's layout.
func (c recordCodec[T]) encode(w io.Writer, records map[Key]T) error {
	return codec.Write(w, c.format, len(records), maps.All(records), func(e *codec.Encoder, k Key, v T) {
		e.Bytes(k[:])
		c.put(e, v)
	})
}

// decode reads what encode wrote.
func (c recordCodec[T]) decode(data []byte) (map[Key]T, error) {
	d := &recordDecoder{Decoder: codec.NewDecoder(data)}
	return codec.ReadMap(d.Decoder, c.format, func() (Key, T) {
		var k Key
		d.Bytes(k[:])
		return k, c.get(d)
	})
}
