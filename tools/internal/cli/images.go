package cli

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/archivemirror/mirror/tools/internal/bucket"
	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/images"
)

// imageFlags are the image stage's flags, shared by build and localize.
type imageFlags struct {
	offline, retryFailed, faithful bool
	remap                          []string
	quiet                          bool
}

func (f *imageFlags) register(fs *pflag.FlagSet) {
	fs.BoolVar(&f.offline, "offline", false, "use the image store only: fetch nothing")
	fs.BoolVar(&f.retryFailed, "retry-failed", false, "fetch again images that failed for good before (404, not an image...)")
	fs.StringArrayVar(&f.remap, "remap-host", nil, "send requests for `HOST=BASEURL` to BASEURL, keeping path and query (a proxy, a copy of the CDN, a test server); repeatable")
	fs.BoolVar(&f.faithful, "remap-faithful", false, "the remapped hosts serve the hosts' own images (a proxy): record them as the hosts' (without it, an image fetched through a remap, such as mirror origin's stand-ins, is fetched again from the real host by a run without the remap)")
	fs.BoolVar(&f.quiet, "quiet", false, "no progress output")
}

// apply puts the flags into build options.
func (f *imageFlags) apply(opts *build.Options, progressTo io.Writer) error {
	remap, err := parseRemap(f.remap)
	if err != nil {
		return err
	}
	opts.Offline, opts.RetryFailed, opts.Remap, opts.RemapFaithful = f.offline, f.retryFailed, remap, f.faithful
	opts.StoreWaiting = func() { fmt.Fprintln(progressTo, "waiting for another run to release the image store...") }
	if !f.quiet {
		opts.ImageProgress = newProgress(progressTo)
		opts.UploadProgress = newUploadProgress(progressTo, "uploading to the media bucket:")
	}
	return nil
}

func parseRemap(specs []string) (map[string]*url.URL, error) {
	remap := map[string]*url.URL{}
	for _, s := range specs {
		host, base, ok := strings.Cut(s, "=")
		u, err := url.Parse(base)
		if !ok || host == "" || err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("--remap-host %q: want HOST=BASEURL, e.g. mmbiz.qpic.cn=http://127.0.0.1:8080", s)
		}
		remap[strings.ToLower(host)] = u
	}
	return remap, nil
}

// newProgress reports image progress: a line redrawn in place on a
// terminal, a plain line every few seconds otherwise (CI logs).
func newProgress(w io.Writer) func(images.Stats) {
	line := newProgressLine(w)
	return func(s images.Stats) {
		line(s.Done == s.Images, fmt.Sprintf("images %d/%d, %.1f MB, %d failed", s.Done, s.Images, float64(s.Bytes)/1e6, s.Failed))
	}
}

// newUploadProgress reports how an upload to the media bucket goes.
func newUploadProgress(w io.Writer, verb string) bucket.Progress {
	line := newProgressLine(w)
	return func(done, total int) { line(done == total, fmt.Sprintf("%s %d/%d files", verb, done, total)) }
}

// newProgressLine shows a progress line: redrawn in place on a terminal,
// printed every few seconds otherwise, and always when done.
func newProgressLine(w io.Writer) func(done bool, line string) {
	f, isFile := w.(*os.File)
	tty := isFile && term.IsTerminal(int(f.Fd()))
	var mu sync.Mutex
	var last time.Time
	return func(done bool, line string) {
		mu.Lock()
		defer mu.Unlock()
		every := 5 * time.Second
		if tty {
			every = 100 * time.Millisecond
		}
		if !done && time.Since(last) < every {
			return
		}
		last = time.Now()
		switch {
		case tty && done:
			fmt.Fprintf(w, "\r\033[K%s\n", line)
		case tty:
			fmt.Fprintf(w, "\r\033[K%s", line)
		default:
			fmt.Fprintln(w, line)
		}
	}
}
