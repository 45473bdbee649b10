package build_test

import (
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/store"
)

// bucketSite is the example archive in a repository of its own whose
// images go to the bucket of s.
func bucketSite(t *testing.T, s *mirrortest.S3) *testSite {
	t.Helper()
	site := newTestSite(t, "")
	repo := mirrortest.RepoRoot(t)
	copyDir(t, filepath.Join(repo, "content"), site.Content)
	copyDir(t, filepath.Join(repo, "media"), filepath.Join(site.Root, "media"))
	appendTo(t, filepath.Join(site.Site, "hugo.toml"),
		"\n[params.mirror.media]\n  bucket = \""+s.URL(s.Bucket)+"\"\n  publicURL = \""+s.PublicURL()+"\"\n")
	site.Opts.Offline = false // the images are all in the store: only the bucket is asked
	return site
}

var imageURL = regexp.MustCompile(`<img[^>]*?\ssrc="([^"]+)"|\ssrcset="([^"]+)"`)

// imagesShown lists every URL the site's pages load images from.
func imagesShown(t *testing.T, site string) []string {
	t.Helper()
	var urls []string
	walkFiles(t, site, func(rel string, data []byte) {
		if !strings.HasSuffix(rel, ".html") {
			return
		}
		for _, m := range imageURL.FindAllStringSubmatch(string(data), -1) {
			if m[1] != "" {
				urls = append(urls, m[1])
			}
			for _, cand := range strings.Split(m[2], ",") {
				if f := strings.Fields(cand); len(f) > 0 {
					urls = append(urls, f[0])
				}
			}
		}
	})
	return urls
}

// The example site built with a bucket: no image in the site, every
// image loaded from the bucket's public address, each file uploaded once
// and holding the bytes its name says; a second build asks nothing.
func TestBuildWithMediaBucket(t *testing.T) {
	s := mirrortest.StartS3(t)
	site := bucketSite(t, s)
	r := site.build(t)

	if r.Uploaded == nil || r.Uploaded.Files == 0 {
		t.Fatalf("nothing uploaded: %+v", r.Uploaded)
	}
	walkFiles(t, site.Opts.Dest, func(rel string, _ []byte) {
		switch path.Ext(rel) {
		case ".jpg", ".jpeg", ".png", ".gif", ".webp":
			t.Errorf("image in the site: %s", rel)
		}
	})
	shown := imagesShown(t, site.Opts.Dest)
	if len(shown) == 0 {
		t.Fatal("no image shown")
	}
	distinct := map[string]bool{}
	for _, u := range shown {
		if strings.HasPrefix(u, "data:") {
			continue
		}
		name, ok := strings.CutPrefix(u, s.PublicURL())
		if !ok {
			t.Errorf("image not from the bucket: %s", u)
			continue
		}
		distinct[name] = true
	}
	for name := range distinct {
		resp, err := http.Get(s.PublicURL() + name)
		if err != nil {
			t.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !store.Holds(name, data) {
			t.Errorf("%s: %s, bytes that do not hash to the name", name, resp.Status)
		}
	}
	// Each file once; the used files are a few more than those shown
	// (copies for srcset of images a later step drops), never fewer.
	requests := s.Requests(t)
	put := map[string]int{}
	for _, req := range requests {
		if req.Op == "PutObject" {
			put[req.Key]++
		}
	}
	for name, n := range put {
		if n != 1 {
			t.Errorf("%s uploaded %d times", name, n)
		}
	}
	for name := range distinct {
		if put[name] != 1 {
			t.Errorf("%s shown, not uploaded", name)
		}
	}
	if len(put) != r.Uploaded.Files {
		t.Errorf("%d files uploaded, %d reported", len(put), r.Uploaded.Files)
	}

	before := len(s.Requests(t))
	r = site.build(t)
	if after := s.Requests(t); len(after) != before {
		t.Errorf("the second build sent %d requests: %v", len(after)-before, after[before:])
	}
	if r.Uploaded == nil || r.Uploaded.Files != 0 || r.Uploaded.Held != len(put) {
		t.Errorf("second build: %+v", r.Uploaded)
	}
}

// A build killed (SIGKILL) while it uploads, then run again, leaves
// every image the pages show in the bucket, with its bytes.
func TestBucketUploadKilled(t *testing.T) {
	if dir := os.Getenv("MIRROR_KILLED_ROOT"); dir != "" {
		opts := build.Options{Root: dir, ContentDir: filepath.Join(dir, "content"), SiteDir: filepath.Join(dir, "site"),
			Dest: filepath.Join(dir, "public"), NoSearch: true, Log: io.Discard,
			UploadProgress: func(done, total int) { time.Sleep(300 * time.Millisecond) }}
		build.Run(context.Background(), opts)
		return
	}
	s := mirrortest.StartS3(t)
	site := bucketSite(t, s)
	cmd := exec.Command(os.Args[0], "-test.run=^TestBucketUploadKilled$")
	cmd.Env = append(os.Environ(), "MIRROR_KILLED_ROOT="+site.Root)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Killed once a few files are in the bucket.
	deadline := time.Now().Add(2 * time.Minute)
	for mirrortest.Count(s.Requests(t), "PutObject") < 3 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the build uploaded nothing")
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	uploaded := mirrortest.Count(s.Requests(t), "PutObject")

	r := site.build(t)
	// The listing claims no more than the server received (uploads it got
	// but the killed build did not record are sent again), and the kill
	// came mid-way: the rebuild had some left to upload.
	if r.Uploaded.Held > uploaded || r.Uploaded.Files == 0 {
		t.Errorf("after %d uploads killed, the rebuild uploaded %d and found %d held", uploaded, r.Uploaded.Files, r.Uploaded.Held)
	}
	for _, u := range imagesShown(t, site.Opts.Dest) {
		name, ok := strings.CutPrefix(u, s.PublicURL())
		if !ok {
			continue
		}
		data, err := os.ReadFile(s.Object(name))
		if err != nil || !store.Holds(name, data) {
			t.Errorf("%s: not in the bucket with its bytes (%v)", name, err)
		}
	}
}
