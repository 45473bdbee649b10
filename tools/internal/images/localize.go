package images

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/spf13/afero"

	"github.com/archivemirror/mirror/tools/internal/images/fetch"
	"github.com/archivemirror/mirror/tools/internal/images/resize"
	"github.com/archivemirror/mirror/tools/internal/pipeline"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// Localizer fills the store with the images articles show.
type Localizer struct {
	cfg    Config
	store  *store.Store
	client *fetch.Client
	// Offline uses the store only: nothing is fetched.
	Offline bool
	// RetryFailed fetches again images that failed for good before.
	RetryFailed bool
	// Progress, when set, is called after each image with the totals.
	Progress func(Stats)
	// Now is the clock manifest entries are stamped with.
	Now func() time.Time
	// Repaired lists the store files found missing or damaged (and
	// removed): a site that published them holds bad copies.
	Repaired []string
	// Faithful says the remapped hosts serve the hosts' own images (a
	// proxy, a copy of the CDN): what they serve is the host's, not
	// recorded as fetched through them (see store.Entry.Via).
	Faithful bool
	remap    map[string]*url.URL
	// Held, when set, says whether a store file is kept elsewhere (the
	// media bucket): one missing from the disk is then not fetched again.
	Held func(name string) bool

	placeholders *placeholderDetector
	mu           sync.Mutex
	stats        Stats
}

// Stats count what a run did with the images.
type Stats struct {
	Images int `json:"images"` // distinct images seen
	Done   int `json:"done"`   // of those, handled so far
	Stored int `json:"stored"` // fetched and stored by this run
	Cached int `json:"cached"` // already in the store
	Failed int `json:"failed"` // could not be localized
	// FailedBefore are those of Failed that failed for good in an earlier
	// run and were not tried again (see RetryFailed).
	FailedBefore int `json:"failed_before"`
	NotAllowed   int `json:"not_allowed"` // on a host not on the allowlist
	Offline      int `json:"offline"`     // missing, and --offline
	// Unresolved are those of Failed whose host's name did not resolve
	// (no network?): asked once a run, not retried.
	Unresolved int   `json:"unresolved,omitempty"`
	Resized    int   `json:"resized"`  // stored after scaling down
	Bytes      int64 `json:"bytes"`    // bytes downloaded
	Requests   int64 `json:"requests"` // HTTP requests sent
}

// NewLocalizer returns a localizer for a store. remap sends requests for a
// host to another base URL (--remap-host).
func NewLocalizer(cfg Config, st *store.Store, remap map[string]*url.URL) *Localizer {
	fc := cfg.fetchConfig()
	fc.Remap = remap
	return &Localizer{
		remap:        remap,
		cfg:          cfg,
		store:        st,
		client:       fetch.New(fc),
		Now:          time.Now,
		placeholders: newPlaceholderDetector(cfg.Placeholders),
	}
}

// Localize makes sure every image is in the store, or that the manifest
// says why it is not. It saves the manifest every few seconds, so a run
// killed mid-way keeps what it fetched.
func (l *Localizer) Localize(ctx context.Context, refs []Ref) (Stats, error) {
	l.stats = Stats{Images: len(refs)}
	stopSaving := l.saveEvery(2 * time.Second)
	pipeline.Each(ctx, len(refs), max(l.cfg.Jobs, 1), func(i int) {
		outcome := l.one(ctx, refs[i])
		l.count(outcome)
	})
	stopSaving()
	l.stats.Requests = l.client.Requests.Load()
	if err := l.store.Save(); err != nil {
		return l.stats, err
	}
	return l.stats, ctx.Err()
}

type outcome struct {
	kind    string // stored, cached, failed, failed-before, not-allowed, offline
	bytes   int64
	resized bool
}

func (l *Localizer) count(o outcome) {
	l.mu.Lock()
	s := &l.stats
	s.Done++
	s.Bytes += o.bytes
	switch o.kind {
	case "stored":
		s.Stored++
	case "cached":
		s.Cached++
	case "not-allowed":
		s.NotAllowed++
	case "offline":
		s.Offline++
	case "failed-before":
		s.Failed++
		s.FailedBefore++
	case "unresolved":
		s.Failed++
		s.Unresolved++
	default:
		s.Failed++
	}
	if o.resized {
		s.Resized++
	}
	s.Requests = l.client.Requests.Load()
	snapshot := *s
	l.mu.Unlock()
	if l.Progress != nil {
		l.Progress(snapshot)
	}
}

func (l *Localizer) saveEvery(d time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				l.store.Save() // best effort: the final save reports errors
			}
		}
	})
	return func() { close(done); wg.Wait() }
}

// one localizes one image.
func (l *Localizer) one(ctx context.Context, ref Ref) outcome {
	if !l.cfg.allowed(hostOfKey(ref.Key)) {
		return outcome{kind: "not-allowed"}
	}
	m := l.store.Manifest()
	prev, known := m.Get(ref.Key)
	if known && prev.Status == store.OK && prev.Remapped && !l.remapped(ref) {
		known, prev = false, store.Entry{} // a stand-in: the real image is wanted
	}
	if known && prev.Status == store.OK {
		if l.present(prev.File) {
			if err := l.completeVariants(l.intactVariants(prev)); err != nil {
				l.fail(ref, prev, err, true)
				return outcome{kind: "failed"}
			}
			return outcome{kind: "cached"}
		}
		l.repaired(prev)
		if l.Offline {
			l.fail(ref, prev, errDamaged, false)
			return outcome{kind: "offline"}
		}
	}
	if known && prev.Status == store.Failed && prev.Permanent && !l.RetryFailed {
		return outcome{kind: "failed-before"}
	}
	if l.Offline {
		return outcome{kind: "offline"}
	}
	data, err := l.client.Get(ctx, ref.URL)
	if err != nil {
		var fe *fetch.Error
		permanent := errors.As(err, &fe) && fe.Permanent
		l.fail(ref, prev, err, permanent)
		if fe != nil && fe.Unresolved {
			return outcome{kind: "unresolved"}
		}
		return outcome{kind: "failed"}
	}
	o, err := l.keep(ref, data)
	if err != nil {
		l.fail(ref, prev, err, !errors.Is(err, errPlaceholder))
		return outcome{kind: "failed", bytes: int64(len(data))}
	}
	o.bytes = int64(len(data))
	return o
}

// errDamaged is the failure of an image whose stored file went missing or
// no longer holds the bytes its name says, found offline: not permanent,
// the next run with the network fetches it again.
var errDamaged = errors.New("the stored file is missing or damaged")

// intactVariants is a stored image without the narrower copies that went
// missing or were damaged (completeVariants makes them again).
func (l *Localizer) intactVariants(e store.Entry) store.Entry {
	kept := e.Variants[:0:0]
	for _, v := range e.Variants {
		if l.present(v.File) {
			kept = append(kept, v)
		} else {
			l.repairedFile(v.File)
		}
	}
	if len(kept) != len(e.Variants) {
		e.Variants = kept
		l.store.Manifest().Set(e)
	}
	return e
}

// remapped says whether this run fetches an image through a remap not
// said to be faithful.
func (l *Localizer) remapped(ref Ref) bool {
	_, ok := l.remap[hostOfKey(ref.Key)]
	return ok && !l.Faithful
}

// present says whether a store file is intact on the disk, or held in
// the bucket.
func (l *Localizer) present(name string) bool {
	return l.store.Intact(name) || (l.Held != nil && l.Held(name))
}

// repaired notes the files of an image found missing or damaged.
func (l *Localizer) repaired(e store.Entry) {
	l.repairedFile(e.File)
	for _, v := range e.Variants {
		l.repairedFile(v.File)
	}
}

func (l *Localizer) repairedFile(name string) {
	l.mu.Lock()
	l.Repaired = append(l.Repaired, name)
	l.mu.Unlock()
}

// errPlaceholder marks a "not available" picture served in place of the
// image; it is not permanent, the next run tries again.
var errPlaceholder = errors.New("the host served a placeholder picture instead of the image")

// keep checks fetched bytes, resizes them if needed and stores them.
func (l *Localizer) keep(ref Ref, data []byte) (outcome, error) {
	if stale := l.placeholders.check(ref, data); stale != nil {
		for _, key := range stale {
			// Earlier images with these same bytes were the placeholder too.
			if e, ok := l.store.Manifest().Get(key); ok {
				l.fail(Ref{Key: key, URL: e.URL}, e, errPlaceholder, false)
			}
		}
		return outcome{}, errPlaceholder
	}
	info, err := resize.Inspect(data, l.cfg.MaxPixels)
	if err != nil {
		return outcome{}, err
	}
	shaped, err := resize.Shape(data, info, l.cfg.resizeOptions(), l.cfg.Widths)
	if err != nil {
		return outcome{}, err
	}
	out, outInfo := shaped.Data, shaped.Info
	name, err := l.store.Put(out, outInfo.Format.Ext())
	if err != nil {
		return outcome{}, err
	}
	e := store.Entry{
		Key: ref.Key, URL: ref.URL, Status: store.OK, Remapped: l.remapped(ref),
		File: name, Width: outInfo.Width, Height: outInfo.Height, Format: string(outInfo.Format),
		Bytes: int64(len(out)), Fetched: l.Now().UTC(),
	}
	if e.Variants, err = l.putVariants(shaped.Variants, nil); err != nil {
		return outcome{}, err
	}
	l.store.Manifest().Set(e)
	return outcome{kind: "stored", resized: !l.cfg.resizeOptions().Passes(info)}, nil
}

// completeVariants makes the narrower copies a stored image lacks (the
// widths setting changed, or the store predates it), from the stored file:
// no request is sent.
func (l *Localizer) completeVariants(e store.Entry) error {
	missing := false
	for _, w := range l.cfg.Widths {
		if _, ok := e.Variants.File(w); !ok && w < e.Width && e.Format != string(resize.GIF) {
			missing = true
		}
	}
	if !missing || !l.store.Intact(e.File) {
		return nil // or held in the bucket only: made when it is pulled
	}
	data, err := afero.ReadFile(l.store.Fs(), l.store.Path(e.File))
	if err != nil {
		return err
	}
	info := resize.Info{Format: resize.Format(e.Format), Width: e.Width, Height: e.Height, Frames: 1, Orientation: 1}
	if e.Variants, err = l.variants(data, info, e.Variants); err != nil {
		return err
	}
	l.store.Manifest().Set(e)
	return nil
}

// variants makes and stores the narrower copies a stored image lacks.
func (l *Localizer) variants(data []byte, info resize.Info, have store.Variants) (store.Variants, error) {
	var widths []int
	for _, w := range l.cfg.Widths {
		if _, ok := have.File(w); !ok {
			widths = append(widths, w)
		}
	}
	vs, err := resize.Variants(data, info, widths, l.cfg.JPEGQuality)
	if err != nil {
		return have, err
	}
	return l.putVariants(vs, have)
}

// putVariants stores copies and returns the image's copies by width.
func (l *Localizer) putVariants(vs []resize.Variant, have store.Variants) (store.Variants, error) {
	out := have
	for _, v := range vs {
		name, err := l.store.Put(v.Data, v.Format.Ext())
		if err != nil {
			return have, err
		}
		out = out.With(v.Width, name)
	}
	return out, nil
}

func (l *Localizer) fail(ref Ref, prev store.Entry, err error, permanent bool) {
	l.store.Manifest().Set(store.Entry{
		Key: ref.Key, URL: ref.URL, Status: store.Failed,
		Error: reason(err), Permanent: permanent, Attempts: prev.Attempts + 1, Fetched: l.Now().UTC(),
	})
}

// reason is why a fetch failed, without the URL (the manifest entry and
// every message about it name the URL already).
func reason(err error) string {
	var fe *fetch.Error
	switch {
	case errors.As(err, &fe) && fe.Status != 0:
		return fmt.Sprintf("HTTP %d", fe.Status)
	case errors.As(err, &fe) && fe.Err != nil:
		return fe.Err.Error()
	}
	return err.Error()
}

// placeholderDetector recognizes the pictures image hosts serve instead of
// the real image: by the digests a site configures, and by the sign they
// leave in an archive: the same small picture served for several different
// images of a WeChat host.
type placeholderDetector struct {
	mu    sync.Mutex
	known map[string]bool
	seen  map[string][]string // digest → keys served those bytes
}

// placeholderRepeats is how many different images must come back as the
// same small picture before it is taken for a placeholder; placeholderBytes
// is the size above which no placeholder is suspected.
const (
	placeholderRepeats = 4
	placeholderBytes   = 48 << 10
)

func newPlaceholderDetector(digests []string) *placeholderDetector {
	d := &placeholderDetector{known: map[string]bool{}, seen: map[string][]string{}}
	for _, h := range digests {
		d.known[strings.ToLower(h)] = true
	}
	return d
}

// check says whether data is a placeholder; stale lists earlier keys that
// received the same bytes and so were placeholders as well. It returns nil
// when data looks like a real image.
func (d *placeholderDetector) check(ref Ref, data []byte) (stale []string) {
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.known[digest] {
		return []string{}
	}
	if len(data) > placeholderBytes || !isWeChatImageHost(ref.URL) {
		return nil
	}
	keys := d.seen[digest]
	for _, k := range keys {
		if k == ref.Key {
			return nil
		}
	}
	keys = append(keys, ref.Key)
	d.seen[digest] = keys
	if len(keys) < placeholderRepeats {
		return nil
	}
	d.known[digest] = true
	return keys[:len(keys)-1]
}

func isWeChatImageHost(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return strings.HasSuffix(h, "qpic.cn") || strings.HasSuffix(h, "qlogo.cn")
}

// String gives the totals in one line.
func (s Stats) String() string {
	line := fmt.Sprintf("%d images: %d stored (%d resized), %d already stored, %d failed, %d on other hosts, %d missing offline; %d requests, %.1f MB",
		s.Images, s.Stored, s.Resized, s.Cached, s.Failed, s.NotAllowed, s.Offline, s.Requests, float64(s.Bytes)/1e6)
	if s.Unresolved > 0 {
		line += fmt.Sprintf("; %d on hosts whose names did not resolve: offline? use --offline", s.Unresolved)
	}
	return line
}
