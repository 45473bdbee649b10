package capture

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/links"
	"github.com/archivemirror/mirror/tools/internal/safefile"
)

// Written is what Write did.
type Written struct {
	Path    string // the content file
	Changed bool   // false: the file held this capture already
	Created bool
}

// Options say how a capture is written.
type Options struct {
	ContentDir string
	Category   string
	// Now stamps the capture (fetched); Bookkeeping are tags added to
	// every capture (the fetcher's "fetched").
	Now         time.Time
	Bookkeeping []string
}

// Write writes the capture's content file: YAML front matter whose every
// value is a JSON string (YAML's flow style: any character, quoted and
// escaped, parses back to exactly itself), then the body as captured. The
// file is content/posts/YYYY/MM/SLUG.md, SLUG from the source's key (not
// the title), written atomically. The same source again rewrites that
// file only if the body or the title changed; a different source whose
// slug collides gets a longer one; nothing else is overwritten.
func Write(c Capture, opts Options) (Written, error) {
	if strings.TrimSpace(c.Title) == "" {
		return Written{}, errors.New("the capture has no title")
	}
	if strings.ContainsRune(c.Body, 0) || strings.ContainsRune(c.Title, 0) {
		return Written{}, errors.New("the capture holds a NUL character")
	}
	if c.Published.IsZero() {
		c.Published = opts.Now
	}
	key, ok := links.Key(c.Source)
	if !ok {
		return Written{}, fmt.Errorf("source %q is not an http(s) URL", c.Source)
	}
	sum := sha256.Sum256([]byte(key))
	dir := filepath.Join(opts.ContentDir, "posts", c.Published.Format("2006"), c.Published.Format("01"))
	if err := noLinkBelow(opts.ContentDir, dir); err != nil {
		return Written{}, err
	}
	for n := 12; n <= 32; n += 4 {
		p := filepath.Join(dir, hex.EncodeToString(sum[:])[:n]+".md")
		old, err := content.ReadFile(p) // as the build reads it: a link is not followed
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return Written{Path: p, Changed: true, Created: true}, writeFile(p, render(c, opts))
		case err != nil:
			return Written{}, err
		case sourceOf(old) != c.Source:
			continue // another article's slug: a longer one
		}
		data := render(c, opts)
		if sameCapture(old, data) {
			return Written{Path: p}, nil
		}
		return Written{Path: p, Changed: true}, writeFile(p, data)
	}
	return Written{}, fmt.Errorf("no free file name for %s in %s", c.Source, dir)
}

func writeFile(p string, data []byte) error {
	return safefile.Write(afero.NewOsFs(), p, data, 0o644)
}

// noLinkBelow refuses a symbolic link among the directories from root down
// to dir that exist: content/ is contributed, and a captured article must
// land in it, not where a link leads (the build never follows one either).
func noLinkBelow(root, dir string) error {
	rel, err := filepath.Rel(root, dir)
	if err != nil {
		return err
	}
	p := root
	for _, part := range strings.Split(rel, string(filepath.Separator)) {
		p = filepath.Join(p, part)
		info, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return err
		}
		if info.Mode()&fs.ModeSymlink != 0 {
			return fmt.Errorf("%s is a symbolic link: a capture is not written through it", p)
		}
	}
	return nil
}

// render is the content file.
func render(c Capture, opts Options) []byte {
	tags := slices.Clone(opts.Bookkeeping)
	if c.Account != "" && !slices.Contains(tags, c.Account) {
		tags = append(tags, c.Account)
	}
	var b strings.Builder
	b.WriteString("---\n")
	field := func(k string, v any) { fmt.Fprintf(&b, "%s: %s\n", k, article.YAMLFlow(v)) }
	field("title", c.Title)
	field("date", c.Published.Format(time.RFC3339))
	b.WriteString("draft: false\n")
	if len(tags) > 0 {
		field("tags", tags)
	}
	if opts.Category != "" {
		field("categories", []string{opts.Category})
	}
	if c.Account != "" {
		field("account", c.Account)
	}
	field("source", c.Source)
	if c.Fetched != "" {
		field("sources", []string{c.Fetched})
	}
	if c.Digest != "" {
		field("description", c.Digest)
	}
	field("fetched", opts.Now.UTC().Format(time.RFC3339))
	b.WriteString("---\n")
	b.WriteString(strings.TrimSpace(c.Body))
	b.WriteString("\n")
	return []byte(b.String())
}

// sourceOf reads the source of a content file this package wrote.
func sourceOf(data []byte) string {
	a := article.Parse("x.md", "x.md", data)
	s, _ := a.FrontMatter.Values["source"].(string)
	return s
}

// sameCapture says whether two content files hold the same capture: all
// but the time it was fetched.
func sameCapture(a, b []byte) bool {
	strip := func(d []byte) string {
		lines := strings.Split(string(d), "\n")
		return strings.Join(slices.DeleteFunc(lines, func(l string) bool { return strings.HasPrefix(l, "fetched: ") }), "\n")
	}
	return strip(a) == strip(b)
}
