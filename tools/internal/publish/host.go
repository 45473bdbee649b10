package publish

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// Host is [params.mirror.host] in the site config: the static host the
// site is published on. The build measures the site against that host's
// published limits: a notice at 80 % of one, and over one an error
// before anything is published.
type Host struct {
	// Name is github-pages (the template's workflow), cloudflare-pages,
	// netlify, or none.
	Name string `json:"name"`
	// MaxFiles, MaxBytes and MaxFileBytes replace the host's limits when
	// set (a paid plan's: Cloudflare Pages allows 100,000 files).
	MaxFiles     int   `json:"maxFiles"`
	MaxBytes     int64 `json:"maxBytes"`
	MaxFileBytes int64 `json:"maxFileBytes"`
}

// NewDefaultHost is the host of a site that names none: GitHub Pages, where
// the template's workflow publishes.
func NewDefaultHost() Host { return Host{Name: "github-pages"} }

// limits are what a host accepts; 0 is no limit.
type limits struct {
	label       string
	files       int   // files in the site
	filesPerDir int   // files in one directory
	bytes       int64 // the whole site
	fileBytes   int64 // one file
}

// hosts are the published limits of common static hosts: GitHub Pages'
// 1 GB site and GitHub's 100 MB file (docs.github.com, "GitHub Pages
// limits"); Cloudflare Pages' 20,000 files of 25 MiB on the free plan
// (developers.cloudflare.com/pages/platform/limits); Netlify's 54,000
// files per directory (docs.netlify.com/site-deploys/overview).
var hosts = map[string]limits{
	"github-pages":     {label: "GitHub Pages", bytes: 1 << 30, fileBytes: 100 << 20},
	"cloudflare-pages": {label: "Cloudflare Pages", files: 20000, fileBytes: 25 << 20},
	"netlify":          {label: "Netlify", filesPerDir: 54000},
	"none":             {label: "the host"},
}

// Validate reports a host this build does not know.
func (h Host) Validate() error {
	if _, ok := hosts[h.Name]; !ok {
		names := make([]string, 0, len(hosts))
		for n := range hosts {
			names = append(names, n)
		}
		slices.Sort(names)
		return fmt.Errorf("name %q: want one of %s", h.Name, strings.Join(names, ", "))
	}
	if h.MaxFiles < 0 || h.MaxBytes < 0 || h.MaxFileBytes < 0 {
		return errors.New("maxFiles, maxBytes and maxFileBytes cannot be negative")
	}
	return nil
}

func (h Host) limits() limits {
	l := hosts[h.Name]
	if l.label == "" {
		l = hosts["none"]
	}
	if h.MaxFiles > 0 {
		l.files = h.MaxFiles
	}
	if h.MaxBytes > 0 {
		l.bytes = h.MaxBytes
	}
	if h.MaxFileBytes > 0 {
		l.fileBytes = h.MaxFileBytes
	}
	return l
}

// ErrOverLimit marks a site the host would not accept.
var ErrOverLimit = errors.New("over the host's limit")

// Check measures the site against the host: notices for limits it comes
// near, and an error naming the remedy for one it passes.
func (h Host) Check(m Measure) (notices []string, err error) {
	l := h.limits()
	var over []string
	check := func(value, limit int64, what, remedy string) {
		switch {
		case limit <= 0:
		case value > limit:
			over = append(over, what+": "+remedy)
		case value*10 > limit*8:
			notices = append(notices, fmt.Sprintf("%s: near %s' limit (%d%%)", what, l.label, value*100/limit))
		}
	}
	check(int64(m.Files), int64(l.files), fmt.Sprintf("the site has %d files, %s allows %d", m.Files, l.label, l.files), m.remedy("files"))
	check(m.Bytes, l.bytes, fmt.Sprintf("the site is %s, %s allows %s", megabytes(m.Bytes), l.label, megabytes(l.bytes)), m.remedy("bytes"))
	check(m.Largest.Size, l.fileBytes, fmt.Sprintf("%s is %s, %s allows %s per file", m.Largest.Path, megabytes(m.Largest.Size), l.label, megabytes(l.fileBytes)),
		"leave it out of site/static, or publish on another host ([params.mirror.host])")
	check(int64(m.Busiest.Files), int64(l.filesPerDir), fmt.Sprintf("%s holds %d files, %s allows %d per directory", m.Busiest.Path, m.Busiest.Files, l.label, l.filesPerDir),
		"fewer pages in one list: raise pagination.pagerSize in site/hugo.toml")
	if len(over) > 0 {
		return notices, fmt.Errorf("%w: not published (set [params.mirror.host] to the host you use):\n  %s", ErrOverLimit, strings.Join(over, "\n  "))
	}
	return notices, nil
}

// remedy says how to make the site fit a host's limit of files or bytes:
// a media bucket when the images are a tenth of them or more.
func (m Measure) remedy(of string) string {
	share := float64(m.MediaFiles) / float64(max(m.Files, 1))
	if of == "bytes" {
		share = float64(m.MediaBytes) / float64(max(m.Bytes, 1))
	}
	if share >= 0.1 {
		return fmt.Sprintf("put the images in a media bucket ([params.mirror.media] in site/hugo.toml; README, \"Media on object storage\"): %d of the files, %s, are images", m.MediaFiles, megabytes(m.MediaBytes))
	}
	if of == "files" {
		return "fewer pages: raise pagination.pagerSize in site/hugo.toml, or a plan with more files ([params.mirror.host] maxFiles)"
	}
	return "fewer or smaller files, or a host that allows more ([params.mirror.host] maxBytes)"
}

func megabytes(n int64) string { return fmt.Sprintf("%.1f MB", float64(n)/1e6) }
