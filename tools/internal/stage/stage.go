package stage

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/codec"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Config is how articles are staged: the site's [params.mirror.stage].
type Config struct {
	// SpliceBodies keeps each HTML article's body out of its staged file
	// (see Splice): Hugo renders the page around a marker and the body
	// goes in as the page is written. false stages bodies whole, for a
	// theme that shows .Content, .Plain or .Summary of articles anywhere
	// but their own page.
	SpliceBodies bool `json:"spliceBodies"`
}

// NewDefaultConfig returns the settings of a site that sets none.
func NewDefaultConfig() Config { return Config{SpliceBodies: true} }

// Stage is the staged content directory. It persists between builds (in
// the build cache) so a build writes only the files that changed; an index
// beside it says what each file holds.
type Stage struct {
	fs  afero.Fs
	dir string
	// refs finds links into the archive written by the link stage.
	refs *regexp.Regexp
	// marker starts the comment standing for a body kept apart; "" when
	// bodies are staged whole.
	marker []byte

	// listed and listedBodies are the files the last build left, read
	// once: Current asks about every article (20,000 stats, otherwise).
	listing      sync.Once
	listed       map[string]bool
	listedBodies map[string]bool

	mu       sync.Mutex
	previous map[string]string // path → digest, as the last build left them
	written  map[string]string
	changing bool
}

// New returns a stage writing under dir in fs. refPrefix starts the hrefs
// the link stage writes for links into the archive; the stage turns each
// into a call to Hugo's relref. What an earlier build staged there is
// reused where it has not changed; Finish removes the rest.
func New(fs afero.Fs, dir, refPrefix string, cfg Config) (*Stage, error) {
	s := &Stage{fs: fs, dir: dir, previous: map[string]string{}, written: map[string]string{}}
	if refPrefix != "" {
		s.refs = regexp.MustCompile(`"` + regexp.QuoteMeta(refPrefix) + `(/[^"{}<>&']*)"`)
	}
	if data, err := codec.ReadFileIn(fs, s.indexFile()); err == nil {
		s.previous = decodeIndex(data) // none, if damaged or of an earlier version
	}
	if cfg.SpliceBodies {
		secret, err := s.loadSecret()
		if err != nil {
			return nil, err
		}
		s.marker = []byte(markerStart + secret + " ")
	}
	return s, nil
}

func (s *Stage) indexFile() string  { return s.dir + ".index" }
func (s *Stage) bodiesDir() string  { return s.dir + ".bodies" }
func (s *Stage) secretFile() string { return s.dir + ".secret" }

// RemoveAll removes the stage and everything beside it.
func (s *Stage) RemoveAll() {
	for _, p := range []string{s.dir, s.indexFile(), s.bodiesDir(), s.secretFile()} {
		s.fs.RemoveAll(p)
	}
}

// Finish removes the staged files this build did not write (articles gone
// or now excluded) and records what the others hold.
func (s *Stage) Finish() error {
	s.listing.Do(s.list)
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.removeUnwritten(s.dir, s.listed); err != nil {
		return err
	}
	if s.marker == nil {
		if err := s.fs.RemoveAll(s.bodiesDir()); err != nil {
			return err
		}
	} else if err := s.removeUnwritten(s.bodiesDir(), s.listedBodies); err != nil {
		return err
	}
	if !s.changing && maps.Equal(s.written, s.previous) {
		return nil // the index says so already
	}
	return safefile.WriteDerived(s.fs, s.indexFile(), 0o644, func(w io.Writer) error { return encodeIndex(w, s.written) })
}

// The index, of each staged file what it holds, is kept in the binary
// form of package codec: as JSON, reading and writing it took a tenth of
// a second of an incremental build at 10,000 articles.
const indexFormat = "stage-index-1"

func encodeIndex(w io.Writer, index map[string]string) error {
	return codec.Write(w, indexFormat, len(index), maps.All(index), func(e *codec.Encoder, rel, digest string) {
		e.Text(rel)
		e.Text(digest)
	})
}

func decodeIndex(data []byte) map[string]string {
	d := codec.NewDecoder(data)
	index, err := codec.ReadMap(d, indexFormat, func() (string, string) { return d.Text(), d.Text() })
	if err != nil {
		return map[string]string{}
	}
	return index
}

// removeUnwritten removes the files of dir, as listed, that this build
// did not stage.
func (s *Stage) removeUnwritten(dir string, listed map[string]bool) error {
	for rel := range listed {
		if _, ok := s.written[rel]; !ok {
			if err := s.fs.Remove(path.Join(dir, rel)); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
	}
	return nil
}

// Dir is where the staged content lives in the stage's fs.
func (s *Stage) Dir() string { return s.dir }

// Fs is the file system holding the staged content.
func (s *Stage) Fs() afero.Fs { return s.fs }

// Write stages one article and returns its path within the stage and the
// bytes written there. tag names what the file holds (the build's cache
// key), so a later build that would write the same can skip it; "" tags it
// by its bytes.
func (s *Stage) Write(a *article.Article, tag string) (string, []byte, error) {
	var buf bytes.Buffer
	if err := writeFrontMatter(&buf, a); err != nil {
		return "", nil, fmt.Errorf("%s: staging front matter: %w", a.File, err)
	}
	buf.Write(s.hugoSafe(a.Body))
	rel := StagedPath(a)
	if err := s.writeFile(rel, buf.Bytes(), tag, a.BodyFormat == article.HTML); err != nil {
		return "", nil, fmt.Errorf("%s: %w", a.File, err)
	}
	return rel, buf.Bytes(), nil
}

// Remove removes an article staged at rel, and its body, so the site is
// rendered without it.
func (s *Stage) Remove(rel string) error {
	for _, p := range []string{path.Join(s.dir, rel), path.Join(s.bodiesDir(), rel)} {
		if err := s.fs.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	s.mu.Lock()
	delete(s.written, rel)
	s.mu.Unlock()
	return nil
}

// Current says whether the file at rel still holds what tag names, from an
// earlier build, and keeps it if so.
func (s *Stage) Current(rel, tag string) bool {
	if tag == "" {
		return false
	}
	splits := s.splits(rel)
	holds := s.holds(tag, splits)
	s.listing.Do(s.list)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.previous[rel] != holds || !s.listed[rel] || splits && !s.listedBodies[rel] {
		return false
	}
	s.written[rel] = holds
	return true
}

// list reads which files the stage and the bodies beside it hold.
func (s *Stage) list() {
	s.listed, s.listedBodies = make(map[string]bool, len(s.previous)), make(map[string]bool, len(s.previous))
	listFiles(s.fs, s.dir, "", s.listed)
	listFiles(s.fs, s.bodiesDir(), "", s.listedBodies)
}

// listFiles adds the files under dir/rel to files, by path under dir, from
// directory reads alone (the entries' types, no stat each).
func listFiles(fsys afero.Fs, dir, rel string, files map[string]bool) {
	f, err := fsys.Open(path.Join(dir, rel))
	if err != nil {
		return
	}
	reader, ok := f.(interface {
		ReadDir(int) ([]fs.DirEntry, error)
	})
	if !ok {
		f.Close()
		return
	}
	entries, _ := reader.ReadDir(-1)
	f.Close()
	for _, e := range entries {
		p := path.Join(rel, e.Name())
		if e.IsDir() {
			listFiles(fsys, dir, p, files)
		} else {
			files[p] = true
		}
	}
}

// Copy stages a page of the site's own (site/content/) byte for byte.
func (s *Stage) Copy(rel string, data []byte) error {
	return s.writeFile(rel, data, "", false)
}

// holds is what the index records for a file tagged tag: split files
// differ from whole ones, and name the secret in their markers, in the
// markers' format.
func (s *Stage) holds(tag string, split bool) string {
	if !split {
		return tag
	}
	return tag + " " + markerFormat + " " + string(s.secret())
}

// splits says whether an article staged at rel has its body kept apart:
// Write stages HTML bodies, and only those, in .html files.
func (s *Stage) splits(rel string) bool {
	return s.marker != nil && path.Ext(rel) == ".html"
}

// writeFile stages a file, unless the last build left the same there;
// article says data is an HTML article as Write stages it, whose body is
// kept apart when the stage splices bodies.
func (s *Stage) writeFile(rel string, data []byte, tag string, article bool) error {
	if tag == "" {
		sum := sha256.Sum256(data)
		tag = hex.EncodeToString(sum[:16])
	}
	digest := s.holds(tag, article && s.marker != nil)
	name := path.Join(s.dir, rel)
	s.mu.Lock()
	s.written[rel] = digest
	same := s.previous[rel] == digest
	s.mu.Unlock()
	if same {
		if _, err := s.fs.Stat(name); err == nil {
			return nil
		}
	}
	s.mu.Lock()
	if !s.changing {
		// Until Finish writes it again, no index: a build killed half-way
		// leaves files the next build must not trust.
		s.changing = true
		s.fs.Remove(s.indexFile())
	}
	s.mu.Unlock()
	if article && s.marker != nil {
		front, body, ok := splitStaged(data)
		if ok {
			// The body first: a staged file never names a body not there.
			if err := safefile.Write(s.fs, path.Join(s.bodiesDir(), rel), body, 0o644); err != nil {
				return err
			}
			data = s.markerFor(front, tag, rel)
		}
	}
	return safefile.Write(s.fs, name, data, 0o644)
}

// hugoSafe makes a body Hugo renders as it is: Hugo's own shortcode
// syntax written in an article ({{< … >}}, {{% … %}}: an article about Hugo,
// or a hostile one) becomes text, then the link stage's hrefs into the
// archive become relref calls, the only shortcodes a staged body holds.
func (s *Stage) hugoSafe(body []byte) []byte {
	body = bytes.ReplaceAll(body, []byte("{{"), []byte("&#123;&#123;"))
	if s.refs != nil {
		body = s.refs.ReplaceAll(body, []byte(`"{{< relref "$1" >}}"`))
	}
	return body
}

// StagedPath is the article's path in the stage: its page path (see
// article.PagePath) with the extension of its body format, so Hugo picks
// the right renderer.
func StagedPath(a *article.Article) string {
	ext := ".md"
	if a.BodyFormat == article.HTML {
		ext = ".html"
	}
	return article.PagePath(a.Path) + ext
}

// writeFrontMatter writes the article's front matter, with the stages'
// params merged in, as JSON: unambiguous, quick for Hugo to read, and free of
// YAML's escaping traps.
func writeFrontMatter(buf *bytes.Buffer, a *article.Article) error {
	values := make(map[string]any, len(a.FrontMatter.Values)+len(a.Params))
	maps.Copy(values, a.FrontMatter.Values)
	maps.Copy(values, a.Params)
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(values); err != nil {
		return err
	}
	buf.WriteByte('\n')
	return nil
}

// stagedPage finds the path of a staged file in an error of Hugo's.
var stagedPage = regexp.MustCompile(`[^"\s:]+`)

// Refused finds the staged article an error of Hugo's is about, and
// removes it from the stage so the site can be rendered without it: ok
// is false when the error names none.
func (s *Stage) Refused(err error) (rel string, ok bool) {
	msg := err.Error()
	i := strings.Index(msg, s.dir+"/")
	if i < 0 {
		return "", false
	}
	rel = stagedPage.FindString(msg[i+len(s.dir)+1:])
	return rel, rel != "" && fs.ValidPath(rel) && s.Remove(rel) == nil
}

// CopyDir stages the site's own pages, the files under dir (site/content/:
// a section's _index.md, a page of the owner's), as they are: they are
// trusted. Links are not followed.
func (s *Stage) CopyDir(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		switch {
		case errors.Is(err, fs.ErrNotExist) && p == dir:
			return nil
		case err != nil:
			return err
		case !d.Type().IsRegular():
			return nil // directories are walked
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		return s.Copy(filepath.ToSlash(rel), data)
	})
}

// Holds is what the article staged at rel holds (the tag it was written
// or kept with, see Write and Current): a later build's page of the same
// holding is the same page.
func (s *Stage) Holds(rel string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.written[rel]
}

// Read reads the article staged at rel: its front matter (JSON) and its
// cleaned body, whether kept apart or whole.
func (s *Stage) Read(rel string) (front, body []byte, err error) {
	data, err := afero.ReadFile(s.fs, path.Join(s.dir, rel))
	if err != nil {
		return nil, nil, err
	}
	front, body, ok := splitStaged(data)
	if !ok {
		return nil, data, nil
	}
	if s.splits(rel) && bytes.HasPrefix(body, s.marker) {
		body, err = afero.ReadFile(s.fs, path.Join(s.bodiesDir(), rel))
	}
	return front, body, err
}
