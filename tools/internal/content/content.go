// Package content reads the archive: it lists the files of a content
// directory and parses the articles among them, in parallel. It only reads.
//
// It is the trust boundary of the build: everything under content/ is
// untrusted (anyone can get an article in), so only regular files in an
// article's format are articles, symbolic links are never followed, and no
// other file reaches the site. What it refuses, it names (see Refusal).
package content

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
)

// Dir is a content directory's articles, as paths relative to Root with
// forward slashes, and the files it refused.
type Dir struct {
	Root     string
	Articles []string
	Refused  []Refusal
	// MaxFileBytes, when set, is the largest article Read reads (see
	// article.Limits).
	MaxFileBytes int64
}

// Rule ids of the files the listing refuses.
const (
	// RuleSymlink: a symbolic link, to a file or a directory. Following
	// one would publish whatever it points at (/proc/self/environ: the
	// build's secrets).
	RuleSymlink = "file/symlink"
	// RuleNotRegular: a device, a pipe, a socket.
	RuleNotRegular = "file/not-regular"
	// RuleNotArticle: a file in another format (.svg, .org, .adoc,
	// images…), which Hugo would copy or render without our stages.
	RuleNotArticle = "file/not-article"
	// RuleSectionFile: a section's _index file, which sets how other
	// pages render (cascade): the site owner's, in site/content/.
	RuleSectionFile = "file/section-index"
)

// Refusal is a file of the content directory that is not read, and why.
type Refusal struct {
	Path string // relative to the root, with slashes
	Rule string
	Why  string
}

// Finding is the refusal as a finding about file (its name in messages).
// A link or a special file is an error (nothing puts one there by
// mistake); a file of another kind, a warning.
func (r Refusal) Finding(file string) article.Finding {
	sev := article.Warning
	if r.Rule == RuleSymlink || r.Rule == RuleNotRegular {
		sev = article.Error
	}
	return article.Finding{File: file, Severity: sev, Rule: r.Rule, Message: r.Why, Stage: "read"}
}

// Findings are the refusals as findings, each file named by display (see
// Refusal.Finding).
func (d Dir) Findings(display func(path string) string) []article.Finding {
	out := make([]article.Finding, len(d.Refused))
	for i, r := range d.Refused {
		out[i] = r.Finding(display(filepath.Join(d.Root, filepath.FromSlash(r.Path))))
	}
	return out
}

// List walks root, skipping hidden directories and files, and sorts what
// it finds. It reads directories unsorted and names files by joining
// strings: at 10,000 articles, filepath.WalkDir's sorted reads and a
// filepath.Rel per file were a fifth of reading an unchanged archive.
// Entries are judged by the type the directory read gives, which is the
// link's own, never its target's.
func List(root string) (Dir, error) {
	d := Dir{Root: root}
	err := d.list(root, "")
	sort.Strings(d.Articles)
	sort.Slice(d.Refused, func(i, j int) bool { return d.Refused[i].Path < d.Refused[j].Path })
	return d, err
}

// list adds what dir holds, rel (slash-separated, "" or ending in a
// slash) under the root.
func (d *Dir) list(dir, rel string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	entries, err := f.ReadDir(-1)
	f.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	for _, e := range entries {
		name := e.Name()
		switch {
		case strings.HasPrefix(name, "."):
			// Hidden directories, .gitkeep and editors' files are not content.
		case e.Type()&fs.ModeSymlink != 0:
			d.refuse(rel+name, RuleSymlink, "a symbolic link: not followed, not published (content/ holds articles as regular files)")
		case e.IsDir():
			if err := d.list(filepath.Join(dir, name), rel+name+"/"); err != nil {
				return err
			}
		case !e.Type().IsRegular():
			d.refuse(rel+name, RuleNotRegular, "not a regular file: skipped")
		case article.IsSectionFile(name):
			d.refuse(rel+name, RuleSectionFile, "a section file in content/ would set how other articles render: skipped (the site's own pages go in site/content/)")
		case article.IsArticle(rel + name):
			d.Articles = append(d.Articles, rel+name)
		default:
			d.refuse(rel+name, RuleNotArticle, fmt.Sprintf("not an article (%s): not published; content/ holds articles (%s)", kindOf(name), strings.Join(article.Extensions, ", ")))
		}
	}
	return nil
}

func (d *Dir) refuse(rel, rule, why string) {
	d.Refused = append(d.Refused, Refusal{Path: rel, Rule: rule, Why: why})
}

// kindOf names a file's kind by its extension, for messages.
func kindOf(name string) string {
	if ext := path.Ext(name); ext != "" {
		return strings.ToLower(ext) + " file"
	}
	return "no extension"
}

// Open opens an article for reading, refusing anything but a regular file
// (a link put there after the listing included): the file opened is the
// file checked.
func Open(name string) (*os.File, os.FileInfo, error) {
	f, err := openNoFollow(name)
	if err != nil {
		return nil, nil, err
	}
	info, err := f.Stat()
	if err == nil && !info.Mode().IsRegular() {
		err = fmt.Errorf("%s: not a regular file", name)
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, info, nil
}

// ReadFile reads an article the way Open opens it.
func ReadFile(name string) ([]byte, error) {
	f, info, err := Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f, info)
}

func readAll(f *os.File, info os.FileInfo) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(int(info.Size()) + bytes.MinRead)
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Read parses the articles on up to jobs workers, in the order of
// d.Articles. display names files in findings. Files that cannot be parsed
// still yield an article, carrying its error.
func (d Dir) Read(ctx context.Context, jobs int, display func(string) string) ([]*article.Article, error) {
	articles := make([]*article.Article, len(d.Articles))
	errs := make([]error, len(d.Articles))
	pipeline.Each(ctx, len(d.Articles), jobs, func(i int) {
		rel := d.Articles[i]
		abs := filepath.Join(d.Root, filepath.FromSlash(rel))
		f, info, err := Open(abs)
		if err != nil {
			errs[i] = err
			return
		}
		defer f.Close()
		if d.MaxFileBytes > 0 && info.Size() > d.MaxFileBytes {
			articles[i] = article.TooLarge(rel, display(abs), info.Size(), d.MaxFileBytes)
			return
		}
		data, err := readAll(f, info)
		if err != nil {
			errs[i] = fmt.Errorf("%s: %w", abs, err)
			return
		}
		articles[i] = article.Parse(rel, display(abs), data)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return articles, ctx.Err()
}
