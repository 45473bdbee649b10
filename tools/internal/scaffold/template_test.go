package scaffold_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

// copyTemplate copies the committed tree to a temporary directory, as
// GitHub's "Use this template" does.
func copyTemplate(t *testing.T) string {
	t.Helper()
	root := mirrortest.RepoRoot(t)
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	dst := t.TempDir()
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		src := filepath.Join(root, f)
		info, err := os.Lstat(src)
		if err != nil {
			continue // deleted in the work tree
		}
		data, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dst, filepath.Dir(f)), 0o755)
		if err := os.WriteFile(filepath.Join(dst, f), data, info.Mode().Perm()); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

func run(t *testing.T, dir string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Stdin = nil
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// From "Use this template" to one's own site: init with flags and
// --clear-examples, one article added, make build: the site has the new
// title, that article, and nothing of the examples.
func TestTemplateWorkflow(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the mirror command")
	}
	dir := copyTemplate(t)
	run(t, dir, "go", "build", "-o", "bin/mirror", "./tools/cmd/mirror")
	mirror := filepath.Join(dir, "bin", "mirror")
	out := run(t, dir, mirror, "init", "--title", "猫咪档案馆", "--description", "关于猫的文章", "--base-url", "https://cats.example/archive/",
		"--language", "zh-CN", "--image-hosts", "mmbiz.qpic.cn,static.cnbetacdn.com", "--clear-examples", "--categories", "生活,科技")
	if cfg, _ := os.ReadFile(filepath.Join(dir, "site", "hugo.toml")); !strings.Contains(string(cfg), `categories = ["生活", "科技"]`) {
		t.Errorf("init did not write the categories:\n%s", out)
	}
	if !strings.Contains(out, "removed content/") {
		t.Errorf("init did not say what it removed:\n%s", out)
	}
	if again := run(t, dir, mirror, "init", "--title", "猫咪档案馆", "--clear-examples"); !strings.Contains(again, "nothing to change") {
		t.Errorf("a second init changed something:\n%s", again)
	}
	os.WriteFile(filepath.Join(dir, "body.html"), []byte("<div><p>橘猫喜欢晒太阳。</p></div>"), 0o644)
	run(t, dir, mirror, "new-article", "--title", "橘猫的一天", "--account", "猫咪日报", "--category", "Life",
		"--source", "https://mp.weixin.qq.com/s/CATCATCAT", "--date", "2025-01-02", "--html", "body.html")
	if _, err := exec.Command(mirror, "--root", dir, "init", "--title", "别的名字").CombinedOutput(); err == nil {
		t.Error("init changed the title of a mirror that has its own article, without --force")
	}
	run(t, dir, "make", "build")
	home, err := os.ReadFile(filepath.Join(dir, "public", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(home), "<title>猫咪档案馆</title>") || !strings.Contains(string(home), "橘猫的一天") {
		t.Errorf("the home page lacks the new title or the new article")
	}
	pages, _ := filepath.Glob(filepath.Join(dir, "public", "2025*", "index.html"))
	if len(pages) != 1 {
		t.Errorf("%d article pages, want 1: %v", len(pages), pages)
	}
	for _, gone := range []string{"城市里的苔藓", "Harbor Notes", "铜匠"} {
		if strings.Contains(string(home), gone) {
			t.Errorf("an example is left on the home page: %s", gone)
		}
	}
	if entries, _ := filepath.Glob(filepath.Join(dir, "content", "2023*")); len(entries) > 0 {
		t.Errorf("example articles left: %v", entries)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "site", "data", "status", "*.yaml")); len(left) > 0 {
		t.Errorf("the examples' status records left: %v", left)
	}
	manifest, _ := os.ReadFile(filepath.Join(dir, "media", "manifest.jsonl"))
	if strings.TrimSpace(string(manifest)) != "" {
		t.Errorf("example images left in the manifest:\n%s", manifest)
	}
}

// The workflows pass actionlint, fetched from the Go module proxy.
func TestWorkflowsLint(t *testing.T) {
	if testing.Short() {
		t.Skip("fetches actionlint")
	}
	root := mirrortest.RepoRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, ".github", "workflows", "*.yml"))
	if len(files) < 2 {
		t.Fatalf("workflows: %v", files)
	}
	cmd := exec.Command("go", append([]string{"run", "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"}, files...)...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		if strings.Contains(string(out), "dial tcp") || strings.Contains(string(out), "no such host") {
			t.Skipf("the Go module proxy is not reachable: %s", out)
		}
		t.Errorf("actionlint: %v\n%s", err, out)
	}
}

// The template holds sources, not what builds make: no program (a Go
// binary built at the root was once committed) and no file over 1 MiB but
// the example store's images. Everyone who uses the template clones them.
func TestTemplateHoldsNoBuildOutput(t *testing.T) {
	root := mirrortest.RepoRoot(t)
	out, err := exec.Command("git", "-C", root, "ls-files", "-z").Output()
	if err != nil {
		t.Skipf("not a git checkout: %v", err)
	}
	for _, f := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		info, err := os.Lstat(filepath.Join(root, f))
		if err != nil || !info.Mode().IsRegular() {
			continue
		}
		if info.Size() > 1<<20 && !strings.HasPrefix(f, "media/") {
			t.Errorf("%s: %d bytes", f, info.Size())
		}
		head := make([]byte, 4)
		if file, err := os.Open(filepath.Join(root, f)); err == nil {
			file.Read(head)
			file.Close()
		}
		if string(head) == "\x7fELF" {
			t.Errorf("%s: a compiled program", f)
		}
	}
}
