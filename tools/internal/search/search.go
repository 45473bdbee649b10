// Package search builds the site's full-text index with Pagefind, after
// Hugo has written the site. Pagefind is optional: it comes from npm
// (`npm ci` in the repository), and a build without it says so and goes on.
package search

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// Find returns the Pagefind executable: the extended build (it segments
// Chinese) from the repository's node_modules, else one on PATH.
func Find(root string) (string, bool) {
	for _, p := range []string{
		filepath.Join(root, "node_modules", "@pagefind", "linux-x64", "bin", "pagefind_extended"),
		filepath.Join(root, "node_modules", "@pagefind", "linux-arm64", "bin", "pagefind_extended"),
		filepath.Join(root, "node_modules", "@pagefind", "darwin-arm64", "bin", "pagefind_extended"),
		filepath.Join(root, "node_modules", "@pagefind", "darwin-x64", "bin", "pagefind_extended"),
	} {
		if info, err := os.Stat(p); err == nil && info.Mode()&0o111 != 0 {
			return p, true
		}
	}
	for _, name := range []string{"pagefind_extended", "pagefind"} {
		if p, err := exec.LookPath(name); err == nil {
			return p, true
		}
	}
	return "", false
}

// Dir is where in the site Pagefind writes the index.
const Dir = "pagefind"

// Index indexes the site in dir, writing dir/pagefind/ (Dir).
func Index(ctx context.Context, exe, dir string) (time.Duration, error) {
	start := time.Now()
	cmd := exec.CommandContext(ctx, exe, "--site", dir, "--silent")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return time.Since(start), fmt.Errorf("pagefind: %v: %s", err, out)
	}
	return time.Since(start), nil
}

// Run indexes the site in dir with the Pagefind of the repository at root.
// Without Pagefind it indexes nothing and says so in notice: the search
// page then searches titles only.
func Run(ctx context.Context, root, dir string) (d time.Duration, notice string, err error) {
	exe, ok := Find(root)
	if !ok {
		return 0, "search: Pagefind is not installed (npm ci); the site searches titles only", nil
	}
	d, err = Index(ctx, exe, dir)
	return d, "", err
}
