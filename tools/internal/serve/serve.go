// Package serve is `mirror serve`: it builds the site into a scratch
// directory, serves it on localhost, and rebuilds when content/, site/ or
// themes/ change, telling open pages to reload. Rebuilds go through the
// build's staging cache, so only what changed is staged again.
package serve

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/config"
	"github.com/archivemirror/mirror/tools/internal/report"
)

// Options say what to serve and where.
type Options struct {
	Build build.Options // Dest is ignored: the site is built in a scratch dir
	Addr  string        // host:port; port 0 picks a free one
	// Ready is told the URL once the first build is served.
	Ready func(url string)
	// Built is told about each build.
	Built func(r *report.Report, err error)
}

// Server is a running preview.
type Server struct {
	opts    Options
	dir     string
	base    string // the base URL's path the site is served at: "/archive/"
	mu      sync.Mutex
	clients map[chan struct{}]bool
}

// Run builds, serves and watches until ctx is done.
func Run(ctx context.Context, opts Options) error {
	dir, err := os.MkdirTemp("", "mirror-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	s := &Server{opts: opts, dir: filepath.Join(dir, "public"), clients: map[chan struct{}]bool{}}
	s.opts.Build.Dest = s.dir
	cfg, err := config.LoadFor(opts.Build.SiteDir, opts.Build.BaseURL)
	if err != nil {
		return err
	}
	s.base = config.BasePath(cfg.BaseURL)
	// The address first: a port in use (another mirror serve) is known
	// before a whole build.
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("%w (another mirror serve? --listen 127.0.0.1:0 takes any free port)", err)
	}
	defer ln.Close()
	if err := s.build(ctx); err != nil {
		return err
	}
	srv := &http.Server{Handler: s.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	go s.watch(ctx)
	if opts.Ready != nil {
		opts.Ready("http://" + ln.Addr().String() + s.base)
	}
	if err := srv.Serve(ln); err != http.ErrServerClosed {
		return err
	}
	return nil
}

// Site is the handler mirror serve serves a built site in dir with, at
// the base URL's path base ("/archive/"), without the rebuilding.
func Site(dir, base string) http.Handler {
	s := &Server{dir: dir, base: base, clients: map[chan struct{}]bool{}}
	return s.handler()
}

func (s *Server) build(ctx context.Context) error {
	r, err := build.Run(ctx, s.opts.Build)
	if s.opts.Built != nil {
		s.opts.Built(r, err)
	}
	return err
}

// reloadScript is added to every HTML page served: it reloads the page
// when a rebuild finishes. The built files never contain it.
const reloadScript = `<script>new EventSource("/__mirror/events").onmessage = () => location.reload();</script>`

func (s *Server) handler() http.Handler {
	files := http.FileServer(http.Dir(s.dir))
	mux := http.NewServeMux()
	mux.HandleFunc("/__mirror/events", s.events)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// The site is served where its URLs say it is: under the base
		// URL's path (a GitHub Pages project site's /archive/), / leading
		// there, anything else the site's 404 page.
		rel, ok := strings.CutPrefix(r.URL.Path, strings.TrimSuffix(s.base, "/"))
		if !ok || (rel != "" && !strings.HasPrefix(rel, "/")) {
			if r.URL.Path == "/" {
				http.Redirect(w, r, s.base, http.StatusFound)
				return
			}
			rel = "/404-not-in-the-site"
		}
		if rel == "" {
			rel = "/"
		}
		p := filepath.Join(s.dir, filepath.FromSlash(rel))
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			p = filepath.Join(p, "index.html")
		}
		if !strings.HasSuffix(p, ".html") {
			if _, err := os.Stat(p); err != nil {
				s.notFound(w)
				return
			}
			r2 := r.Clone(r.Context())
			r2.URL.Path = rel
			files.ServeHTTP(w, r2)
			return
		}
		data, err := os.ReadFile(p)
		if err != nil {
			s.notFound(w)
			return
		}
		s.page(w, http.StatusOK, data)
	})
	return mux
}

// notFound answers with the site's own 404 page.
func (s *Server) notFound(w http.ResponseWriter) {
	data, _ := os.ReadFile(filepath.Join(s.dir, "404.html"))
	s.page(w, http.StatusNotFound, data)
}

// page writes an HTML page with the reload script.
func (s *Server) page(w http.ResponseWriter, status int, data []byte) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(bytes.Replace(data, []byte("</body>"), []byte(reloadScript+"</body>"), 1))
}

// events streams a message to the page after each rebuild.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	flusher, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, ": connected\n\n")
	flusher.Flush()
	ch := make(chan struct{}, 1)
	s.mu.Lock()
	s.clients[ch] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.clients, ch)
		s.mu.Unlock()
	}()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-ch:
			io.WriteString(w, "data: reload\n\n")
			flusher.Flush()
		}
	}
}

func (s *Server) reload() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for ch := range s.clients {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// watch rebuilds after changes settle, and tells pages to reload.
func (s *Server) watch(ctx context.Context) {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		fmt.Fprintln(os.Stderr, "mirror serve: not watching for changes:", err)
		return
	}
	defer w.Close()
	root := filepath.Dir(s.opts.Build.SiteDir)
	for _, dir := range []string{s.opts.Build.ContentDir, s.opts.Build.SiteDir, filepath.Join(root, "themes")} {
		addTree(w, dir)
	}
	var timer <-chan time.Time
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-w.Events:
			if strings.HasPrefix(filepath.Base(ev.Name), ".") {
				continue // editors' swap files, our own lock and temp files
			}
			if ev.Op&fsnotify.Create != 0 {
				addTree(w, ev.Name)
			}
			timer = time.After(150 * time.Millisecond)
		case <-timer:
			if err := s.build(ctx); err == nil {
				s.reload()
			}
		case err := <-w.Errors:
			fmt.Fprintln(os.Stderr, "mirror serve:", err)
		}
	}
}

// addTree watches dir and every directory under it (fsnotify watches one
// directory at a time).
func addTree(w *fsnotify.Watcher, dir string) {
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && p != dir {
				return filepath.SkipDir
			}
			w.Add(p)
		}
		return nil
	})
}
