package images

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/images/fetch"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// --- pictures ---

func picture(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.NRGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	return m
}

func pngOf(w, h int) []byte {
	var b bytes.Buffer
	png.Encode(&b, picture(w, h))
	return b.Bytes()
}

func jpegOf(w, h int) []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, picture(w, h), nil)
	return b.Bytes()
}

func gifOf(w, h, frames int) []byte {
	g := &gif.GIF{}
	for f := range frames {
		m := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
		m.SetColorIndex(f%w, 0, 1)
		g.Image, g.Delay = append(g.Image, m), append(g.Delay, 10)
	}
	var b bytes.Buffer
	gif.EncodeAll(&b, g)
	return b.Bytes()
}

func bomb(w, h uint32) []byte {
	data := pngOf(1, 1)
	ihdr := data[8:]
	binary.BigEndian.PutUint32(ihdr[8:], w)
	binary.BigEndian.PutUint32(ihdr[12:], h)
	binary.BigEndian.PutUint32(ihdr[21:], crc32.ChecksumIEEE(ihdr[4:21]))
	return data
}

// --- a stand-in for mmbiz.qpic.cn ---

// cdn serves handlers by path and counts requests per path.
type cdn struct {
	*httptest.Server
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	hits   map[string]int
	total  atomic.Int64
}

func newCDN(t *testing.T) *cdn {
	c := &cdn{routes: map[string]http.HandlerFunc{}, hits: map[string]int{}}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.total.Add(1)
		c.mu.Lock()
		c.hits[r.URL.Path]++
		h := c.routes[r.URL.Path]
		c.mu.Unlock()
		if r.Header.Get("Referer") != "" {
			w.Write(placeholderPicture) // what WeChat does
			return
		}
		if h == nil {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(c.Close)
	return c
}

var placeholderPicture = pngOf(40, 20)

func (c *cdn) bytes(p string, data []byte) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.routes[p] = func(w http.ResponseWriter, r *http.Request) { w.Write(data) }
	return "https://mmbiz.qpic.cn" + p + "?wx_fmt=png&amp;from=appmsg"
}

func (c *cdn) handle(p string, h http.HandlerFunc) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.routes[p] = h
	return "https://mmbiz.qpic.cn" + p
}

func (c *cdn) hitsOf(p string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits[p]
}

func testConfig() Config {
	cfg := NewDefaultConfig()
	cfg.Timeout = 500 * time.Millisecond
	cfg.Retries = 2
	cfg.MaxBytes = 4 << 20
	return cfg
}

func localizer(t *testing.T, c *cdn, cfg Config, st *store.Store) *Localizer {
	base, _ := url.Parse(c.URL)
	l := NewLocalizer(cfg, st, map[string]*url.URL{"mmbiz.qpic.cn": base})
	fc := cfg.fetchConfig()
	fc.Remap = map[string]*url.URL{"mmbiz.qpic.cn": base}
	fc.Backoff = 5 * time.Millisecond // keep retries quick
	l.client = fetch.New(fc)
	return l
}

func memStore(t *testing.T) *store.Store {
	st, err := store.Open(afero.NewMemMapFs(), "/media")
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// page is an article body showing the given image URLs, the way WeChat
// marks them up.
func page(urls ...string) []byte {
	var b strings.Builder
	for _, u := range urls {
		fmt.Fprintf(&b, `<p><img data-src="%s" src="data:image/svg+xml,placeholder" data-w="1080"></p>`, u)
	}
	return []byte(b.String())
}

func stored(t *testing.T, st *store.Store, raw string) (store.Entry, []byte) {
	t.Helper()
	key, _, _ := Key(raw)
	e, ok := st.Manifest().Get(key)
	if !ok {
		t.Fatalf("no manifest entry for %s", raw)
	}
	if e.Status != store.OK {
		return e, nil
	}
	data, err := afero.ReadFile(st.Fs(), st.Path(e.File))
	if err != nil {
		t.Fatal(err)
	}
	return e, data
}

func TestLocalizeFormats(t *testing.T) {
	c := newCDN(t)
	pngData, jpgData, gifData := pngOf(300, 200), jpegOf(640, 480), gifOf(120, 40, 4)
	wide := jpegOf(2400, 600)
	urls := []string{c.bytes("/a.png", pngData), c.bytes("/b.jpg", jpgData), c.bytes("/c.gif", gifData), c.bytes("/wide.jpg", wide)}
	st := memStore(t)
	stats, err := localizer(t, c, testConfig(), st).Localize(context.Background(), scanAll(page(urls...)))
	if err != nil || stats.Stored != 4 || stats.Failed != 0 || stats.Resized != 1 {
		t.Fatalf("stats %+v, %v", stats, err)
	}
	for i, want := range [][]byte{pngData, jpgData, gifData} {
		e, data := stored(t, st, urls[i])
		if sha256.Sum256(data) != sha256.Sum256(want) {
			t.Errorf("%s: stored bytes differ from the served ones (pass-through must not re-encode)", urls[i])
		}
		if e.Bytes != int64(len(want)) || !strings.HasSuffix(e.File, "."+map[int]string{0: "png", 1: "jpg", 2: "gif"}[i]) {
			t.Errorf("entry %+v", e)
		}
	}
	if g, err := gif.DecodeAll(bytes.NewReader(mustData(stored(t, st, urls[2])))); err != nil || len(g.Image) != 4 {
		t.Errorf("animated gif lost its frames: %v", err)
	}
	e, data := stored(t, st, urls[3])
	m, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil || e.Width != 1080 || e.Height != 270 || m.Bounds().Dx() != 1080 || m.Bounds().Dy() != 270 {
		t.Errorf("resized entry %+v, decoded %v %v", e, m.Bounds(), err)
	}
}

func mustData(_ store.Entry, data []byte) []byte { return data }

func TestLocalizeFailures(t *testing.T) {
	c := newCDN(t)
	var flaky atomic.Int64
	jpg := jpegOf(200, 100)
	cases := []struct {
		name      string
		url       string
		ok        bool
		errHas    string
		permanent bool
		requests  int
		cfg       func(*Config)
	}{
		{name: "404 not retried", url: "https://mmbiz.qpic.cn/404", errHas: "HTTP 404", permanent: true, requests: 1},
		{name: "5xx then success", url: c.handle("/flaky", func(w http.ResponseWriter, r *http.Request) {
			if flaky.Add(1) < 3 {
				http.Error(w, "busy", 503)
				return
			}
			w.Write(jpg)
		}), ok: true, requests: 3},
		{name: "slow server times out", url: c.handle("/slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(2 * time.Second):
			case <-r.Context().Done():
			}
		}), errHas: "timed out after 500ms", requests: 3},
		{name: "body over the size cap", url: c.bytes("/huge", jpegOf(1500, 1500)), errHas: "size cap", permanent: true, requests: 1,
			cfg: func(c *Config) { c.MaxBytes = 10 << 10 }},
		{name: "an HTML page", url: c.handle("/html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "image/png")
			w.Write([]byte("<!DOCTYPE html><html><body>not here</body></html>"))
		}), errHas: "not a JPEG, PNG, GIF or WebP", permanent: true, requests: 1},
		{name: "a truncated JPEG", url: c.bytes("/cut", jpg[:len(jpg)/2]), errHas: "truncated", permanent: true, requests: 1},
		{name: "a decompression bomb", url: c.bytes("/bomb", bomb(16000, 16000)), errHas: "too many pixels", permanent: true, requests: 1},
		{name: "redirect off the allowlist", url: c.handle("/away", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "https://evil.example/x.png", http.StatusFound)
		}), errHas: "not an allowed host", permanent: true, requests: 1},
		{name: "placeholder by digest", url: c.bytes("/blocked", placeholderPicture), errHas: "placeholder", requests: 1,
			cfg: func(c *Config) { c.Placeholders = []string{fmt.Sprintf("%x", sha256.Sum256(placeholderPicture))} }},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			if tt.cfg != nil {
				tt.cfg(&cfg)
			}
			st := memStore(t)
			p := strings.SplitN(strings.TrimPrefix(tt.url, "https://mmbiz.qpic.cn"), "?", 2)[0]
			before := c.hitsOf(p)
			stats, err := localizer(t, c, cfg, st).Localize(context.Background(), scanAll(page(tt.url)))
			if err != nil {
				t.Fatal(err)
			}
			e, _ := stored(t, st, tt.url)
			if tt.ok {
				if e.Status != store.OK || stats.Stored != 1 {
					t.Fatalf("entry %+v", e)
				}
			} else if e.Status != store.Failed || !strings.Contains(e.Error, tt.errHas) || e.Permanent != tt.permanent || stats.Failed != 1 {
				t.Fatalf("entry %+v, want a failure containing %q, permanent %v", e, tt.errHas, tt.permanent)
			}
			if got := c.hitsOf(p) - before; got != tt.requests {
				t.Errorf("%d requests, want %d", got, tt.requests)
			}
		})
	}
}

// Without a configured digest: the same small picture coming back for
// several different images is taken for the host's placeholder, and none of
// them stays in the manifest as stored.
func TestPlaceholderByRepetition(t *testing.T) {
	c := newCDN(t)
	var urls []string
	for i := range placeholderRepeats + 2 {
		urls = append(urls, c.bytes(fmt.Sprintf("/img%d", i), placeholderPicture))
	}
	real := c.bytes("/real", pngOf(30, 30))
	st := memStore(t)
	cfg := testConfig()
	cfg.Jobs = 1 // in order, so the first ones are stored before the repetition shows
	stats, err := localizer(t, c, cfg, st).Localize(context.Background(), scanAll(page(append(urls, real)...)))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range urls {
		if e, _ := stored(t, st, u); e.Status != store.Failed || !strings.Contains(e.Error, "placeholder") {
			t.Errorf("%s: %+v", u, e)
		}
	}
	if e, _ := stored(t, st, real); e.Status != store.OK {
		t.Errorf("the real image: %+v", e)
	}
	if stats.Stored+stats.Failed != len(urls)+1 {
		t.Errorf("stats %+v", stats)
	}
}

// One image used by many articles, with different URL noise, is one
// request and one file.
func TestDedupe(t *testing.T) {
	c := newCDN(t)
	raw := c.bytes("/shared", pngOf(50, 50))
	var refs []Ref
	for i := range 50 {
		body := page(raw+fmt.Sprintf("&amp;wx_lazy=1&amp;tp=webp#imgIndex=%d", i), strings.Replace(raw, "https:", "http:", 1))
		refs = append(refs, scanAll(body)...)
	}
	refs = dedupe(refs)
	if len(refs) != 1 {
		t.Fatalf("%d distinct refs, want 1", len(refs))
	}
	st := memStore(t)
	if _, err := localizer(t, c, testConfig(), st).Localize(context.Background(), refs); err != nil {
		t.Fatal(err)
	}
	if c.hitsOf("/shared") != 1 || st.Manifest().Len() != 1 {
		t.Errorf("%d requests, %d entries", c.hitsOf("/shared"), st.Manifest().Len())
	}
}

func dedupe(refs []Ref) []Ref {
	seen := map[string]bool{}
	var out []Ref
	for _, r := range refs {
		if !seen[r.Key] {
			seen[r.Key] = true
			out = append(out, r)
		}
	}
	return out
}

// A rerun sends no request for stored images nor for permanent failures;
// --retry-failed asks again.
func TestRerunSendsNoRequests(t *testing.T) {
	c := newCDN(t)
	var urls []string
	for i := range 10 {
		urls = append(urls, c.bytes(fmt.Sprintf("/r%d", i), pngOf(20+i, 20)))
	}
	urls = append(urls, "https://mmbiz.qpic.cn/missing")
	st := memStore(t)
	refs := scanAll(page(urls...))
	if _, err := localizer(t, c, testConfig(), st).Localize(context.Background(), refs); err != nil {
		t.Fatal(err)
	}
	first := c.total.Load()
	reopened, err := store.Open(st.Fs(), st.Dir())
	if err != nil {
		t.Fatal(err)
	}
	stats, err := localizer(t, c, testConfig(), reopened).Localize(context.Background(), refs)
	if err != nil || c.total.Load() != first || stats.Cached != 10 || stats.Requests != 0 {
		t.Fatalf("rerun sent %d requests (stats %+v, %v)", c.total.Load()-first, stats, err)
	}
	l := localizer(t, c, testConfig(), reopened)
	l.RetryFailed = true
	if _, err := l.Localize(context.Background(), refs); err != nil || c.total.Load() != first+1 {
		t.Errorf("--retry-failed sent %d requests, want 1", c.total.Load()-first)
	}
}

// A run stopped mid-way leaves a store whose manifest only names files that
// are there and whole, and the next run completes it, fetching only what
// is missing.
func TestStoppedRunResumes(t *testing.T) {
	c := newCDN(t)
	var urls []string
	for i := range 40 {
		data := pngOf(30+i, 30)
		urls = append(urls, c.handle(fmt.Sprintf("/k%d", i), func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(20 * time.Millisecond)
			w.Write(data)
		}))
	}
	dir := t.TempDir()
	st, err := store.Open(afero.NewOsFs(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := localizer(t, c, testConfig(), st)
	l.Progress = func(s Stats) {
		if s.Done >= 10 {
			cancel()
		}
	}
	refs := scanAll(page(urls...))
	l.Localize(ctx, refs)
	checkStore(t, dir)
	reopened, _ := store.Open(afero.NewOsFs(), dir)
	done := 0
	for _, e := range reopened.Manifest().Entries() {
		if e.Status == store.OK {
			done++
		}
	}
	if done == 0 || done == 40 {
		t.Fatalf("%d of 40 done before the stop; the test needs a run stopped mid-way", done)
	}
	before := c.total.Load()
	stats, err := localizer(t, c, testConfig(), reopened).Localize(context.Background(), refs)
	if err != nil || stats.Stored+stats.Cached != 40 {
		t.Fatalf("rerun: %+v, %v", stats, err)
	}
	if got := c.total.Load() - before; got != int64(40-stats.Cached) || stats.Cached < done {
		t.Errorf("rerun sent %d requests for %d missing images", got, 40-stats.Cached)
	}
	checkStore(t, dir)
}

// checkStore verifies every ok entry's file exists and is named by the hash
// of its bytes.
func checkStore(t *testing.T, dir string) {
	t.Helper()
	st, err := store.Open(afero.NewOsFs(), dir)
	if err != nil {
		t.Fatalf("store unreadable: %v", err)
	}
	for _, e := range st.Manifest().Entries() {
		if e.Status != store.OK {
			continue
		}
		data, err := os.ReadFile(path.Join(dir, e.File))
		if err != nil {
			t.Errorf("%s: %v", e.Key, err)
			continue
		}
		if store.Name(data, path.Ext(e.File)) != e.File || int64(len(data)) != e.Bytes {
			t.Errorf("%s: file %s does not hold the recorded bytes", e.Key, e.File)
		}
	}
}

// TestBombMemory localizes a decompression bomb in a fresh process and
// checks that process never grew past 300 MB.
func TestBombMemory(t *testing.T) {
	if os.Getenv("MIRROR_BOMB_CHILD") == "1" {
		c := newCDN(t)
		raw := c.bytes("/bomb", bomb(16000, 16000))
		st := memStore(t)
		stats, _ := localizer(t, c, testConfig(), st).Localize(context.Background(), scanAll(page(raw)))
		status, _ := os.ReadFile("/proc/self/status")
		peak := regexp.MustCompile(`VmHWM:\s+(\d+) kB`).FindSubmatch(status)
		fmt.Printf("failed=%d peak_kb=%s\n", stats.Failed, peak[1])
		return
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBombMemory$")
	cmd.Env = append(os.Environ(), "MIRROR_BOMB_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`failed=(\d+) peak_kb=(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child said: %s", out)
	}
	peak, _ := strconv.Atoi(string(m[2]))
	if string(m[1]) != "1" || peak > 300*1024 {
		t.Errorf("bomb: failed=%s, peak %d MB (limit 300 MB)", m[1], peak/1024)
	}
	t.Logf("peak RSS while refusing a 16000x16000 PNG: %d MB", peak/1024)
}

// slowImages registers n images that take delay each to serve; the same i
// always gets the same picture, in any process.
func slowImages(c *cdn, n int, delay time.Duration) []string {
	var urls []string
	for i := range n {
		data := pngOf(30+i, 30)
		urls = append(urls, c.handle(fmt.Sprintf("/k%d", i), func(w http.ResponseWriter, r *http.Request) {
			time.Sleep(delay)
			w.Write(data)
		}))
	}
	return urls
}

// A run killed with SIGKILL mid-way (no deferred cleanup, no final save)
// leaves a store the next run reads and completes.
func TestKilledRunLeavesAConsistentStore(t *testing.T) {
	if dir := os.Getenv("MIRROR_KILL_CHILD"); dir != "" {
		c := newCDN(t)
		urls := slowImages(c, 80, 100*time.Millisecond)
		st, err := store.Open(afero.NewOsFs(), dir)
		if err != nil {
			t.Fatal(err)
		}
		st.Lock(context.Background(), nil)
		localizer(t, c, testConfig(), st).Localize(context.Background(), scanAll(page(urls...)))
		t.Fatal("the child was meant to be killed before finishing")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKilledRunLeavesAConsistentStore$")
	cmd.Env = append(os.Environ(), "MIRROR_KILL_CHILD="+dir)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for files(dir) < 12 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Kill()
	cmd.Wait()
	killedAt := files(dir)
	if killedAt < 12 || killedAt >= 80 {
		t.Fatalf("killed with %d files stored; the test needs a run killed mid-way", killedAt)
	}
	checkStore(t, dir)

	c := newCDN(t)
	urls := slowImages(c, 80, 0)
	st, err := store.Open(afero.NewOsFs(), dir)
	if err != nil {
		t.Fatalf("the killed run left an unreadable store: %v", err)
	}
	if err := st.Lock(context.Background(), nil); err != nil {
		t.Fatalf("the killed run left the store locked: %v", err)
	}
	st.Clean()
	stats, err := localizer(t, c, testConfig(), st).Localize(context.Background(), scanAll(page(urls...)))
	st.Unlock()
	if err != nil || stats.Stored+stats.Cached != 80 || stats.Failed != 0 {
		t.Fatalf("rerun: %+v, %v", stats, err)
	}
	checkStore(t, dir)
	if files(dir) != 80 {
		t.Errorf("%d files after the rerun, want 80", files(dir))
	}
}

// files counts the stored image files under dir.
func files(dir string) int {
	n := 0
	afero.Walk(afero.NewOsFs(), dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() && strings.HasSuffix(p, ".png") && !strings.Contains(p, ".tmp-") {
			n++
		}
		return nil
	})
	return n
}

// Wide images get their narrower copies; a store made without them gets
// them on the next run from the stored files, with no request.
func TestVariants(t *testing.T) {
	c := newCDN(t)
	wide, narrow := c.bytes("/wide", pngOf(1000, 500)), c.bytes("/narrow", pngOf(300, 200))
	st := memStore(t)
	cfg := testConfig()
	cfg.Widths = nil
	if _, err := localizer(t, c, cfg, st).Localize(context.Background(), scanAll(page(wide, narrow))); err != nil {
		t.Fatal(err)
	}
	if e, _ := stored(t, st, wide); len(e.Variants) != 0 {
		t.Fatalf("variants made with no widths: %v", e.Variants)
	}
	before := c.total.Load()
	cfg.Widths = []int{540, 720}
	if _, err := localizer(t, c, cfg, st).Localize(context.Background(), scanAll(page(wide, narrow))); err != nil {
		t.Fatal(err)
	}
	if c.total.Load() != before {
		t.Errorf("completing variants sent %d requests", c.total.Load()-before)
	}
	e, _ := stored(t, st, wide)
	for _, w := range []int{540, 720} {
		file, _ := e.Variants.File(w)
		data, err := afero.ReadFile(st.Fs(), st.Path(file))
		if err != nil {
			t.Fatalf("variant %d: %v", w, err)
		}
		m, err := png.Decode(bytes.NewReader(data))
		if err != nil || m.Bounds().Dx() != w || m.Bounds().Dy() != w/2 {
			t.Errorf("variant %d is %v (%v)", w, m.Bounds(), err)
		}
	}
	if e, _ := stored(t, st, narrow); len(e.Variants) != 0 {
		t.Errorf("a 300 px image got variants: %v", e.Variants)
	}
}

// Without DNS, a host is asked once a run: its images fail at once after,
// not each retried with backoff, and the summary says offline? use
// --offline. Not permanent: the next run asks again.
func TestUnresolvedHostAskedOnce(t *testing.T) {
	cfg := testConfig()
	st := memStore(t)
	l := NewLocalizer(cfg, st, map[string]*url.URL{"mmbiz.qpic.cn": {Scheme: "http", Host: "mmbiz.does-not-resolve.invalid"}})
	var refs []Ref
	for i := range 10 {
		u := fmt.Sprintf("https://mmbiz.qpic.cn/mmbiz_jpg/offline%d/640", i)
		key, _, _ := Key(u)
		refs = append(refs, Ref{Key: key, URL: u})
	}
	stats, err := l.Localize(t.Context(), refs)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Requests > int64(cfg.Jobs) || stats.Unresolved != 10 || stats.Failed != 10 {
		t.Errorf("%+v", stats)
	}
	if !strings.Contains(stats.String(), "offline? use --offline") {
		t.Errorf("the summary: %s", stats)
	}
	if e, _ := st.Manifest().Get(refs[0].Key); e.Permanent {
		t.Error("recorded as a permanent failure")
	}
}

// An image fetched through --remap-host (mirror origin's stand-ins) is
// recorded as such, and a run without the remap fetches the real one:
// the stand-in never passes for the host's image. A remap said to be
// faithful (a proxy) records what it serves as the host's.
func TestRemappedImagesAreNotTheHosts(t *testing.T) {
	standIn, real := newCDN(t), newCDN(t)
	u := standIn.bytes("/mmbiz_jpg/a/640", jpegOf(80, 60))
	real.bytes("/mmbiz_jpg/a/640", jpegOf(90, 70))
	key, _, _ := Key(u)
	st := memStore(t)
	refs := []Ref{{Key: key, URL: u}}
	if _, err := localizer(t, standIn, testConfig(), st).Localize(t.Context(), refs); err != nil {
		t.Fatal(err)
	}
	if e, _ := st.Manifest().Get(key); !e.Remapped || e.Width != 80 {
		t.Fatalf("through the remap: %+v", e)
	}
	// The "real host" run (its own remap, said to be faithful: a proxy).
	l := localizer(t, real, testConfig(), st)
	l.Faithful = true
	if _, err := l.Localize(t.Context(), refs); err != nil {
		t.Fatal(err)
	}
	if e, _ := st.Manifest().Get(key); e.Remapped || e.Width != 90 || real.hitsOf("/mmbiz_jpg/a/640") != 1 {
		t.Errorf("the real image: %+v, %d requests", e, real.hitsOf("/mmbiz_jpg/a/640"))
	}
	// Now the host's own image: a remapped run reuses it.
	if _, err := localizer(t, standIn, testConfig(), st).Localize(t.Context(), refs); err != nil {
		t.Fatal(err)
	}
	if standIn.hitsOf("/mmbiz_jpg/a/640") != 1 {
		t.Errorf("the host's image fetched again through a remap")
	}
}
