package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"syscall"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/synth"
)

// SIGTERM (as CI runners and `timeout` send) and SIGINT stop a build at
// once, whatever it is doing, and leave the previous site as it was.
// Before, a build went on rendering for as long as Hugo took (20 s at
// 10,000 articles). The build runs in a child process, stopped while Hugo
// renders an archive large enough to take seconds.
func TestSignalStopsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an archive of thousands of articles")
	}
	if args := os.Getenv("MIRROR_SIGNAL_ARGS"); args != "" {
		var argv []string
		if err := json.Unmarshal([]byte(args), &argv); err != nil {
			t.Fatal(err)
		}
		os.Exit(Main(argv, os.Stdout, os.Stderr))
	}
	root := signalArchive(t, 3000)
	args := []string{"--root", root, "build", "--offline", "--no-search"}
	for range 2 { // the second one warm, as the interrupted ones are
		if code := runChild(t, args, nil); code != 0 {
			t.Fatalf("a build exited %d", code)
		}
	}
	start := time.Now()
	if code := runChild(t, args, nil); code != 0 {
		t.Fatalf("a build exited %d", code)
	}
	whole := time.Since(start)
	home, err := os.ReadFile(filepath.Join(root, "public", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGINT} {
		var signalled time.Time
		before, _ := filepath.Glob(filepath.Join(root, ".public.building-*"))
		code := runChild(t, args, func(p *os.Process) {
			waitForRender(t, root, before)
			signalled = time.Now()
			p.Signal(sig)
		})
		stopped := time.Since(signalled)
		t.Logf("%v: exit %d, %v after the signal; a whole build takes %v", sig, code, stopped, whole)
		if code != ExitFindings {
			t.Errorf("%v: exit %d, want %d", sig, code, ExitFindings)
		}
		// A ratio of two times of one run: the machine may be slow.
		if stopped > whole/2 {
			t.Errorf("%v: the build took %v to stop; a whole build takes %v", sig, stopped, whole)
		}
		if now, err := os.ReadFile(filepath.Join(root, "public", "index.html")); err != nil || !bytes.Equal(now, home) {
			t.Errorf("%v: the previous site was not left as it was (%v)", sig, err)
		}
	}
}

// signalArchive is a mirror repository of n synthetic articles.
func signalArchive(t *testing.T, n int) string {
	t.Helper()
	repo := mirrortest.RepoRoot(t)
	root := t.TempDir()
	for _, dir := range []string{"site", "themes"} {
		if err := os.Symlink(filepath.Join(repo, dir), filepath.Join(root, dir)); err != nil {
			t.Fatal(err)
		}
	}
	content := filepath.Join(root, "content")
	os.Mkdir(content, 0o755)
	opts := synth.NewDefaultOptions()
	opts.Images = 0 // offline, each would be a finding
	for i := range n {
		a := opts.Build(i, n)
		if err := os.WriteFile(filepath.Join(content, a.Name), a.Source, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// runChild runs mirror with args in a child process, calls during (if
// set) while it runs, and returns its exit code.
func runChild(t *testing.T, args []string, during func(*os.Process)) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestSignalStopsBuild$")
	joined, _ := json.Marshal(args)
	cmd.Env = append(os.Environ(), "MIRROR_SIGNAL_ARGS="+string(joined))
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	if during != nil {
		during(cmd.Process)
	}
	err := cmd.Wait()
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		return exit.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// waitForRender waits until the build renders (a site directory not
// among those before is there, beside public/).
func waitForRender(t *testing.T, root string, before []string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		m, _ := filepath.Glob(filepath.Join(root, ".public.building-*"))
		if slices.ContainsFunc(m, func(d string) bool { return !slices.Contains(before, d) }) {
			time.Sleep(200 * time.Millisecond) // well into Hugo's part
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the build never started rendering")
}

// mirror origin stops on SIGINT (it went on serving: only kill -9 ended it).
func TestSignalStopsOrigin(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	root := signalArchive(t, 3)
	done := make(chan struct{})
	code := runChild(t, []string{"--root", root, "origin", "--listen", "127.0.0.1:0"}, func(p *os.Process) {
		time.Sleep(time.Second)
		p.Signal(syscall.SIGINT)
		go func() {
			select {
			case <-done:
			case <-time.After(15 * time.Second):
				p.Kill()
			}
		}()
	})
	close(done)
	if code == -1 {
		t.Error("SIGINT did not stop mirror origin: killed")
	}
}
