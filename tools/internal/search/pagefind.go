package search

import (
	"os"
	"os/exec"
	"path/filepath"
)

// FindPagefind returns the Pagefind executable, the extended build (it
// segments Chinese) from the repository's node_modules, else one on PATH:
// what the search index is measured against (make bench), no longer what
// the site searches with.
func FindPagefind(root string) (string, bool) {
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
