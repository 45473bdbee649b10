package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"

	"github.com/archivemirror/mirror/tools/internal/article"
	"github.com/archivemirror/mirror/tools/internal/bucket"
	"github.com/archivemirror/mirror/tools/internal/clean"
	"github.com/archivemirror/mirror/tools/internal/images"
	"github.com/archivemirror/mirror/tools/internal/labels"
	"github.com/archivemirror/mirror/tools/internal/publish"
	"github.com/archivemirror/mirror/tools/internal/stage"
	"github.com/archivemirror/mirror/tools/internal/validate"
)

// Config is every stage's settings.
type Config struct {
	// File is the config file the settings came from.
	File string `json:"-"`
	// Taxonomies are the site's taxonomies (plural names), which are
	// front matter keys.
	Taxonomies []string `json:"-"`

	// BaseURL is the site's baseURL, which local image URLs must follow.
	BaseURL string `json:"-"`
	// Settings are what a build's output depends on of the site: its
	// config file's bytes (Load) and the baseURL (LoadFor).
	Settings []byte `json:"-"`
	// SiteDir is the Hugo project; ThemeDirs the themes it uses.
	SiteDir   string   `json:"-"`
	ThemeDirs []string `json:"-"`
	// PaginationPath is where lists put their further pages ("page":
	// /page/2/).
	PaginationPath string `json:"-"`

	Validate validate.Config `json:"validate"`
	Images   images.Config   `json:"images"`
	Clean    clean.Config    `json:"clean"`
	Stage    stage.Config    `json:"stage"`
	Limits   article.Limits  `json:"limits"`
	Media    bucket.Config   `json:"media"`
	Host     publish.Host    `json:"host"`
}

// Default returns the settings of a site that configures nothing.
func Default() Config {
	return Config{
		Taxonomies:     []string{"categories", "tags"},
		BaseURL:        "/",
		PaginationPath: "page",
		Validate:       validate.NewDefaultConfig(),
		Images:         images.NewDefaultConfig(),
		Clean:          clean.NewDefaultConfig(),
		Stage:          stage.NewDefaultConfig(),
		Limits:         article.NewDefaultLimits(),
		Media:          bucket.NewDefaultConfig(),
		Host:           publish.NewDefaultHost(),
	}
}

// configNames are the site config files Hugo looks for, in its order.
var configNames = []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json"}

// Load reads the settings from the config file in siteDir. A site without
// one gets the defaults.
func Load(siteDir string) (Config, error) {
	cfg := Default()
	cfg.SiteDir = siteDir
	for _, name := range configNames {
		p := filepath.Join(siteDir, name)
		if _, err := os.Stat(p); err == nil {
			cfg.File = p
			break
		}
	}
	if cfg.File == "" {
		return cfg, nil
	}
	data, err := os.ReadFile(cfg.File)
	if err != nil {
		return cfg, err
	}
	cfg.Settings = data
	site, err := metadecoders.Default.UnmarshalToMap(data, metadecoders.FormatFromString(cfg.File))
	if err != nil {
		// Hugo's decoder names the file "_stream.toml": name the real one.
		return cfg, fmt.Errorf("%s: %s", cfg.File, strings.ReplaceAll(err.Error(), `"_stream.toml:`, `"line `))
	}
	if err := checkSettings(cfg.File, data, site); err != nil {
		return cfg, err
	}
	if err := cfg.apply(site); err != nil {
		return cfg, fmt.Errorf("%s: [params.mirror]: %w", cfg.File, err)
	}
	return cfg, cfg.check()
}

// LoadFor is Load for a build: the site's baseURL is baseURL when it is
// set, and Settings are filled in.
func LoadFor(siteDir, baseURL string) (Config, error) {
	cfg, err := Load(siteDir)
	if err != nil {
		return cfg, err
	}
	if baseURL != "" {
		cfg.BaseURL = baseURL
	}
	cfg.Settings = append(cfg.Settings, "\x00"+cfg.BaseURL...)
	return cfg, nil
}

// MediaPrefix is the URL stored images are published under: the media
// bucket's public address, or the site's directory dir.
func (c Config) MediaPrefix(dir string) string {
	if c.Media.Enabled() {
		return c.Media.Prefix()
	}
	return BasePath(c.BaseURL) + dir + "/"
}

// Checker is the validator of the site's articles: its rules, limits,
// and the paths its own pages and files take (extra: the search index's).
func (c Config) Checker(extra ...string) *validate.Checker {
	checker := validate.New(c.Validate, c.Taxonomies)
	checker.Limits = c.Limits
	checker.Reserve(c.Reserved(extra...))
	return checker
}

// apply takes the settings from the decoded site config.
func (c *Config) apply(site map[string]any) error {
	if tax, ok := Lookup(site, "taxonomies").(map[string]any); ok {
		c.Taxonomies = c.Taxonomies[:0]
		for _, plural := range tax {
			if s, ok := plural.(string); ok {
				c.Taxonomies = append(c.Taxonomies, s)
			}
		}
	}
	if b, ok := Lookup(site, "baseURL").(string); ok && b != "" {
		c.BaseURL = b
	}
	if b, ok := Lookup(site, "buildFuture").(bool); ok && b {
		c.Validate.AllowFuture = true
	}
	if p, ok := Lookup(site, "pagination", "path").(string); ok && p != "" {
		c.PaginationPath = p
	}
	c.ThemeDirs = ThemeDirsOf(c.SiteDir, site)
	lang := "en"
	if l, ok := Lookup(site, "defaultContentLanguage").(string); ok && l != "" {
		lang = l
	}
	l := labels.Load(lang, append(slices.Clone(c.ThemeDirs), c.SiteDir))
	c.Images.Labels, c.Clean.Labels = l, l
	mirror := Lookup(site, "params", "mirror")
	if mirror == nil {
		return nil
	}
	// JSON matches keys case-insensitively, as Hugo does for params.
	data, err := json.Marshal(mirror)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	return dec.Decode(c)
}

func (c *Config) check() error {
	if err := c.Validate.Validate(); err != nil {
		return fmt.Errorf("%s: [params.mirror.validate]: %w", c.File, err)
	}
	if err := c.Images.Validate(); err != nil {
		return fmt.Errorf("%s: [params.mirror.images]: %w", c.File, err)
	}
	if err := c.Clean.Validate(); err != nil {
		return fmt.Errorf("%s: [params.mirror.clean]: %w", c.File, err)
	}
	if err := c.Limits.Validate(); err != nil {
		return fmt.Errorf("%s: [params.mirror.limits]: %w", c.File, err)
	}
	if err := c.Media.Validate(); err != nil {
		return fmt.Errorf("%s: [params.mirror.media]: %w", c.File, err)
	}
	if err := c.Host.Validate(); err != nil {
		return fmt.Errorf("%s: [params.mirror.host]: %w", c.File, err)
	}
	return nil
}

// ThemeDirsOf are the directories of the themes a decoded site config
// names (theme, a name or a list, under themesDir).
func ThemeDirsOf(siteDir string, site map[string]any) []string {
	themes := "themes"
	if d, ok := Lookup(site, "themesDir").(string); ok && d != "" {
		themes = d
	}
	if !filepath.IsAbs(themes) {
		themes = filepath.Join(siteDir, themes)
	}
	var names []string
	switch t := Lookup(site, "theme").(type) {
	case string:
		names = []string{t}
	case []any:
		for _, n := range t {
			if s, ok := n.(string); ok {
				names = append(names, s)
			}
		}
	}
	dirs := make([]string, 0, len(names))
	for _, n := range names {
		if n != "" {
			dirs = append(dirs, filepath.Join(themes, n))
		}
	}
	return dirs
}

// MediaDir is where the build publishes the images articles show, in
// the site.
const MediaDir = "media"

// Reserved lists the first parts of the paths the site's own pages and
// files take, lower-cased: an article published there would replace or
// break them (an article named about.md took over the About page,
// sitemap.xml.md failed the whole site). They are the taxonomies, the
// pages and static files of the site and its themes, the home page's
// further pages, the files Hugo writes at the top, the media, and extra
// (the search index's directory).
func (c Config) Reserved(extra ...string) []string {
	names := slices.Concat(c.Taxonomies, extra, []string{
		MediaDir, c.PaginationPath, "index.html", "index.xml", "sitemap.xml", "robots.txt", "404.html",
	})
	for _, dir := range append([]string{c.SiteDir}, c.ThemeDirs...) {
		if dir == "" {
			continue
		}
		for _, sub := range []string{"content", "static"} {
			entries, _ := os.ReadDir(filepath.Join(dir, sub))
			for _, e := range entries {
				name := e.Name()
				if sub == "content" && !e.IsDir() {
					name = strings.TrimSuffix(name, filepath.Ext(name))
				}
				names = append(names, name)
			}
		}
	}
	for i, n := range names {
		names[i] = strings.ToLower(n)
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// Lookup walks a decoded config's nested maps by key, ignoring case as
// Hugo does; nil when a key is absent.
func Lookup(m map[string]any, keys ...string) any {
	var v any = m
	for _, k := range keys {
		mm, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = nil
		for mk, mv := range mm {
			if strings.EqualFold(mk, k) {
				v = mv
				break
			}
		}
	}
	return v
}

// BasePath is the path part of the site's baseURL, always ending in "/":
// "/" for a site at the root, "/archive/" for a GitHub Pages project site.
func BasePath(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Path == "" {
		return "/"
	}
	return strings.TrimSuffix(u.Path, "/") + "/"
}
