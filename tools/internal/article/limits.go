package article

import "fmt"

// Limits bound what one article may cost the build, whoever wrote it: the
// site's [params.mirror.limits]. The defaults are far above what a real
// article has (the real captures hold up to 42 images, a dozen tags and
// under 2 MB), so only a broken or hostile file reaches them; what goes
// over is reported and left out, never the whole site.
type Limits struct {
	// MaxFileBytes: an article file larger than this is not read (error).
	MaxFileBytes int64 `json:"maxFileBytes"`
	// MaxTerms: a taxonomy (tags, categories…) keeps its first MaxTerms
	// terms (30,000 tags in one article made 60,000 pages and 194 s).
	MaxTerms int `json:"maxTerms"`
	// MaxTermBytes: a longer term is cut (a page's directory is named
	// after it, and file names stop at 255 bytes).
	MaxTermBytes int `json:"maxTermBytes"`
	// MaxImages: the images of an article past the first MaxImages are
	// not fetched (20,000 images in one article: 20,000 requests).
	MaxImages int `json:"maxImages"`
	// MaxLinks: the links of an article past the first MaxLinks are not
	// resolved into the archive.
	MaxLinks int `json:"maxLinks"`
}

// NewDefaultLimits returns the limits of a site that sets none.
func NewDefaultLimits() Limits {
	return Limits{
		MaxFileBytes: 16 << 20,
		MaxTerms:     100,
		MaxTermBytes: 100,
		MaxImages:    1000,
		MaxLinks:     5000,
	}
}

// Validate reports limits that cannot be meant.
func (l Limits) Validate() error {
	for _, v := range []struct {
		name string
		n    int64
	}{
		{"maxFileBytes", l.MaxFileBytes}, {"maxTerms", int64(l.MaxTerms)}, {"maxTermBytes", int64(l.MaxTermBytes)},
		{"maxImages", int64(l.MaxImages)}, {"maxLinks", int64(l.MaxLinks)},
	} {
		if v.n < 1 {
			return fmt.Errorf("%s must be at least 1, not %d", v.name, v.n)
		}
	}
	if l.MaxTermBytes < 8 || l.MaxTermBytes > 200 {
		return fmt.Errorf("maxTermBytes must be between 8 and 200 (file names stop at 255 bytes), not %d", l.MaxTermBytes)
	}
	return nil
}
