package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/archivemirror/mirror/tools/internal/cli"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"mirror": func() { os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs the whole-CLI scripts in testdata/script. Each script
// gets $REPO (this repository, for its site/ and themes/) and $SHARED
// (../shared, which may be absent).
func TestScripts(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", root)
			env.Setenv("SHARED", filepath.Join(root, "..", "shared"))
			return nil
		},
	})
}

// TestMediaScripts runs the scripts of the media bucket against a real
// S3-compatible server on loopback: $S3_URL and $S3_PUBLIC are its
// bucket's settings, $S3_OBJECTS the directory its objects are files in.
func TestMediaScripts(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	s := mirrortest.StartS3(t)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/media",
		Setup: func(env *testscript.Env) error {
			env.Setenv("REPO", root)
			env.Setenv("S3_URL", s.URL(s.Bucket))
			env.Setenv("S3_PUBLIC", s.PublicURL())
			env.Setenv("S3_OBJECTS", filepath.Join(s.Dir, s.Bucket))
			for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"} {
				env.Setenv(k, os.Getenv(k))
			}
			return nil
		},
	})
}

// TestCaptureScripts runs the capture scripts against WeChat-shaped pages
// (package capture's testdata) served on loopback: $WECHAT is the server,
// $PAGES the pages' directory.
func TestCaptureScripts(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	pages := filepath.Join(root, "tools", "internal", "capture", "testdata", "wechat")
	names := map[string]string{"/s/TestShortA1": "article.html", "/s/TestShortB2": "article2.html", "/s/Deleted": "deleted.html", "/s/Captcha": "captcha.html"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if name, ok := names[r.URL.Path]; ok {
			http.ServeFile(w, r, filepath.Join(pages, name))
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	testscript.Run(t, testscript.Params{
		Dir: "testdata/capture",
		Setup: func(env *testscript.Env) error {
			env.Setenv("WECHAT", srv.URL)
			env.Setenv("PAGES", pages)
			return nil
		},
	})
}
