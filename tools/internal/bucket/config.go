package bucket

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// Config is [params.mirror.media] in the site config: where the image
// store's files are published. Without a bucket they are published in the
// site, under media/.
type Config struct {
	// Bucket is the bucket's URL, as Go CDK writes it:
	// s3://NAME?endpoint=https://…&region=…&use_path_style=true
	// (AWS S3, Cloudflare R2, Aliyun OSS, Tencent COS, Backblaze B2, MinIO,
	// SeaweedFS…), with prefix=DIR/ to keep the files under a folder.
	// Credentials come only from the environment (AWS_ACCESS_KEY_ID,
	// AWS_SECRET_ACCESS_KEY), never from this file.
	Bucket string `json:"bucket"`
	// PublicURL is where the bucket's files are served from (a CDN, or
	// the bucket's public address, with the prefix): pages show the image
	// NAME as PublicURL + NAME.
	PublicURL string `json:"publicURL"`
	// Jobs is how many files are uploaded or read at once.
	Jobs int `json:"jobs"`
	// Retries is how many times a failed request is tried again.
	Retries int `json:"retries"`
}

// NewDefaultConfig returns the settings of a site that keeps its images
// in the site.
func NewDefaultConfig() Config { return Config{Jobs: 8, Retries: 3} }

// Enabled says whether the images go to a bucket.
func (c Config) Enabled() bool { return c.Bucket != "" }

// schemes are the bucket kinds this build can open (see Open).
var schemes = []string{"s3", "file", "mem"}

// Validate reports settings that cannot work.
func (c Config) Validate() error {
	if c.Jobs < 1 || c.Retries < 0 {
		return fmt.Errorf("jobs must be positive and retries not negative")
	}
	if !c.Enabled() {
		if c.PublicURL != "" {
			return fmt.Errorf("publicURL is set but bucket is not: set bucket, or remove publicURL to keep the images in the site")
		}
		return nil
	}
	u, err := url.Parse(c.Bucket)
	if err != nil {
		return fmt.Errorf("bucket: %w", err)
	}
	if !slices.Contains(schemes, u.Scheme) {
		return fmt.Errorf("bucket %q: the scheme must be one of %s", Redact(c.Bucket), strings.Join(schemes, ", "))
	}
	for _, secret := range []string{"access_key_id", "secret_access_key", "aws_access_key_id", "aws_secret_access_key"} {
		if u.Query().Has(secret) {
			return fmt.Errorf("bucket: credentials are not kept in the site config: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment")
		}
	}
	if c.PublicURL == "" {
		return fmt.Errorf("bucket is set but publicURL is not: pages need the address the bucket's files are served from")
	}
	p, err := url.Parse(c.PublicURL)
	if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" {
		return fmt.Errorf("publicURL %q is not an http(s) address without query", c.PublicURL)
	}
	return nil
}

// Prefix is what an image's name is appended to in pages: PublicURL,
// ending in a slash.
func (c Config) Prefix() string {
	if strings.HasSuffix(c.PublicURL, "/") {
		return c.PublicURL
	}
	return c.PublicURL + "/"
}

// Redact is the bucket URL as messages show it: without its query's
// values other than the prefix (an endpoint may carry a token).
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(bucket URL)"
	}
	u.User = nil
	return u.Scheme + "://" + u.Host + u.Path
}
