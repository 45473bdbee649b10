package scaffold

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"

	"github.com/archivemirror/mirror/tools/internal/mirrortest"
)

type workflow struct {
	Permissions any `yaml:"permissions"`
	Jobs        map[string]struct {
		Permissions map[string]string `yaml:"permissions"`
		Steps       []struct {
			Name string            `yaml:"name"`
			Uses string            `yaml:"uses"`
			Run  string            `yaml:"run"`
			With map[string]string `yaml:"with"`
		} `yaml:"steps"`
	} `yaml:"jobs"`
}

// readWorkflow reads a workflow of the repository.
func readWorkflow(t *testing.T, file string) workflow {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var w workflow
	if err := yaml.Unmarshal(data, &w); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return w
}

// The Pages workflow keeps every image it fetches durably: no cache holds
// the image store, the images are committed back (media/ only) or go to
// the bucket, the report is kept; each job has the least permissions, and
// no run step expands ${{ }} (a title or branch name would run as shell).
func TestPagesWorkflowKeepsImages(t *testing.T) {
	w := readWorkflow(t, filepath.Join(mirrortest.RepoRoot(t), ".github", "workflows", "pages.yml"))
	if m, ok := w.Permissions.(map[string]any); !ok || len(m) != 0 {
		t.Errorf("top-level permissions %v, want {}", w.Permissions)
	}
	build, deploy := w.Jobs["build"], w.Jobs["deploy"]
	if len(build.Permissions) != 1 || build.Permissions["contents"] != "write" {
		t.Errorf("build permissions %v", build.Permissions)
	}
	if len(deploy.Permissions) != 2 || deploy.Permissions["pages"] != "write" || deploy.Permissions["id-token"] != "write" {
		t.Errorf("deploy permissions %v", deploy.Permissions)
	}
	var commits, report, strict bool
	for _, s := range build.Steps {
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q expands ${{ }} in its script", s.Name)
		}
		if strings.HasPrefix(s.Uses, "actions/cache") && strings.Contains(s.With["path"], "media") {
			t.Errorf("step %q caches the image store", s.Name)
		}
		if strings.Contains(s.Run, "git add") {
			commits = true
			for _, line := range strings.Split(s.Run, "\n") {
				if f := strings.Fields(line); len(f) >= 2 && f[0] == "git" && f[1] == "add" && !strings.HasPrefix(f[len(f)-1], "media") {
					t.Errorf("the commit step adds more than media/: %s", line)
				}
			}
		}
		report = report || (strings.HasPrefix(s.Uses, "actions/upload-artifact") && s.With["path"] == "report.json")
		strict = strict || strings.Contains(s.Run, "--strict")
	}
	if !commits || !report || !strict {
		t.Errorf("commit step %v, report kept %v, strict build %v", commits, report, strict)
	}
}

// No workflow expands ${{ }} inside a run: script (an issue's title or a
// branch name would run as shell); values reach scripts through env:.
func TestWorkflowsKeepExpressionsOutOfScripts(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(mirrortest.RepoRoot(t), ".github", "workflows", "*.yml"))
	if len(files) < 3 {
		t.Fatalf("workflows: %v", files)
	}
	for _, f := range files {
		w := readWorkflow(t, f)
		for name, job := range w.Jobs {
			for _, s := range job.Steps {
				if strings.Contains(s.Run, "${{") {
					t.Errorf("%s: job %s, step %q: ${{ }} in its script", filepath.Base(f), name, s.Name)
				}
			}
		}
	}
}

// The capture workflow runs on issues, with each permission it needs on
// its job only, and fetches through mirror (never a heredoc of the title).
func TestCaptureWorkflow(t *testing.T) {
	w := readWorkflow(t, filepath.Join(mirrortest.RepoRoot(t), ".github", "workflows", "capture.yml"))
	if m, ok := w.Permissions.(map[string]any); !ok || len(m) != 0 {
		t.Errorf("top-level permissions %v, want {}", w.Permissions)
	}
	job := w.Jobs["capture"]
	if job.Permissions["contents"] != "write" || job.Permissions["issues"] != "write" || len(job.Permissions) != 4 {
		t.Errorf("permissions %v", job.Permissions)
	}
	fetches := false
	for _, s := range job.Steps {
		fetches = fetches || strings.Contains(s.Run, `bin/mirror fetch --github-event "$GITHUB_EVENT_PATH"`)
		if strings.Contains(s.Run, "<<") {
			t.Errorf("step %q writes through a heredoc", s.Name)
		}
	}
	if !fetches {
		t.Error("no step fetches with mirror fetch --github-event")
	}
}
