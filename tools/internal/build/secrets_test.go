package build_test

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// A build whose environment holds a secret (in CI: tokens, a bucket's
// credentials), of an archive with links to the build's own environment,
// publishes the secret nowhere. The build runs in a child process: the
// environment /proc/self/environ shows is the one a process started with.
func TestSecretsStayOut(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("/proc/self/environ is Linux's")
	}
	if dir := os.Getenv("MIRROR_SECRET_DIR"); dir != "" {
		buildWithSecret(t, dir, os.Getenv("MIRROR_SECRET"))
		return
	}
	b := make([]byte, 16)
	rand.Read(b)
	secret := "mirror-secret-" + hex.EncodeToString(b)
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecretsStayOut$", "-test.v")
	cmd.Env = append(os.Environ(), "MIRROR_SECRET_DIR="+dir, "MIRROR_SECRET="+secret)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the build with a secret: %v\n%s", err, out)
	}
	site := filepath.Join(dir, "public")
	if _, err := os.Stat(filepath.Join(site, "victim", "index.html")); err != nil {
		t.Fatalf("no site built: %v", err)
	}
	walkFiles(t, site, func(rel string, data []byte) {
		if bytes.Contains(data, []byte(secret)) {
			t.Errorf("%s holds the secret", rel)
		}
	})
}

// buildWithSecret is the child: it checks the secret is in what the
// links lead to (else the test could not fail), then builds.
func buildWithSecret(t *testing.T, dir, secret string) {
	if environ, err := os.ReadFile("/proc/self/environ"); err != nil || !bytes.Contains(environ, []byte(secret)) {
		t.Fatalf("the secret is not in /proc/self/environ (%v): the test would prove nothing", err)
	}
	s := newTestSiteIn(t, dir, victimArchive)
	link("posts/env.txt", "/proc/self/environ")(t, s.Content)
	link("env.md", "/proc/self/environ")(t, s.Content)
	link("posts/self", "/proc/self")(t, s.Content)
	s.build(t)
}
