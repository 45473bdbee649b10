package links

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"

	"github.com/archivemirror/mirror/tools/internal/article"
)

// Target is an article links can point at.
type Target struct {
	// Path is the article's content path; Ref is its logical path, which
	// Hugo's relref resolves under any permalink configuration.
	Path, Ref string
	File      string
	// Built is false for an article left out of the build (errors).
	Built bool
}

// Index maps the canonical keys of every URL an archived article is known
// by to that article.
type Index struct {
	byKey   map[string]*Target
	targets int // articles indexed
}

// RefOf is the logical path of an article, as Hugo's GetPage and relref
// know it: "/" and its page path (see article.PagePath).
func RefOf(contentPath string) string {
	return "/" + article.PagePath(contentPath)
}

// Entry is what the index needs of an article: Keys are the keys of the
// URLs it is known by (see URLsOf and URLKeys).
type Entry struct {
	Path, File string
	Built      bool
	Keys       []string
}

// EntryOf describes a read article for the index.
func EntryOf(a *article.Article) Entry {
	return Entry{Path: a.Path, File: a.File, Built: !a.HasErrors(), Keys: URLKeys(URLsOf(a))}
}

// URLKeys are the keys of those of urls that have one.
func URLKeys(urls []string) []string {
	var keys []string
	for _, u := range urls {
		if key, ok := Key(u); ok {
			keys = append(keys, key)
		}
	}
	return keys
}

// NewIndex indexes the articles by the URLs they are known by (see URLsOf),
// then joins each group of equivalent URLs (a long and a short form of one
// article, from the links data file), by key (see KeysOf), to the article
// any of them names.
func NewIndex(entries []Entry, equivalences [][]string) *Index {
	keys := 0
	for _, e := range entries {
		keys += len(e.Keys)
	}
	// Sized once: grown from empty, the maps of a large archive's index
	// and graph were rehashed a dozen times, a third of the link phase.
	ix := &Index{byKey: make(map[string]*Target, keys)}
	for _, e := range entries {
		if !refSafe(e.Path) {
			continue // links to it stay on the web; see refSafe
		}
		t := &Target{Path: e.Path, Ref: RefOf(e.Path), File: e.File, Built: e.Built}
		ix.targets++
		for _, key := range e.Keys {
			if prev, dup := ix.byKey[key]; !dup || (!prev.Built && t.Built) {
				ix.byKey[key] = t
			}
		}
	}
	for _, keys := range equivalences {
		var t *Target
		for _, key := range keys {
			if found := ix.byKey[key]; found != nil {
				t = found
				break
			}
		}
		for _, key := range keys {
			if t != nil && ix.byKey[key] == nil {
				ix.byKey[key] = t
			}
		}
	}
	return ix
}

// refSafe says whether a content path can be written into a Hugo relref
// call in an HTML attribute unchanged: no quotes, markup characters or
// template delimiters (real archives never name files so).
func refSafe(p string) bool {
	return !strings.ContainsAny(p, "\"'<>&{}") && !strings.Contains(p, "..")
}

// URLsOf lists the URLs an article is known by: its source URL (front
// matter source, else the fetcher's footer) and its front matter's sources.
func URLsOf(a *article.Article) []string {
	urls := []string{a.SourceURL()}
	switch v := a.FrontMatter.Values[article.KeySources].(type) {
	case string:
		urls = append(urls, v)
	case []any:
		for _, s := range v {
			if s, ok := s.(string); ok {
				urls = append(urls, s)
			}
		}
	}
	return urls
}

// Len is how many keys are indexed.
func (ix *Index) Len() int { return len(ix.byKey) }

// LoadEquivalences reads the optional links data file in the site's data
// directory (links.yaml, .toml or .json): a list whose items each list the
// URLs of one article.
//
//   - - https://mp.weixin.qq.com/s/bDQ4yUSTjOEAgOaWpezwXQ
//   - https://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1
func LoadEquivalences(siteDir string) ([][]string, string, error) {
	file, data, err := ReadEquivalences(siteDir)
	if file == "" || err != nil {
		return nil, file, err
	}
	groups, err := DecodeEquivalences(file, data)
	return groups, file, err
}

// ReadEquivalences finds the links data file and reads it; file is ""
// when there is none.
func ReadEquivalences(siteDir string) (file string, data []byte, err error) {
	for _, name := range []string{"links.yaml", "links.yml", "links.toml", "links.json"} {
		p := filepath.Join(siteDir, "data", name)
		data, err := os.ReadFile(p)
		if os.IsNotExist(err) {
			continue
		}
		return p, data, err
	}
	return "", nil, nil
}

// DecodeEquivalences decodes the links data file read from file.
func DecodeEquivalences(file string, data []byte) ([][]string, error) {
	groups, err := decodeEquivalences(data, metadecoders.FormatFromString(file))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return groups, nil
}

// KeysOf turns groups of equivalent URLs into groups of their keys (see
// Key), as NewIndex takes them; URLs without one are left out.
func KeysOf(groups [][]string) [][]string {
	out := make([][]string, 0, len(groups))
	for _, group := range groups {
		out = append(out, URLKeys(group))
	}
	return out
}

func decodeEquivalences(data []byte, format metadecoders.Format) ([][]string, error) {
	v, err := metadecoders.Default.Unmarshal(data, format)
	if err != nil {
		return nil, err
	}
	if m, ok := v.(map[string]any); ok {
		// TOML has no top-level list: accept `articles = [[...], ...]`.
		v = m["articles"]
	}
	list, ok := v.([]any)
	if !ok && v != nil {
		return nil, fmt.Errorf("want a list of lists of URLs")
	}
	var groups [][]string
	for i, item := range list {
		urls, ok := item.([]any)
		if !ok {
			return nil, fmt.Errorf("item %d: want a list of URLs", i+1)
		}
		var group []string
		for _, u := range urls {
			s, ok := u.(string)
			if !ok {
				return nil, fmt.Errorf("item %d: %v is not a URL", i+1, u)
			}
			group = append(group, s)
		}
		groups = append(groups, group)
	}
	return groups, nil
}
