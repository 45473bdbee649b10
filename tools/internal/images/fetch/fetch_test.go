package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// client returns a client whose only allowed host, img.example, is
// remapped to srv.
func client(t *testing.T, srv *httptest.Server, tweak func(*Config)) *Client {
	t.Helper()
	base, _ := url.Parse(srv.URL + "/cdn")
	cfg := NewDefaultConfig()
	cfg.Timeout = 2 * time.Second
	cfg.Backoff = 10 * time.Millisecond
	cfg.Allowed = func(h string) bool { return h == "img.example" || h == "other.example" }
	cfg.Remap = map[string]*url.URL{"img.example": base}
	if tweak != nil {
		tweak(&cfg)
	}
	return New(cfg)
}

func TestGet(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := hits.Add(1)
		switch r.URL.Path {
		case "/cdn/ok":
			if r.URL.RawQuery != "a=1&b=2" || r.Header.Get("Referer") != "" || r.Header.Get("Accept-Encoding") != "identity" {
				http.Error(w, "bad request "+r.URL.RawQuery, 400)
				return
			}
			w.Write([]byte("image bytes"))
		case "/cdn/gone":
			http.NotFound(w, r)
		case "/cdn/flaky":
			if n%3 != 0 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			w.Write([]byte("finally"))
		case "/cdn/retry-after":
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return
			}
			w.Write([]byte("after"))
		case "/cdn/down":
			http.Error(w, "down", http.StatusBadGateway)
		case "/cdn/slow":
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		case "/cdn/big":
			w.Write(make([]byte, 2048))
		case "/cdn/gzip":
			w.Header().Set("Content-Encoding", "gzip")
			w.Write([]byte("\x1f\x8b raw"))
		case "/cdn/redirect-inside":
			http.Redirect(w, r, "/cdn/ok?a=1&b=2", http.StatusFound)
		case "/cdn/redirect-away":
			http.Redirect(w, r, "https://evil.example/x.png", http.StatusFound)
		case "/cdn/redirect-allowed":
			// An allowed host that is not remapped resolves to nothing
			// reachable here: the client must try it (and fail), not refuse.
			http.Redirect(w, r, "http://127.0.0.1:1/x.png", http.StatusFound)
		}
	}))
	defer srv.Close()
	tests := []struct {
		name      string
		path      string
		want      string
		status    int
		permanent bool
		errHas    string
		minTime   time.Duration
		tweak     func(*Config)
	}{
		{name: "ok, query kept, no referer, no compression", path: "/ok?a=1&b=2", want: "image bytes"},
		{name: "404 is permanent", path: "/gone", status: 404, permanent: true},
		{name: "5xx retried until success", path: "/flaky", want: "finally"},
		{name: "Retry-After honoured", path: "/retry-after", want: "after", minTime: time.Second},
		{name: "5xx gives up after retries", path: "/down", status: 502, tweak: func(c *Config) { c.Retries = 1 }},
		{name: "timeout", path: "/slow", errHas: "timed out after 200ms", tweak: func(c *Config) { c.Timeout = 200 * time.Millisecond; c.Retries = 1 }},
		{name: "size cap", path: "/big", permanent: true, errHas: "size cap", tweak: func(c *Config) { c.MaxBytes = 1024 }},
		{name: "no transparent gunzip", path: "/gzip", want: "\x1f\x8b raw"},
		{name: "redirect within the remapped server", path: "/redirect-inside", want: "image bytes"},
		{name: "redirect to a host not allowed", path: "/redirect-away", permanent: true, errHas: "not an allowed host"},
		{name: "redirect to an IP address not allowed", path: "/redirect-allowed", permanent: true, errHas: "not an allowed host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits.Store(0)
			start := time.Now()
			got, err := client(t, srv, tt.tweak).Get(context.Background(), "https://img.example"+tt.path)
			if tt.want != "" {
				if err != nil || string(got) != tt.want {
					t.Fatalf("got %q, %v; want %q", got, err, tt.want)
				}
				if time.Since(start) < tt.minTime {
					t.Errorf("took %v, want at least %v", time.Since(start), tt.minTime)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want *Error", err)
			}
			if fe.Status != tt.status || fe.Permanent != tt.permanent || !strings.Contains(err.Error()+errString(fe.Err), tt.errHas) {
				t.Errorf("err = %v (status %d permanent %v), want status %d permanent %v containing %q", err, fe.Status, fe.Permanent, tt.status, tt.permanent, tt.errHas)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestNoRetryOn404(t *testing.T) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		http.Error(w, "gone", http.StatusGone)
	}))
	defer srv.Close()
	c := client(t, srv, nil)
	if _, err := c.Get(context.Background(), "https://img.example/x"); err == nil {
		t.Fatal("no error")
	}
	if hits.Load() != 1 || c.Requests.Load() != 1 {
		t.Errorf("%d requests, want 1", hits.Load())
	}
}

// A redirect between allowed hosts keeps no Referer: Go's client adds one,
// and WeChat answers a foreign Referer with a placeholder.
func TestRedirectDropsReferer(t *testing.T) {
	var referer atomic.Value
	referer.Store("unset")
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		referer.Store(r.Header.Get("Referer"))
		w.Write([]byte("target"))
	}))
	defer target.Close()
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://other.example/pic.png", http.StatusFound)
	}))
	defer first.Close()
	other, _ := url.Parse(target.URL)
	c := client(t, first, func(c *Config) { c.Remap["other.example"] = other })
	got, err := c.Get(context.Background(), "https://img.example/start")
	if err != nil || string(got) != "target" {
		t.Fatalf("got %q, %v", got, err)
	}
	if r := referer.Load().(string); r != "" {
		t.Errorf("Referer %q sent on redirect", r)
	}
}

// Hosts that resolve to loopback are refused unless remapped on purpose.
func TestPrivateAddressesRefused(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("secret")) }))
	defer srv.Close()
	u, _ := url.Parse(srv.URL)
	cfg := NewDefaultConfig()
	cfg.Retries = 0
	cfg.Allowed = func(string) bool { return true }
	_, err := New(cfg).Get(context.Background(), "http://"+u.Host+"/x")
	var fe *Error
	if !errors.As(err, &fe) || !fe.Permanent || !strings.Contains(err.Error(), "not a public address") {
		t.Fatalf("err = %v, want a permanent refusal", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	if d := parseRetryAfter("3"); d != 3*time.Second {
		t.Errorf("seconds: %v", d)
	}
	if d := parseRetryAfter(time.Now().Add(10 * time.Second).UTC().Format(http.TimeFormat)); d < 8*time.Second || d > 11*time.Second {
		t.Errorf("date: %v", d)
	}
	if d := parseRetryAfter("soon"); d != 0 {
		t.Errorf("junk: %v", d)
	}
}

// The address guard refuses every block of IANA's special-purpose
// registries that is not globally reachable, and those embedding an IPv4
// address, and lets public addresses through.
func TestAddressGuard(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true}, {"183.3.226.35", true}, {"2408:8756:c52:1a18::1", true}, {"100.63.255.255", true}, {"100.128.0.0", true},
		{"127.0.0.1", false}, {"10.1.2.3", false}, {"172.16.5.4", false}, {"192.168.1.1", false},
		{"169.254.169.254", false}, {"100.100.100.200", false}, {"100.64.0.1", false}, {"0.0.0.0", false},
		{"192.0.0.170", false}, {"198.18.0.1", false}, {"224.0.0.1", false}, {"255.255.255.255", false}, {"240.0.0.1", false},
		{"::1", false}, {"::", false}, {"::ffff:127.0.0.1", false}, {"::ffff:8.8.8.8", false},
		{"64:ff9b::a9fe:a9fe", false}, {"64:ff9b:1::1", false}, {"2002:a9fe:a9fe::1", false}, {"2001:0::1", false},
		{"2001:db8::1", false}, {"fc00::1", false}, {"fd12::1", false}, {"fe80::1%eth0", false}, {"ff02::1", false}, {"100::1", false},
	}
	for _, tt := range tests {
		err := refusePrivate("tcp", net.JoinHostPort(tt.addr, "443"), nil)
		if (err == nil) != tt.public {
			t.Errorf("%s: refused = %v, want public = %v", tt.addr, err, tt.public)
		}
	}
}
