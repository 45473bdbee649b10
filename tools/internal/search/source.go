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
	// The status record is read once, when first asked: a damaged one
	// counts as none (mirror check says what is wrong with it, the build
	// goes on). Asked from the index's workers at once.
	statuses := sync.OnceValue(func() *status.Store {
		st, err := status.Load(siteDir)
		if err != nil {
			return status.Empty()
		}
		return st
	})
	return &stageSource{st: st, staged: staged, permalink: permalink, statuses: statuses}
}

type stageSource struct {
	st        *stage.Stage
	staged    map[string]string
	permalink func(ref string) string
	statuses  func() *status.Store
}

// StatusOf is the status the record gives an original.
func (s *stageSource) StatusOf(id string) string {
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
// the lines of a code snippet apart; 3 leaves out what the mirror added.
const reading = 3

// Text is the text of an HTML body, a line per block.
func Text(page []byte) string {
	var b strings.Builder
	z := html.NewTokenizer(bytes.NewReader(page))
	var leaving atom.Atom // the element left out, while depth > 0
	depth, pre := 0, 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return strings.TrimSpace(b.String())
		case html.TextToken:
			if depth == 0 {
				b.Write(z.Text())
			}
			continue
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
		default:
			continue
		}
		name, hasAttr := z.TagName()
		a := atom.Lookup(name)
		switch {
		case depth > 0 && a == leaving && tt == html.StartTagToken:
			depth++
		case depth > 0 && a == leaving && tt == html.EndTagToken:
			depth--
		case depth > 0:
		case tt == html.StartTagToken && !void[a] && (unread[a] || hasAttr && addedByMirror(z)):
			leaving, depth = a, 1
		default:
			if body.BreaksText(a, pre > 0) {
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

// unread are the elements whose text is no article's: scripts, styles…
var unread = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Template: true, atom.Noscript: true}

// void elements have no end tag, and no text to leave out.
var void = map[atom.Atom]bool{atom.Area: true, atom.Base: true, atom.Br: true, atom.Col: true, atom.Embed: true, atom.Hr: true,
	atom.Img: true, atom.Input: true, atom.Link: true, atom.Meta: true, atom.Source: true, atom.Track: true, atom.Wbr: true}

// addedByMirror says whether the tag being read is one the cleanup added
// (an account card, a "not archived" link): its words are the mirror's,
// in every article, not the article's.
func addedByMirror(z *html.Tokenizer) bool {
	for {
		key, _, more := z.TagAttr()
		if string(key) == body.AddedMark {
			return true
		}
		if !more {
			return false
		}
	}
}
