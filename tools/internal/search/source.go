package search

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"strings"
	"sync"

	"github.com/spf13/cast"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/archivemirror/mirror/tools/internal/body"
	"github.com/archivemirror/mirror/tools/internal/stage"
	"github.com/archivemirror/mirror/tools/internal/status"
)

// StageSource is the articles staged by a build (staged: their paths in
// the stage), as the index reads them; permalink gives a page's URL from
// its logical path.
func StageSource(st *stage.Stage, staged map[string]string, permalink func(ref string) string, siteDir string) Source {
	return &stageSource{st: st, staged: staged, permalink: permalink, siteDir: siteDir}
}

type stageSource struct {
	st        *stage.Stage
	staged    map[string]string
	permalink func(ref string) string
	siteDir   string
	statuses  func() *status.Store
}

// StatusOf reads the status record once (a damaged one counts as none:
// mirror check says what is wrong with it, the build goes on).
func (s *stageSource) StatusOf(id string) string {
	if s.statuses == nil {
		s.statuses = sync.OnceValue(func() *status.Store {
			st, err := status.Load(s.siteDir)
			if err != nil {
				return status.Empty()
			}
			return st
		})
	}
	r, _ := s.statuses().Get(id)
	return string(r.Status)
}

func (s *stageSource) Pages() map[string]string {
	pages := make(map[string]string, len(s.staged))
	for rel := range s.staged {
		pages[rel] = s.st.Holds(rel)
	}
	return pages
}

func (s *stageSource) Read(rel string) (Doc, error) {
	front, body, err := s.st.Read(rel)
	if err != nil {
		return Doc{}, fmt.Errorf("search index: %s: %w", s.staged[rel], err)
	}
	var fm map[string]any
	if err := json.Unmarshal(front, &fm); err != nil {
		return Doc{}, fmt.Errorf("search index: %s: staged front matter: %w", s.staged[rel], err)
	}
	d := Doc{Key: rel, Title: cast.ToString(fm["title"]), Account: cast.ToString(fm["account"]), Text: Text(body),
		StatusID: cast.ToString(fm["statusid"])}
	d.URL = s.permalink("/" + strings.TrimSuffix(rel, path.Ext(rel)))
	if cats := cast.ToStringSlice(fm["categories"]); len(cats) > 0 {
		d.Category = cats[0]
	}
	if t, err := cast.ToTimeE(fm["date"]); err == nil {
		d.Date, d.Day = t, t.Format("2006-01-02")
	}
	return d, nil
}

// reading is the version of Text: 2 reads figure captions, table cells and
// the lines of a code snippet apart.
const reading = 2

// Text is the text of an HTML body, a line per block.
func Text(page []byte) string {
	var b strings.Builder
	z := html.NewTokenizer(bytes.NewReader(page))
	skip, pre := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch {
			case a == atom.Script || a == atom.Style || a == atom.Template:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case body.BreaksText(a, pre > 0):
				b.WriteByte('\n')
			}
			if a == atom.Pre && tt == html.StartTagToken {
				pre++
			} else if a == atom.Pre && tt == html.EndTagToken && pre > 0 {
				pre--
			}
		}
	}
}
