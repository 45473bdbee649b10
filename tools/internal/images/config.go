package images

import (
	"encoding/json"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/archivemirror/mirror/tools/internal/images/fetch"
	"github.com/archivemirror/mirror/tools/internal/images/resize"
	"github.com/archivemirror/mirror/tools/internal/labels"
)

// Config is the image stage's settings, [params.mirror.images] in the site
// config. The limits follow the image proxies imgproxy and weserv.
type Config struct {
	// Hosts are the image hosts fetched; "*" allows every public host.
	// Images on other hosts are left as they are, and counted.
	Hosts []string `json:"hosts"`
	// Store is the store's directory, relative to the mirror's root.
	Store string `json:"store"`
	// MaxWidth is the widest stored image; wider ones are scaled down.
	MaxWidth int `json:"maxWidth"`
	// Widths are the narrower copies made of each image for srcset, so a
	// phone downloads less; none for images not wider than a width.
	Widths []int `json:"widths"`
	// JPEGQuality is used when an image is re-encoded as JPEG.
	JPEGQuality int `json:"jpegQuality"`
	// MaxPixels refuses images with more pixels (all GIF frames counted)
	// before decoding them. WeChat's long infographics (1080 × 20,000) pass.
	MaxPixels int64 `json:"maxPixels"`
	// MaxBytes refuses larger downloads.
	MaxBytes int64 `json:"maxBytes"`
	// Timeout bounds each request.
	Timeout time.Duration `json:"-"`
	// Retries is how many times a timeout or 5xx is retried.
	Retries int `json:"retries"`
	// MaxRedirects is how many redirects are followed.
	MaxRedirects int `json:"maxRedirects"`
	// Jobs is how many images are fetched and processed at once.
	Jobs int `json:"jobs"`
	// Remote says what becomes of an image that could not be localized:
	// "link" (the default) shows a link to it, so the page loads nothing
	// from a third party; "load" keeps it as an image loaded from its host,
	// without a Referer.
	Remote string `json:"remote"`
	// Placeholders are SHA-256 digests (hex) of "image not available"
	// pictures hosts serve instead of the real one; they never enter the
	// store.
	Placeholders []string `json:"placeholders"`
	// Labels are the words written for an image left remote, in the
	// site's language (set from the site's i18n, not a setting).
	Labels labels.Labels `json:"-"`
}

// NewDefaultConfig returns the settings of a site that sets none.
func NewDefaultConfig() Config {
	return Config{
		Hosts:        []string{"mmbiz.qpic.cn", "mmbiz.qlogo.cn", "wx.qlogo.cn"},
		Store:        "media",
		MaxWidth:     1080,
		Widths:       []int{240, 540},
		JPEGQuality:  85,
		MaxPixels:    50_000_000,
		MaxBytes:     25 << 20,
		Timeout:      15 * time.Second,
		Retries:      3,
		MaxRedirects: 3,
		Jobs:         8,
		Remote:       "link",
		Labels:       labels.English,
	}
}

// UnmarshalJSON reads the config with the timeout written as a duration
// string ("15s"), as people write it in hugo.toml.
func (c *Config) UnmarshalJSON(b []byte) error {
	type plain Config
	aux := struct {
		*plain
		Timeout string `json:"timeout"`
	}{plain: (*plain)(c)}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&aux); err != nil {
		return err
	}
	if aux.Timeout != "" {
		d, err := time.ParseDuration(aux.Timeout)
		if err != nil {
			return fmt.Errorf("timeout: %w", err)
		}
		c.Timeout = d
	}
	return nil
}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	switch {
	case c.MaxWidth < 16:
		return fmt.Errorf("maxWidth %d is too small", c.MaxWidth)
	case c.JPEGQuality < 1 || c.JPEGQuality > 100:
		return fmt.Errorf("jpegQuality %d is not between 1 and 100", c.JPEGQuality)
	case c.MaxPixels < 1 || c.MaxBytes < 1:
		return fmt.Errorf("maxPixels and maxBytes must be positive")
	case c.Timeout <= 0:
		return fmt.Errorf("timeout must be positive")
	case c.Retries < 0 || c.MaxRedirects < 0 || c.Jobs < 0:
		return fmt.Errorf("retries, maxRedirects and jobs cannot be negative")
	case c.Store == "":
		return fmt.Errorf("store must name a directory")
	case !validWidths(c.Widths, c.MaxWidth):
		return fmt.Errorf("widths %v: each must be between 16 and maxWidth (%d)", c.Widths, c.MaxWidth)
	case c.Remote != "link" && c.Remote != "load":
		return fmt.Errorf(`remote must be "link" or "load", not %q`, c.Remote)
	}
	for _, h := range c.Hosts {
		if h != "*" && (strings.ContainsAny(h, "/:") || net.ParseIP(h) != nil) {
			return fmt.Errorf("hosts: %q is not a host name", h)
		}
	}
	return nil
}

// allowed says whether a host is on the allowlist. A listed host also allows
// its subdomains only when written with a leading dot (".qpic.cn").
func (c Config) allowed(host string) bool {
	host = strings.ToLower(host)
	for _, h := range c.Hosts {
		h = strings.ToLower(h)
		switch {
		case h == "*":
			return true
		case h == host:
			return true
		case strings.HasPrefix(h, ".") && strings.HasSuffix(host, h):
			return true
		}
	}
	return false
}

func (c Config) fetchConfig() fetch.Config {
	f := fetch.NewDefaultConfig()
	f.Timeout, f.MaxBytes, f.Retries, f.MaxRedirects = c.Timeout, c.MaxBytes, c.Retries, c.MaxRedirects
	f.Allowed = c.allowed
	return f
}

func (c Config) resizeOptions() resize.Options {
	return resize.Options{MaxWidth: c.MaxWidth, JPEGQuality: c.JPEGQuality}
}

func validWidths(widths []int, maxWidth int) bool {
	for _, w := range widths {
		if w < 16 || w >= maxWidth {
			return false
		}
	}
	return true
}
