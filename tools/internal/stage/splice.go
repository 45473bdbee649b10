package stage

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"io/fs"
	"path"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Spliced bodies. Hugo keeps every page's source and parsed content in
// memory for the whole build and renders each body through its shortcode
// machinery, though a staged body is finished HTML whose only shortcodes
// are relref links. So the staged file holds the front matter and a
// marker, the body waits beside the stage, and Splice puts it in place of
// the marker as Hugo writes the page, with the links resolved as relref
// would. At 10,000 articles that is a fifth of Hugo's memory and time.
//
// The marker carries a secret kept beside the stage, so no article can
// forge one: bodies are sanitized (no comments) and every text Hugo puts
// in a page is escaped, but a marker naming another file should not be
// possible even in a hand-written page.

// markerStart begins a marker: <!--mirror-body SECRET DIGEST REL-->, where
// DIGEST names what the body holds (its staged file's tag), so a page
// holding the same markers as before holds the same bodies.
const markerStart = "<!--mirror-body "

const markerEnd = "-->"

// markerFormat changes with the markers' format, so files staged with
// markers of another format are staged again.
const markerFormat = "m2"

// relref is a link into the archive as a staged body holds it (hugoSafe).
var relref = regexp.MustCompile(`\{\{< relref "([^"{}<>&']*)" >\}\}`)

// loadSecret reads the stage's secret, making one if there is none (files
// staged with another secret are then staged again: see holds).
func (s *Stage) loadSecret() (string, error) {
	data, err := afero.ReadFile(s.fs, s.secretFile())
	if secret := strings.TrimSpace(string(data)); err == nil && len(secret) == 32 {
		if _, err := hex.DecodeString(secret); err == nil {
			return secret, nil
		}
	}
	b := make([]byte, 16)
	rand.Read(b)
	secret := hex.EncodeToString(b)
	if err := safefile.Write(s.fs, s.secretFile(), []byte(secret+"\n"), 0o600); err != nil {
		return "", fmt.Errorf("staging: %w", err)
	}
	return secret, nil
}

// splitStaged cuts a staged article after its front matter, which
// writeFrontMatter ends with the JSON object's closing brace, alone on its
// line, and an empty line (JSON strings hold no newline, and nested values
// are indented).
func splitStaged(data []byte) (front, body []byte, ok bool) {
	i := bytes.Index(data, []byte("\n}\n\n"))
	if i < 0 {
		return nil, nil, false
	}
	return data[:i+4], data[i+4:], true
}

// markerFor is the staged file standing for an article at rel: its front
// matter, and the marker where the body, named by digest, goes.
func (s *Stage) markerFor(front []byte, digest, rel string) []byte {
	b := make([]byte, 0, len(front)+len(s.marker)+len(digest)+1+len(rel)+len(markerEnd))
	b = append(append(b, front...), s.marker...)
	return append(append(append(append(b, digest...), ' '), rel...), markerEnd...)
}

// Splicer is how the pages Hugo writes get the bodies the stage kept
// apart (Splice), or nil when bodies are staged whole.
func (s *Stage) Splicer() func(w io.Writer, name string, page []byte, permalink func(ref string) string) error {
	if s.marker == nil {
		return nil
	}
	return s.Splice
}

// Splice writes a file Hugo rendered to w: in an HTML page, each marker
// replaced by the body it stands for, with the body's relref links
// resolved by permalink (a content path's URL, as relref gives it). A
// marker anywhere else (escaped in a page, in a feed) means the theme
// shows an article's content outside its own page, which only a body
// staged whole can give: that is an error, not a page published with it.
func (s *Stage) Splice(w io.Writer, name string, page []byte, permalink func(ref string) string) error {
	for s.marker != nil && path.Ext(name) == ".html" {
		i := bytes.Index(page, s.marker)
		if i < 0 {
			break
		}
		rest := page[i+len(s.marker):]
		end := bytes.Index(rest, []byte(markerEnd))
		if end < 0 {
			break
		}
		_, rel, _ := strings.Cut(string(rest[:end]), " ")
		if !fs.ValidPath(rel) {
			return fmt.Errorf("splicing: a marker names %q", rel)
		}
		body := bodyBuffers.Get().(*bytes.Buffer)
		err := s.readBody(body, rel)
		if err == nil {
			if _, err = w.Write(page[:i]); err == nil {
				err = writeLinked(w, body.Bytes(), permalink)
			}
		}
		bodyBuffers.Put(body)
		if err != nil {
			return err
		}
		page = rest[end+len(markerEnd):]
	}
	if s.marker != nil && bytes.Contains(page, s.secret()) {
		return fmt.Errorf("%s shows an article's content outside its page (.Content, .Plain or .Summary in a list or a feed): "+
			"set [params.mirror.stage] spliceBodies = false for such a theme", name)
	}
	_, err := w.Write(page)
	return err
}

// secret is the part of a marker no page can hold by chance.
func (s *Stage) secret() []byte { return s.marker[len(markerStart) : len(s.marker)-1] }

var bodyBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// readBody reads the body kept apart for rel into buf: a build splices
// every page's, so into a buffer it reuses, sized once.
func (s *Stage) readBody(buf *bytes.Buffer, rel string) error {
	buf.Reset()
	f, err := s.fs.Open(path.Join(s.bodiesDir(), rel))
	if err != nil {
		return fmt.Errorf("splicing the body of %s: %w", rel, err)
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		buf.Grow(int(info.Size()) + bytes.MinRead)
	}
	if _, err := buf.ReadFrom(f); err != nil {
		return fmt.Errorf("splicing the body of %s: %w", rel, err)
	}
	return nil
}

// writeLinked writes body with its relref links resolved.
func writeLinked(w io.Writer, body []byte, permalink func(ref string) string) error {
	last := 0
	for _, m := range relref.FindAllSubmatchIndex(body, -1) {
		if _, err := w.Write(body[last:m[0]]); err != nil {
			return err
		}
		if _, err := io.WriteString(w, html.EscapeString(permalink(string(body[m[2]:m[3]])))); err != nil {
			return err
		}
		last = m[1]
	}
	_, err := w.Write(body[last:])
	return err
}
