package capture

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/archivemirror/mirror/tools/internal/images/fetch"
)

// Fetcher fetches WeChat article pages, politely: one request at a time
// (a fetch of many URLs goes one by one), retries with backoff, a
// timeout, a size cap, no cookies kept, and never an address of the
// special-purpose registries unless the host was remapped on purpose.
type Fetcher struct {
	client *fetch.Client
}

// WeChatHost is the host of WeChat's article pages.
const WeChatHost = "mp.weixin.qq.com"

// NewFetcher returns a fetcher; remap sends a host's requests elsewhere
// (--remap-host: a proxy, a test server).
func NewFetcher(remap map[string]*url.URL) *Fetcher {
	cfg := fetch.NewDefaultConfig()
	cfg.MaxBytes = 10 << 20
	cfg.Timeout = 30 * time.Second
	cfg.Remap = remap
	cfg.Accept = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
	cfg.Allowed = func(host string) bool { return strings.EqualFold(host, WeChatHost) }
	return &Fetcher{client: fetch.New(cfg)}
}

// Capture fetches and reads one article page.
func (f *Fetcher) Capture(ctx context.Context, rawURL string) (Capture, error) {
	if err := ArticleURL(rawURL); err != nil {
		return Capture{}, err
	}
	page, err := f.client.Get(ctx, rawURL)
	if err != nil {
		return Capture{}, err
	}
	return ParseWeChat(page, rawURL)
}

// ArticleURL checks a URL is a WeChat article's, short (/s/TOKEN) or long
// (/s?__biz=…&mid=…), and not an account's profile, a video player…
func ArticleURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	if !strings.EqualFold(u.Hostname(), WeChatHost) {
		return fmt.Errorf("%s: only WeChat articles (%s/s/…) are fetched", raw, WeChatHost)
	}
	switch {
	case strings.HasPrefix(u.Path, "/s/") && len(u.Path) > len("/s/"):
		return nil
	case u.Path == "/s" && u.Query().Get("__biz") != "" && u.Query().Get("mid") != "":
		return nil
	}
	return fmt.Errorf("%s: not a WeChat article URL (want %s/s/TOKEN or /s?__biz=…&mid=…)", raw, WeChatHost)
}
