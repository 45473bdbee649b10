package stage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"path"
	"regexp"
	"strings"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Stage is the staged content directory.
type Stage struct {
	fs  afero.Fs
	dir string
	// refs finds links into the archive written by the link stage.
	refs *regexp.Regexp
}

// New returns a stage writing under dir in fs. refPrefix starts the hrefs
// the link stage writes for links into the archive; the stage turns each
// into a call to Hugo's relref.
func New(fs afero.Fs, dir, refPrefix string) *Stage {
	s := &Stage{fs: fs, dir: dir}
	if refPrefix != "" {
		s.refs = regexp.MustCompile(`"` + regexp.QuoteMeta(refPrefix) + `(/[^"{}<>&']*)"`)
	}
	return s
}

// Dir is where the staged content lives in the stage's fs.
func (s *Stage) Dir() string { return s.dir }

// Fs is the file system holding the staged content.
func (s *Stage) Fs() afero.Fs { return s.fs }

// Write stages one article and returns its path within the stage and the
// bytes written there.
func (s *Stage) Write(a *article.Article) (string, []byte, error) {
	var buf bytes.Buffer
	if err := writeFrontMatter(&buf, a); err != nil {
		return "", nil, fmt.Errorf("%s: staging front matter: %w", a.File, err)
	}
	buf.Write(s.hugoSafe(a.Body))
	rel := StagedPath(a)
	if err := s.writeFile(rel, buf.Bytes()); err != nil {
		return "", nil, fmt.Errorf("%s: %w", a.File, err)
	}
	return rel, buf.Bytes(), nil
}

// Put stages bytes a Write made in an earlier build.
func (s *Stage) Put(rel string, data []byte) error {
	return s.writeFile(rel, data)
}

// Copy stages a content file that is not an article (a section's _index.md,
// an image next to a page) byte for byte.
func (s *Stage) Copy(rel string, data []byte) error {
	return s.writeFile(rel, data)
}

func (s *Stage) writeFile(rel string, data []byte) error {
	name := path.Join(s.dir, rel)
	if err := s.fs.MkdirAll(path.Dir(name), 0o755); err != nil {
		return err
	}
	return afero.WriteFile(s.fs, name, data, 0o644)
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

// StagedPath is the article's path in the stage: its content path with the
// extension of its body format, so Hugo picks the right renderer.
func StagedPath(a *article.Article) string {
	ext := ".md"
	if a.BodyFormat == article.HTML {
		ext = ".html"
	}
	return strings.TrimSuffix(a.Path, path.Ext(a.Path)) + ext
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
