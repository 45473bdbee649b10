package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/search"
	"github.com/archivemirror/mirror/tools/internal/synth"
)

// queries are what the bytes per query are measured with: common and
// rarer pairs of the synthetic text, a longer run, a Latin word.
var queries = []string{"的一", "国我", "以要他时来", "在不了有和人", "中大为", "hugo"}

// printQueryBytes prints what the search page fetches for a first query
// on the site's index (search.Fetched: the files search.js fetches).
func printQueryBytes(site string) {
	dir := filepath.Join(site, search.Dir)
	var sizes []int64
	for _, q := range queries {
		n, err := search.Fetched(dir, q, 10)
		if err != nil {
			fmt.Printf("  search index: %v\n", err)
			return
		}
		sizes = append(sizes, n)
	}
	files, total := dirSize(dir)
	slices.Sort(sizes)
	fmt.Printf("  search index: %d files, %.1f MB; a first query fetches %.0f to %.0f KB (median %.0f KB)\n",
		files, float64(total)/1e6, float64(sizes[0])/1e3, float64(sizes[len(sizes)-1])/1e3, float64(sizes[len(sizes)/2])/1e3)
}

// printPagefindBytes prints what Pagefind's search fetches for a first
// query, estimated from its files as its client loads them: pagefind.js,
// the WebAssembly, the entry and meta files, one index chunk per term
// (their average) and ten fragments (their average); filters not counted.
func printPagefindBytes(dir string) {
	var fixed, chunks, fragments int64
	var nChunks, nFragments int64
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		info, _ := d.Info()
		name := d.Name()
		switch {
		case strings.HasSuffix(name, ".pf_index"):
			chunks += info.Size()
			nChunks++
		case strings.HasSuffix(name, ".pf_fragment"):
			fragments += info.Size()
			nFragments++
		case name == "pagefind.js" || name == "pagefind-entry.json" || strings.HasSuffix(name, ".pf_meta") || strings.HasPrefix(name, "wasm."):
			fixed += info.Size()
		}
		return nil
	})
	files, total := dirSize(dir)
	if nChunks == 0 || nFragments == 0 {
		return
	}
	perQuery := fixed + 2*chunks/nChunks + 10*fragments/nFragments
	fmt.Printf("  Pagefind: %d files, %.1f MB; a first query of two terms fetches about %.0f KB\n", files, float64(total)/1e6, float64(perQuery)/1e3)
}

func dirSize(dir string) (files int, bytes int64) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			info, _ := d.Info()
			files++
			bytes += info.Size()
		}
		return nil
	})
	return files, bytes
}

// searchChild is the argument that makes this program index synthetic
// text (see indexSynthetic).
const searchChild = "search-child"

// benchSearchOnly indexes n synthetic articles' text, with no site, in a
// child measured as the builds are: the index alone at a size no site
// of this machine's is built at (100,000).
func benchSearchOnly(n int, out string) error {
	dir := filepath.Join(out, "search-only-"+strconv.Itoa(n))
	os.RemoveAll(dir)
	self, _ := os.Executable()
	fmt.Printf("\nsearch index alone, %d synthetic articles' text (%s)\n", n, dir)
	full, err := run("search index anew", self, searchChild, strconv.Itoa(n), dir, "0")
	if err != nil {
		return err
	}
	inc, err := run("search index, one article edited", self, searchChild, strconv.Itoa(n), dir, "1")
	if err != nil {
		return err
	}
	for _, m := range []measurement{full, inc} {
		fmt.Printf("  %s: %s wall, %s CPU, peak RSS %d MB\n", m.name, secs(m.wall), secs(m.cpu), m.rssKB/1024)
	}
	printQueryBytes(filepath.Dir(filepath.Join(dir, search.Dir)))
	return nil
}

// indexSynthetic indexes N synthetic articles into DIR (args: N DIR EDIT;
// EDIT 1 changes the text of one).
func indexSynthetic(args []string) int {
	n, _ := strconv.Atoi(args[0])
	dir, edit := args[1], args[2] == "1"
	src := &synthSource{o: synth.NewDefaultOptions(), n: n, edit: edit}
	s, err := search.Update(context.Background(), src, filepath.Join(dir, search.Dir), filepath.Join(dir, "state.json"), runtime.GOMAXPROCS(0))
	if err != nil {
		fmt.Fprintln(os.Stderr, "mirror-bench:", err)
		return 1
	}
	fmt.Fprintf(os.Stderr, "  %+v\n", s)
	return 0
}

// synthSource is n synthetic articles, made as they are read.
type synthSource struct {
	o    synth.Options
	n    int
	edit bool
}

func (s *synthSource) Pages() map[string]string {
	pages := make(map[string]string, s.n)
	for i := range s.n {
		pages[strconv.Itoa(i)] = "1"
	}
	if s.edit {
		pages["7"] = "2"
	}
	return pages
}

func (s *synthSource) StatusOf(string) string { return "" }

func (s *synthSource) Read(key string) (search.Doc, error) {
	i, _ := strconv.Atoi(key)
	a := s.o.Build(i, s.n)
	body := a.Source
	if k := bytes.Index(body, []byte("\n---\n")); k >= 0 {
		body = body[k+5:]
	}
	text := search.Text(body)
	if s.edit && key == "7" {
		text += "\n编辑后的新文字"
	}
	return search.Doc{Key: key, Title: "Article " + key, URL: "/a" + key + "/", Text: text}, nil
}
