package build_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

// A store file whose bytes no longer match its name, or that is gone, is
// never published: offline, the build goes on and names the article and
// image; with the network, the image is fetched again.
func TestDamagedStoreFiles(t *testing.T) {
	repo := mirrortest.RepoRoot(t)
	root := t.TempDir()
	copyDir(t, filepath.Join(repo, "media"), filepath.Join(root, "media"))
	content := filepath.Join(repo, "content")
	opts := build.Options{Root: root, Offline: true, NoSearch: true, ContentDir: content,
		SiteDir: filepath.Join(repo, "site"), Dest: filepath.Join(t.TempDir(), "public"), Log: io.Discard}
	rebuild(t, opts)
	mains := storedImages(t, filepath.Join(root, "media", "manifest.jsonl"))
	damaged, missing := mains[0], mains[1]
	store := func(name string) string { return filepath.Join(root, "media", filepath.FromSlash(name)) }
	data, _ := os.ReadFile(store(damaged))
	data[len(data)/2] ^= 0xff
	if err := os.WriteFile(store(damaged), data, 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(store(missing))

	r, err := build.Run(t.Context(), opts)
	if err != nil {
		t.Fatalf("the build failed: %v", err)
	}
	checkMediaIntact(t, opts.Dest)
	failed := 0
	for _, f := range r.Findings {
		if f.Rule == "img/failed" && strings.Contains(f.Message, "missing or damaged") && strings.HasSuffix(f.File, ".md") {
			failed++
		}
	}
	if failed < 2 {
		t.Errorf("%d findings name the damaged and the missing image: %v", failed, r.Findings)
	}

	_, remap := exampleOrigin(t, content)
	opts.Offline, opts.Remap = false, remap
	rebuild(t, opts)
	checkMediaIntact(t, opts.Dest)
	if n, want := checkImagesLocal(t, content, opts.Dest), imagesIn(t, content); n != want {
		t.Errorf("%d local images in the site, %d in the articles", n, want)
	}
}

// storedImages lists the files of the images a manifest has stored
// (their narrower copies left out).
func storedImages(t *testing.T, manifest string) []string {
	t.Helper()
	data, err := os.ReadFile(manifest)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var e struct{ File, Status string }
		if err := json.Unmarshal([]byte(line), &e); err != nil {
			t.Fatal(err)
		}
		if e.Status == "ok" {
			files = append(files, e.File)
		}
	}
	if len(files) < 2 {
		t.Fatalf("%d stored images in %s", len(files), manifest)
	}
	return files
}

// checkMediaIntact checks every published image holds the bytes its name
// is the hash of.
func checkMediaIntact(t *testing.T, site string) {
	t.Helper()
	for _, p := range mediaFiles(t, site) {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if name := filepath.Base(p); !strings.HasPrefix(name, hex.EncodeToString(sum[:16])) {
			t.Errorf("%s is published with bytes that are not its name's", p)
		}
	}
}
