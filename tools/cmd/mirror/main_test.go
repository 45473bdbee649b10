package main

import (
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
