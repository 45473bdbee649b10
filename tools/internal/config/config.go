package config

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/gohugoio/hugo/parser/metadecoders"
	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/clean"
	"github.com/archivemirror/mirror/tools/internal/images"
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

	Validate validate.Config `json:"validate"`
	Images   images.Config   `json:"images"`
	Clean    clean.Config    `json:"clean"`
	Stage    stage.Config    `json:"stage"`
}

// Default returns the settings of a site that configures nothing.
func Default() Config {
	return Config{
		Taxonomies: []string{"categories", "tags"},
		BaseURL:    "/",
		Validate:   validate.NewDefaultConfig(),
		Images:     images.NewDefaultConfig(),
		Clean:      clean.NewDefaultConfig(),
		Stage:      stage.NewDefaultConfig(),
	}
}

// configNames are the site config files Hugo looks for, in its order.
var configNames = []string{"hugo.toml", "hugo.yaml", "hugo.yml", "hugo.json", "config.toml", "config.yaml", "config.yml", "config.json"}

// Load reads the settings from the config file in siteDir. A site without
// one gets the defaults.
func Load(siteDir string) (Config, error) {
	cfg := Default()
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
	site, err := metadecoders.Default.UnmarshalFileToMap(afero.NewOsFs(), cfg.File)
	if err != nil {
		return cfg, fmt.Errorf("%s: %w", cfg.File, err)
	}
	if err := cfg.apply(site); err != nil {
		return cfg, fmt.Errorf("%s: [params.mirror]: %w", cfg.File, err)
	}
	return cfg, cfg.check()
}

// apply takes the settings from the decoded site config.
func (c *Config) apply(site map[string]any) error {
	if tax, ok := lookup(site, "taxonomies").(map[string]any); ok {
		c.Taxonomies = c.Taxonomies[:0]
		for _, plural := range tax {
			if s, ok := plural.(string); ok {
				c.Taxonomies = append(c.Taxonomies, s)
			}
		}
	}
	if b, ok := lookup(site, "baseURL").(string); ok && b != "" {
		c.BaseURL = b
	}
	if b, ok := lookup(site, "buildFuture").(bool); ok && b {
		c.Validate.AllowFuture = true
	}
	mirror := lookup(site, "params", "mirror")
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
	return nil
}

// lookup walks nested maps by key, ignoring case as Hugo does.
func lookup(m map[string]any, keys ...string) any {
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
