// Package content reads the archive: it lists the files of a content
// directory and parses the articles among them, in parallel. It only reads.
package content

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
)

// Dir is a content directory's files, split into articles and the others
// (section indexes, assets), as paths relative to Root with forward slashes.
type Dir struct {
	Root     string
	Articles []string
	Others   []string
}

// List walks root, skipping hidden directories.
func List(root string) (Dir, error) {
	d := Dir{Root: root}
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() {
			if p != root && strings.HasPrefix(e.Name(), ".") {
				return filepath.SkipDir
			}
			return nil
		}
		if strings.HasPrefix(e.Name(), ".") {
			return nil // .gitkeep and editors' files are not content
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if article.IsArticle(rel) {
			d.Articles = append(d.Articles, rel)
		} else {
			d.Others = append(d.Others, rel)
		}
		return nil
	})
	sort.Strings(d.Articles)
	sort.Strings(d.Others)
	return d, err
}

// Read parses the articles on up to jobs workers, in the order of
// d.Articles. display names files in findings. Files that cannot be parsed
// still yield an article, carrying its error.
func (d Dir) Read(ctx context.Context, jobs int, display func(string) string) ([]*article.Article, error) {
	articles := make([]*article.Article, len(d.Articles))
	errs := make([]error, len(d.Articles))
	pipeline.Each(ctx, len(d.Articles), jobs, func(i int) {
		abs := filepath.Join(d.Root, filepath.FromSlash(d.Articles[i]))
		data, err := os.ReadFile(abs)
		if err != nil {
			errs[i] = err
			return
		}
		articles[i] = article.Parse(d.Articles[i], display(abs), data)
	})
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return articles, ctx.Err()
}
