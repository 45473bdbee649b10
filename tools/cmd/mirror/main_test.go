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
