package validate

import (
	"fmt"
	"strings"
)

// Config is the validation settings, from [params.mirror.validate] in the
// site config.
type Config struct {
	// Categories, when not empty, is the complete list of categories the
	// site uses; any other is reported, with the closest as a suggestion.
	Categories []string `json:"categories"`
	// Required lists the front matter keys every article must have.
	Required []string `json:"required"`
	// AllowFuture accepts dates in the future (Hugo's buildFuture sets it).
	AllowFuture bool `json:"allowFuture"`
	// KnownKeys are front matter keys an article may set beyond the
	// default ones (title, date, tags…: see articleKeys), such as a
	// theme's own params. Every other key is dropped from the staged copy.
	// Keys that place or render other pages (url, aliases, layout…) are
	// refused here: see siteKeys.
	KnownKeys []string `json:"knownKeys"`
}

// NewDefaultConfig returns the settings of a site that sets none.
func NewDefaultConfig() Config {
	return Config{Required: []string{"title", "date"}}
}

// Validate reports settings that cannot be meant.
func (c Config) Validate() error {
	seen := map[string]bool{}
	for _, cat := range c.Categories {
		if strings.TrimSpace(cat) == "" {
			return fmt.Errorf("categories: empty category name")
		}
		if seen[strings.ToLower(cat)] {
			return fmt.Errorf("categories: %q is listed twice", cat)
		}
		seen[strings.ToLower(cat)] = true
	}
	for _, k := range c.KnownKeys {
		if why, ok := siteKeys[strings.ToLower(k)]; ok && !strings.EqualFold(k, "slug") {
			return fmt.Errorf("knownKeys: %s cannot be an article's: %s", k, why)
		}
	}
	for _, k := range c.Required {
		if strings.TrimSpace(k) == "" {
			return fmt.Errorf("required: empty key name")
		}
	}
	return nil
}
