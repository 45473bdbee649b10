package scaffold

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/content"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/safefile"
	"github.com/archivemirror/mirror/tools/internal/status"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// Identity is what makes a mirror one's own. Empty fields are kept as they
// are.
type Identity struct {
	Title       string
	Description string
	BaseURL     string
	Language    string // a locale such as zh-CN or en-US
	ImageHosts  []string
}

// InitOptions say what Init does.
type InitOptions struct {
	Root string // the repository
	Identity
	// ClearExamples removes the example articles, their stored images and
	// manifest entries, and their link equivalences.
	ClearExamples bool
	// Force allows changing the identity of a mirror that has real articles.
	Force bool
	// Categories replace the examples' four (params.mirror.validate
	// categories); CategoriesFromContent takes them from the mirror's own
	// articles (not the examples). Neither needs Force: they describe the
	// articles, they do not change them.
	Categories            []string
	CategoriesFromContent bool
}

// InitResult says what Init changed.
type InitResult struct {
	Settings []string // "title = ..." lines written
	Removed  []string // files removed
	Notes    []string // what init left as it was, and why
}

// ExamplesFile lists the template's example articles, relative to the root.
const ExamplesFile = "site/examples.txt"

// ErrRealArticles is returned when Init would change a mirror in use.
var ErrRealArticles = errors.New("this mirror already has its own articles")

// Init writes the identity into site/hugo.toml and clears the examples if
// asked. Running it again with the same options changes nothing.
func Init(ctx context.Context, opts InitOptions) (InitResult, error) {
	var res InitResult
	if err := opts.validate(); err != nil {
		return res, err
	}
	cfgPath := filepath.Join(opts.Root, "site", "hugo.toml")
	doc, err := os.ReadFile(cfgPath)
	if err != nil {
		return res, fmt.Errorf("%s: %w (mirror init edits site/hugo.toml)", cfgPath, err)
	}
	texts, notes, err := opts.Identity.siteTexts(opts.Root, doc)
	if err != nil {
		return res, fmt.Errorf("%s: %w", cfgPath, err)
	}
	res.Notes = notes
	edited, settings := opts.Identity.apply(string(doc), texts)
	examples, err := readExamples(opts.Root)
	if err != nil {
		return res, err
	}
	real, err := realArticles(opts.Root, examples)
	if err != nil {
		return res, err
	}
	if len(settings) > 0 && len(real) > 0 && !opts.Force {
		return res, fmt.Errorf("%w (%d, e.g. %s); --force changes its settings anyway", ErrRealArticles, len(real), real[0])
	}
	if len(settings) > 0 {
		if _, err := metadecoders.Default.UnmarshalToMap([]byte(edited), metadecoders.TOML); err != nil {
			return res, fmt.Errorf("%s: the edited config does not read back: %w", cfgPath, err)
		}
		if err := safefile.Write(afero.NewOsFs(), cfgPath, []byte(edited), 0o644); err != nil {
			return res, err
		}
		res.Settings = settings
	}
	if opts.CategoriesFromContent {
		if opts.Categories, err = categoriesOf(opts.Root, real); err != nil {
			return res, err
		}
		if len(opts.Categories) == 0 {
			res.Notes = append(res.Notes, fmt.Sprintf("--categories-from-content: the %d articles of this mirror's own (the examples do not count) name no category: the categories stay as they are", len(real)))
		}
	}
	if len(opts.Categories) > 0 {
		set, err := setCategories(cfgPath, opts.Categories)
		if err != nil {
			return res, err
		}
		res.Settings = append(res.Settings, set...)
	}
	if opts.ClearExamples && len(examples) > 0 {
		removed, err := clearExamples(ctx, opts.Root, examples)
		res.Removed = removed
		if err != nil {
			return res, err
		}
	}
	return res, nil
}

func (opts InitOptions) validate() error {
	if opts.CategoriesFromContent && len(opts.Categories) > 0 {
		return errors.New("--categories and --categories-from-content: give one or the other")
	}
	return opts.Identity.validate()
}

func (id Identity) validate() error {
	if id.BaseURL != "" {
		u, err := url.Parse(id.BaseURL)
		if err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") || (u.Scheme != "" && u.Host == "") || !strings.HasSuffix(u.Path, "/") && u.Path != "" {
			return fmt.Errorf("--base-url %q: want a URL such as https://user.github.io/archive/ (ending in /)", id.BaseURL)
		}
	}
	if id.Language != "" && !validLocale(id.Language) {
		return fmt.Errorf("--language %q: want a locale such as zh-CN or en-US", id.Language)
	}
	for _, h := range id.ImageHosts {
		if h != "*" && (h == "" || strings.ContainsAny(h, "/: ")) {
			return fmt.Errorf("--image-hosts: %q is not a host name", h)
		}
	}
	return nil
}

func validLocale(s string) bool {
	for i, part := range strings.Split(s, "-") {
		if len(part) < 2 || len(part) > 8 || (i == 0 && strings.ToLower(part) != part) {
			return false
		}
		for _, r := range part {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
				return false
			}
		}
	}
	return true
}

// apply edits the config text and says which settings it changed. texts
// are site texts to write (siteTexts), by key.
func (id Identity) apply(doc string, texts map[string]string) (string, []string) {
	var changed []string
	set := func(table, key, value string) {
		next := SetTOML(doc, table, key, value)
		if next != doc {
			doc = next
			name := key
			if table != "" {
				name = table + "." + key
			}
			changed = append(changed, name+" = "+summarized(value))
		}
	}
	for _, t := range siteTexts {
		if text, ok := texts[t.key]; ok {
			set(t.table, t.key, tomlText(text))
		}
	}
	if id.Title != "" {
		set("", "title", tomlString(id.Title))
	}
	if id.BaseURL != "" {
		set("", "baseURL", tomlString(id.BaseURL))
	}
	if id.Language != "" {
		set("", "locale", tomlString(id.Language))
		set("", "defaultContentLanguage", tomlString(strings.ToLower(strings.SplitN(id.Language, "-", 2)[0])))
	}
	if id.Description != "" {
		set("params", "description", tomlString(id.Description))
	}
	if len(id.ImageHosts) > 0 {
		set("params.mirror.images", "hosts", tomlStrings(id.ImageHosts))
	}
	return doc, changed
}

// summarized shortens a multi-line value to its first line of text.
func summarized(value string) string {
	lines := strings.Split(strings.Trim(value, "'\"\n"), "\n")
	if len(lines) == 1 {
		return value
	}
	return fmt.Sprintf("%s … (%d lines)", tomlString(lines[0]), len(lines))
}

// categoriesOf lists the categories the articles (paths under root) use,
// in order of first use.
func categoriesOf(root string, files []string) ([]string, error) {
	var cats []string
	for _, f := range files {
		// As the build reads an article: a link put in its place is not
		// followed.
		data, err := content.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if err != nil {
			return nil, err
		}
		a := article.Parse(f, f, data)
		list, _ := a.FrontMatter.Values["categories"].([]any)
		for _, c := range list {
			if s, ok := c.(string); ok && strings.TrimSpace(s) != "" && !slices.Contains(cats, strings.TrimSpace(s)) {
				cats = append(cats, strings.TrimSpace(s))
			}
		}
	}
	return cats, nil
}

// setCategories writes the categories into the config file.
func setCategories(cfgPath string, cats []string) ([]string, error) {
	doc, err := os.ReadFile(cfgPath)
	if err != nil {
		return nil, err
	}
	value := tomlStrings(cats)
	edited := SetTOML(string(doc), "params.mirror.validate", "categories", value)
	if edited == string(doc) {
		return nil, nil
	}
	if _, err := metadecoders.Default.UnmarshalToMap([]byte(edited), metadecoders.TOML); err != nil {
		return nil, fmt.Errorf("%s: the edited config does not read back: %w", cfgPath, err)
	}
	return []string{"params.mirror.validate.categories = " + value}, safefile.Write(afero.NewOsFs(), cfgPath, []byte(edited), 0o644)
}

// readExamples reads the list of example articles; none when the file is
// gone (the examples were cleared).
func readExamples(root string) ([]string, error) {
	data, err := os.ReadFile(filepath.Join(root, ExamplesFile))
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, filepath.ToSlash(l))
		}
	}
	return out, sc.Err()
}

// realArticles lists the articles in content/ that are not examples.
func realArticles(root string, examples []string) ([]string, error) {
	dir, err := content.List(filepath.Join(root, "content"))
	if err != nil {
		if os.IsNotExist(err) {
			return nil, nil
		}
		return nil, err
	}
	isExample := map[string]bool{}
	for _, e := range examples {
		isExample[e] = true
	}
	var real []string
	for _, a := range dir.Articles {
		if !isExample["content/"+a] {
			real = append(real, "content/"+a)
		}
	}
	return real, nil
}

// clearExamples removes the example articles, the stored images only they
// show, and the link equivalences naming them, then the examples list.
func clearExamples(ctx context.Context, root string, examples []string) ([]string, error) {
	cfg, err := config.Load(filepath.Join(root, "site"))
	if err != nil {
		return nil, err
	}
	var removed []string
	exampleKeys, exampleSources, err := imageKeysAndSources(root, examples)
	if err != nil {
		return nil, err
	}
	real, err := realArticles(root, examples)
	if err != nil {
		return nil, err
	}
	realKeys, _, err := imageKeysAndSources(root, real)
	if err != nil {
		return nil, err
	}
	files, err := forgetImages(ctx, filepath.Join(root, cfg.Images.Store), exampleKeys, realKeys)
	removed = append(removed, files...)
	if err != nil {
		return removed, err
	}
	if f, err := pruneLinks(filepath.Join(root, "site", "data"), exampleSources); err != nil {
		return removed, err
	} else if f != "" {
		removed = append(removed, f)
	}
	if f, err := forgetStatuses(filepath.Join(root, "site"), exampleSources); err != nil {
		return removed, err
	} else if f != "" {
		removed = append(removed, f)
	}
	for _, e := range examples {
		p := filepath.Join(root, filepath.FromSlash(e))
		if err := os.Remove(p); err == nil {
			removed = append(removed, e)
		} else if !os.IsNotExist(err) {
			return removed, err
		}
	}
	if err := os.Remove(filepath.Join(root, ExamplesFile)); err != nil && !os.IsNotExist(err) {
		return removed, err
	}
	// Git keeps no empty directory; content/ must stay for the build.
	if err := os.WriteFile(filepath.Join(root, "content", ".gitkeep"), nil, 0o644); err != nil {
		return removed, err
	}
	return append(removed, ExamplesFile), nil
}

// forgetStatuses removes the status records of the examples' originals.
func forgetStatuses(siteDir string, sources []string) (string, error) {
	st, err := status.Load(siteDir)
	if err != nil {
		return "", err
	}
	n := len(st.Counts())
	for _, s := range sources {
		st.Delete(status.ID(s))
	}
	if err := st.Save(); err != nil {
		return "", err
	}
	if n == 0 {
		return "", nil
	}
	return "site/data/status/", nil
}

// imageKeysAndSources reads articles and returns the keys of the images
// they show and their source URLs.
func imageKeysAndSources(root string, files []string) (map[string]bool, []string, error) {
	keys := map[string]bool{}
	var sources []string
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(f)))
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		a := article.Parse(path.Base(f), f, data)
		refs, _ := images.Scan(a.Body, math.MaxInt)
		for _, ref := range refs {
			keys[ref.Key] = true
		}
		if s := a.SourceURL(); s != "" {
			sources = append(sources, s)
		}
	}
	return keys, sources, nil
}

// forgetImages drops the manifest entries of the examples' images that no
// real article shows, and the stored files no remaining entry names.
func forgetImages(ctx context.Context, dir string, exampleKeys, realKeys map[string]bool) ([]string, error) {
	st, err := store.Open(afero.NewOsFs(), dir)
	if err != nil {
		return nil, err
	}
	if err := st.Lock(ctx, nil); err != nil {
		return nil, err
	}
	defer st.Unlock()
	m := st.Manifest()
	candidates := map[string]bool{}
	for key := range exampleKeys {
		if realKeys[key] {
			continue
		}
		if e, ok := m.Get(key); ok {
			candidates[e.File] = true
			for _, v := range e.Variants {
				candidates[v.File] = true
			}
			m.Delete(key)
		}
	}
	for _, e := range m.Entries() {
		delete(candidates, e.File)
		for _, v := range e.Variants {
			delete(candidates, v.File)
		}
	}
	var removed []string
	for f := range candidates {
		if f == "" {
			continue
		}
		if err := os.Remove(filepath.Join(dir, filepath.FromSlash(f))); err == nil {
			removed = append(removed, path.Join(filepath.Base(dir), f))
			os.Remove(filepath.Dir(filepath.Join(dir, filepath.FromSlash(f)))) // empty fan-out directories go too
		} else if !os.IsNotExist(err) {
			return removed, err
		}
	}
	return removed, st.Save()
}

// Current is what site/hugo.toml sets now: the identity and the
// categories, empty where it sets none.
type Current struct {
	Identity
	Categories []string
}

// ReadCurrent reads what site/hugo.toml sets now, for init to show what
// Enter keeps.
func ReadCurrent(root string) (Current, error) {
	data, err := os.ReadFile(filepath.Join(root, "site", "hugo.toml"))
	if err != nil {
		return Current{}, err
	}
	cfg, err := metadecoders.Default.UnmarshalToMap(data, metadecoders.TOML)
	if err != nil {
		return Current{}, err
	}
	return Current{
		Identity: Identity{Title: configString(cfg, "", "title"), Description: configString(cfg, "params", "description"),
			BaseURL: configString(cfg, "", "baseURL"), Language: configString(cfg, "", "locale"),
			ImageHosts: configStrings(cfg, "params.mirror.images", "hosts")},
		Categories: configStrings(cfg, "params.mirror.validate", "categories"),
	}, nil
}

// configStrings reads a list of strings of a decoded config.
func configStrings(cfg map[string]any, table, key string) []string {
	list, _ := config.Lookup(cfg, append(tablePath(table), key)...).([]any)
	var out []string
	for _, v := range list {
		if s, ok := v.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
