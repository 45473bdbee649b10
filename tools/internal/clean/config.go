package clean

import (
	"fmt"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/labels"
)

// Config is the cleanup settings, [params.mirror.clean] in the site config.
type Config struct {
	// EmbedHosts are hosts whose audio and video players may stay in an
	// article as iframes (https only). By default none: an embed becomes a
	// box linking to the original, and nothing loads from a third party.
	EmbedHosts []string `json:"embedHosts"`
	// SummaryChars is how long a summary is, in characters (a Latin word
	// counts as its letters).
	SummaryChars int `json:"summaryChars"`
	// HiddenTags are bookkeeping tags (the fetcher's "fetched") left out
	// of the staged articles: no page shows them, no tag page lists them.
	HiddenTags []string `json:"hiddenTags"`
	// Labels are the words written for media not archived, in the site's
	// language (set from the site's i18n, not a setting).
	Labels labels.Labels `json:"-"`
}

// NewDefaultConfig returns the settings of a site that sets none.
func NewDefaultConfig() Config {
	return Config{SummaryChars: 120, HiddenTags: []string{"fetched"}, Labels: labels.English}
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	if c.SummaryChars < 10 {
		return fmt.Errorf("summaryChars %d is too short", c.SummaryChars)
	}
	for _, h := range c.EmbedHosts {
		if h == "" || strings.ContainsAny(h, "/:*") {
			return fmt.Errorf("embedHosts: %q is not a host name", h)
		}
	}
	return nil
}

func (c Config) embedAllowed(host string) bool {
	for _, h := range c.EmbedHosts {
		if strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}
