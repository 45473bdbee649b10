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

// blocks are the elements that end a run of text: a Han run across a
// paragraph's end is not a run of the text. Inline elements (span,
// strong, a…) do not: WeChat splits sentences into many spans.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Section: true, atom.Br: true, atom.Li: true, atom.Ul: true, atom.Ol: true,
	atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Tr: true, atom.Td: true, atom.Th: true, atom.Table: true, atom.Blockquote: true, atom.Pre: true,
	atom.Figure: true, atom.Figcaption: true, atom.Hr: true, atom.Img: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Dd: true, atom.Dt: true, atom.Caption: true,
}

// Text is the text of an HTML body, a line per block.
func Text(body []byte) string {
	var b strings.Builder
	z := html.NewTokenizer(bytes.NewReader(body))
	skip := 0
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
			case blocks[a]:
				b.WriteByte('\n')
			}
		}
	}
}
