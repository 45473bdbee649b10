// Package fetch downloads images over HTTP for the image stage, safely
// enough to run on articles submitted by strangers: per-request timeouts, a
// size cap enforced while reading, retries with backoff only where a retry
// can help, redirects only to allowed hosts, no Referer ever, no transparent
// decompression, and no connection to a loopback, private or link-local
// address unless the host was remapped there on purpose.
package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says how the client behaves.
type Config struct {
	// Timeout bounds each request, from dialing to the last body byte.
	Timeout time.Duration
	// MaxBytes is the largest body accepted.
	MaxBytes int64
	// Retries is how many times a request that failed in a way a retry
	// can fix (a timeout, a 5xx, a 429) is tried again.
	Retries int
	// Backoff is the wait before the first retry; it doubles each time.
	Backoff time.Duration
	// MaxRetryAfter caps how long a server's Retry-After is honoured.
	MaxRetryAfter time.Duration
	// MaxRedirects is how many redirects are followed.
	MaxRedirects int
	// Allowed says whether a host may be fetched (redirects included).
	Allowed func(host string) bool
	// Remap sends requests for a host to another base URL, keeping the
	// path and query: HOST → BASEURL. Remapped targets may be private.
	Remap map[string]*url.URL
	// Accept is the request's Accept header (images by default).
	Accept string
}

// NewDefaultConfig returns the limits of the image proxies imgproxy and
// weserv: a 15 s timeout, a few redirects.
func NewDefaultConfig() Config {
	return Config{
		Timeout:       15 * time.Second,
		MaxBytes:      25 << 20,
		Retries:       3,
		Backoff:       500 * time.Millisecond,
		MaxRetryAfter: 30 * time.Second,
		MaxRedirects:  3,
		Allowed:       func(string) bool { return false },
		Accept:        "image/avif,image/webp,image/png,image/jpeg,image/gif,image/*;q=0.8",
	}
}

// ErrNotAllowed is the error of a URL, or a redirect, to a host the
// client may not ask.
var ErrNotAllowed = errors.New("not an allowed host")

// Error is a failed fetch. Permanent errors (404, 410, a refused redirect,
// a body over the cap) will fail again; the others may not.
type Error struct {
	URL       string
	Status    int
	Permanent bool
	// Unresolved says the host's name did not resolve: not retried, and
	// the host not asked again in this run (see Client).
	Unresolved bool
	Err        error
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("%s: HTTP %d", e.URL, e.Status)
	}
	return fmt.Sprintf("%s: %v", e.URL, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrTooBig is returned for bodies over MaxBytes.
var ErrTooBig = errors.New("body over the size cap")

// Client fetches images.
type Client struct {
	cfg  Config
	http *http.Client
	// Requests counts requests sent, retries and redirects included.
	Requests atomic.Int64
	// down are the hosts whose name did not resolve in this run: asked
	// once, they fail at once after (without DNS, every image was tried
	// again with backoff: 35 s a build).
	down sync.Map // host → error
}

// New returns a client with its own transport.
func New(cfg Config) *Client {
	c := &Client{cfg: cfg}
	remapTargets := map[string]bool{}
	for _, base := range cfg.Remap {
		remapTargets[hostPort(base)] = true
	}
	guarded := &net.Dialer{Timeout: cfg.Timeout, Control: refusePrivate}
	open := &net.Dialer{Timeout: cfg.Timeout}
	transport := &http.Transport{
		Proxy: nil, // proxies are set up with Remap, explicitly
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if remapTargets[addr] {
				return open.DialContext(ctx, network, addr)
			}
			return guarded.DialContext(ctx, network, addr)
		},
		DisableCompression:    true,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       30 * time.Second,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
	}
	c.http = &http.Client{Transport: transport, CheckRedirect: c.checkRedirect}
	return c
}

func hostPort(u *url.URL) string {
	if u.Port() != "" {
		return u.Host
	}
	if u.Scheme == "https" {
		return u.Host + ":443"
	}
	return u.Host + ":80"
}

// checkRedirect follows a redirect only to an allowed host, remapping it like
// any request, and drops the Referer Go's client adds: WeChat answers a
// foreign Referer with a "not allowed" picture.
func (c *Client) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > c.cfg.MaxRedirects {
		return fmt.Errorf("more than %d redirects", c.cfg.MaxRedirects)
	}
	req.Header.Del("Referer")
	host := req.URL.Hostname()
	if c.isRemapTarget(req.URL) {
		c.Requests.Add(1)
		return nil // a redirect within the remapped server
	}
	if !c.cfg.Allowed(host) {
		return fmt.Errorf("redirect to %s, which is %w", host, ErrNotAllowed)
	}
	c.remap(req.URL)
	req.Host = req.URL.Host
	c.Requests.Add(1)
	return nil
}

func (c *Client) isRemapTarget(u *url.URL) bool {
	for _, base := range c.cfg.Remap {
		if base.Host == u.Host {
			return true
		}
	}
	return false
}

// remap rewrites u in place when its host is remapped.
func (c *Client) remap(u *url.URL) {
	base, ok := c.cfg.Remap[u.Hostname()]
	if !ok {
		return
	}
	u.Scheme, u.Host = base.Scheme, base.Host
	u.Path = strings.TrimSuffix(base.Path, "/") + u.Path
	if u.RawPath != "" {
		u.RawPath = strings.TrimSuffix(base.EscapedPath(), "/") + u.RawPath
	}
}

// Get fetches rawURL, retrying what a retry can fix.
func (c *Client) Get(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, &Error{URL: rawURL, Permanent: true, Err: err}
	}
	if !c.cfg.Allowed(u.Hostname()) {
		return nil, &Error{URL: rawURL, Permanent: true, Err: fmt.Errorf("%s is %w", u.Hostname(), ErrNotAllowed)}
	}
	c.remap(u)
	if err, ok := c.down.Load(u.Hostname()); ok {
		return nil, &Error{URL: rawURL, Unresolved: true, Err: err.(error)}
	}
	var last *Error
	for attempt := 0; attempt <= c.cfg.Retries; attempt++ {
		if attempt > 0 {
			if err := Sleep(ctx, c.backoff(attempt, last)); err != nil {
				return nil, &Error{URL: rawURL, Err: err}
			}
		}
		body, err := c.once(ctx, u)
		if err == nil {
			return body, nil
		}
		last = err
		last.URL = rawURL
		if last.Unresolved {
			c.down.Store(u.Hostname(), last.Err)
		}
		if last.Permanent || last.Unresolved || ctx.Err() != nil {
			break
		}
	}
	return nil, last
}

// retryAfter is the wait a server asked for, carried from once to backoff.
type retryAfter time.Duration

func (r retryAfter) Error() string { return "retry after " + time.Duration(r).String() }

func (c *Client) once(ctx context.Context, u *url.URL) ([]byte, *Error) {
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, &Error{Permanent: true, Err: err}
	}
	req.Header.Set("Accept", c.cfg.Accept)
	req.Header.Set("Accept-Encoding", "identity")
	req.Header.Set("User-Agent", "Mozilla/5.0 (compatible; mirror-archive image fetcher)")
	c.Requests.Add(1)
	resp, err := c.http.Do(req)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) && !uerr.Timeout() && strings.Contains(uerr.Err.Error(), "redirect") {
			return nil, &Error{Permanent: true, Err: uerr.Err}
		}
		var dns *net.DNSError
		if errors.As(err, &dns) && dns.IsNotFound {
			return nil, &Error{Unresolved: true, Err: fmt.Errorf("%s does not resolve (offline? use --offline)", dns.Name)}
		}
		return nil, &Error{Permanent: isRefused(err), Err: timedOut(err, c.cfg.Timeout)}
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusOK:
	case resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500:
		return nil, &Error{Status: resp.StatusCode, Err: retryAfter(parseRetryAfter(resp.Header.Get("Retry-After")))}
	default:
		return nil, &Error{Status: resp.StatusCode, Permanent: true}
	}
	if resp.ContentLength > c.cfg.MaxBytes {
		return nil, &Error{Permanent: true, Err: fmt.Errorf("%w: %d bytes", ErrTooBig, resp.ContentLength)}
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.cfg.MaxBytes+1))
	if err != nil {
		return nil, &Error{Err: timedOut(err, c.cfg.Timeout)}
	}
	if int64(len(body)) > c.cfg.MaxBytes {
		return nil, &Error{Permanent: true, Err: fmt.Errorf("%w of %d bytes", ErrTooBig, c.cfg.MaxBytes)}
	}
	return body, nil
}

// timedOut words timeouts the same way whichever timer fired.
func timedOut(err error, limit time.Duration) error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("timed out after %s", limit)
	}
	return err
}

// isRefused says whether a dial error is our own refusal of a private
// address, which no retry changes.
func isRefused(err error) bool {
	return strings.Contains(err.Error(), "not a public address")
}

// backoff is the wait before retry number attempt: the server's Retry-After
// when it sent one (capped), else exponential with jitter.
func (c *Client) backoff(attempt int, last *Error) time.Duration {
	var ra retryAfter
	if last != nil && errors.As(last.Err, &ra) && ra > 0 {
		return min(time.Duration(ra), c.cfg.MaxRetryAfter)
	}
	d := c.cfg.Backoff << (attempt - 1)
	return d + time.Duration(rand.Int64N(int64(d)/4+1))
}

func parseRetryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(0, time.Until(t))
	}
	return 0
}

// Sleep waits d, or until ctx is done.
func Sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
