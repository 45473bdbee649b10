package reuse

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
)

// Item is one article on its way through a build, with what earlier
// builds learned of it. An article whose file is unchanged since a build
// that scanned it is a stub: its bytes are read (or, known by its stat,
// not even that) but not parsed, and what scanning it found comes from
// the cache.
type Item struct {
	A    *article.Article
	Key  Key // its file's bytes, its path and the settings
	Scan Scan
	// Fresh says it was parsed in this build.
	Fresh bool
	// Staged is everything its staged copy depends on (see StagedInputs);
	// Restaged says the copy an earlier build staged is kept.
	Staged   Key
	Restaged bool
	abs      string // its file
}

// Reading says how articles are read.
type Reading struct {
	// Settings are what every key includes: the site's settings.
	Settings     []byte
	MaxFileBytes int64
	Jobs         int
	// Display names a file in messages.
	Display func(path string) string
}

// Read reads the articles of dir, each looked up in the cache: by its
// stat when the file is as it was (no read at all), else by its bytes; an
// article is parsed only when neither is known.
func (c *Cache) Read(ctx context.Context, dir content.Dir, how Reading) ([]*Item, error) {
	items := make([]*Item, len(dir.Articles))
	errs := make([]error, len(dir.Articles))
	settingsKey := KeyOf(how.Settings) // not the settings hashed for each name
	now := time.Now()
	pipeline.Each(ctx, len(dir.Articles), how.Jobs, func(i int) {
		rel := dir.Articles[i]
		abs := filepath.Join(dir.Root, filepath.FromSlash(rel))
		items[i], errs[i] = c.read(rel, abs, how, settingsKey, now)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return items, ctx.Err()
}

func (c *Cache) read(rel, abs string, how Reading, settingsKey Key, now time.Time) (*Item, error) {
	file := how.Display(abs)
	info, err := os.Lstat(abs)
	if err != nil {
		return nil, err
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file", file) // replaced since the listing
	}
	if how.MaxFileBytes > 0 && info.Size() > how.MaxFileBytes {
		return &Item{A: article.TooLarge(rel, file, info.Size(), how.MaxFileBytes), abs: abs}, nil
	}
	name := KeyOf(settingsKey[:], []byte(rel))
	if key, ok := c.File(name, info); ok {
		if scan, ok := c.Scan(key); ok {
			return &Item{Key: key, Scan: scan, A: stub(rel, file, nil, scan), abs: abs}, nil
		}
	}
	data, err := content.ReadFile(abs)
	if err != nil {
		return nil, err
	}
	it := &Item{Key: KeyOf(how.Settings, []byte(rel), data), abs: abs}
	if st, settled := StatOf(info, it.Key, now); settled {
		c.PutFile(name, st)
	}
	if scan, ok := c.Scan(it.Key); ok {
		it.Scan, it.A = scan, stub(rel, file, data, scan)
	} else {
		it.A, it.Fresh = article.Parse(rel, file, data), true
	}
	return it, nil
}

// stub is an article known from its scan.
func stub(rel, file string, data []byte, scan Scan) *article.Article {
	return &article.Article{Path: rel, File: file, Source: data, Findings: WithFile(scan.Findings, file)}
}

// Parsed is the item's article parsed, a stub's read first if need be.
func (it *Item) Parsed() (*article.Article, error) {
	if it.Fresh {
		return it.A, nil
	}
	source := it.A.Source
	if source == nil { // known by its stat, not read
		data, err := content.ReadFile(it.abs)
		if err != nil {
			return nil, err
		}
		source = data
	}
	return article.Parse(it.A.Path, it.A.File, source), nil
}

// WithFile copies findings with the file name set (the cache keeps them
// without it: the name depends on where mirror runs).
func WithFile(fs []article.Finding, file string) []article.Finding {
	out := make([]article.Finding, len(fs))
	for i, f := range fs {
		f.File = file
		out[i] = f
	}
	return out
}

// ImageRefs lists the distinct images of the items without errors.
func ImageRefs(items []*Item) []article.ImageRef {
	n := 0
	for _, it := range items {
		n += len(it.Scan.Images)
	}
	seen := make(map[string]bool, n)
	refs := make([]article.ImageRef, 0, n)
	for _, it := range items {
		if it.A.HasErrors() {
			continue
		}
		for _, ref := range it.Scan.Images {
			if !seen[ref.Key] {
				seen[ref.Key] = true
				ref.File = it.A.File
				refs = append(refs, ref)
			}
		}
	}
	return refs
}
