package capture

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archivemirror/mirror/tools/internal/article"
)

var now = time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)

func capture(title, body string) Capture {
	return Capture{Title: title, Account: "测试账号", Body: body, Source: "https://mp.weixin.qq.com/s/AbCdEfGh12345",
		Published: time.Date(2025, 3, 4, 20, 30, 0, 0, ChinaTime)}
}

// Every title and body a fetcher meets is written so that Hugo's parser
// reads back exactly that title, and the body as captured.
func TestWriteParsesBack(t *testing.T) {
	hostile := []string{
		`招聘助理教授\副教授`, `他说："你好"`, "a\nb", "第一行\r\n第二行", "key: value", "# 不是注释", "- 不是列表",
		"&amp; & * ! % @", "`反引号`", "$(rm -rf ~)", "${{ github.token }}", "EOF", "---", "a\n---\nb: c",
		"{{< shortcode >}}", "'单引号'", "\t缩进", " 前后空格 ", strings.Repeat("长", 100000),
	}
	for _, title := range hostile {
		body := "<p>" + title + "</p>\nEOF\n---\n$(whoami)"
		dir := t.TempDir()
		w, err := Write(capture(title, body), Options{ContentDir: dir, Category: "Tech", Now: now, Bookkeeping: []string{"fetched"}})
		if err != nil {
			t.Fatalf("%.40q: %v", title, err)
		}
		data, err := os.ReadFile(w.Path)
		if err != nil {
			t.Fatal(err)
		}
		a := article.Parse("x.md", w.Path, data)
		if a.HasErrors() {
			t.Fatalf("%.40q: %v", title, a.Findings)
		}
		if got := a.FrontMatter.Values["title"]; got != title {
			t.Errorf("title %.40q read back as %.40q", title, got)
		}
		if got := strings.TrimSpace(string(a.Body)); got != strings.TrimSpace(body) {
			t.Errorf("%.40q: body read back as %.60q", title, got)
		}
		if a.FrontMatter.Values["draft"] != false || a.FrontMatter.Values["account"] != "测试账号" {
			t.Errorf("%.40q: draft %v, account %v", title, a.FrontMatter.Values["draft"], a.FrontMatter.Values["account"])
		}
	}
	if _, err := Write(capture("a\x00b", "<p>x</p>"), Options{ContentDir: t.TempDir(), Now: now}); err == nil || !strings.Contains(err.Error(), "NUL") {
		t.Errorf("a NUL: %v", err)
	}
}

// The same source again writes nothing unless what it holds changed; a
// slug taken by another source is never overwritten.
func TestWriteIsIdempotent(t *testing.T) {
	dir := t.TempDir()
	c := capture("标题", "<p>正文</p>")
	w, err := Write(c, Options{ContentDir: dir, Now: now})
	if err != nil || !w.Created {
		t.Fatalf("%+v %v", w, err)
	}
	if want := filepath.Join(dir, "posts", "2025", "03"); filepath.Dir(w.Path) != want {
		t.Errorf("written at %s, want under %s", w.Path, want)
	}
	info, _ := os.Stat(w.Path)
	time.Sleep(10 * time.Millisecond)
	again, err := Write(c, Options{ContentDir: dir, Now: now.Add(time.Hour)})
	if err != nil || again.Changed || again.Path != w.Path {
		t.Fatalf("again: %+v %v", again, err)
	}
	if info2, _ := os.Stat(w.Path); !info2.ModTime().Equal(info.ModTime()) {
		t.Error("the same capture rewrote the file")
	}
	c.Body = "<p>改过的正文</p>"
	if changed, err := Write(c, Options{ContentDir: dir, Now: now}); err != nil || !changed.Changed || changed.Path != w.Path {
		t.Fatalf("changed: %+v %v", changed, err)
	}
	// Another source whose slug's file is taken by a different source: a
	// longer name, the file left as it was.
	other := capture("别的", "<p>别的</p>")
	other.Source = "https://mp.weixin.qq.com/s/ZZZ"
	probe, _ := Write(other, Options{ContentDir: t.TempDir(), Now: now})
	taken := filepath.Join(dir, "posts", "2025", "03", filepath.Base(probe.Path))
	data, _ := os.ReadFile(w.Path)
	os.WriteFile(taken, data, 0o644)
	ow, err := Write(other, Options{ContentDir: dir, Now: now})
	if err != nil || ow.Path == taken || len(filepath.Base(ow.Path)) <= len(filepath.Base(taken)) {
		t.Fatalf("other source: %+v %v", ow, err)
	}
	if kept, _ := os.ReadFile(taken); string(kept) != string(data) {
		t.Error("another source overwrote the file")
	}
}

// content/ is contributed: a capture is never written through a symbolic
// link in it, to a directory or in place of its file.
func TestWriteFollowsNoLink(t *testing.T) {
	for _, link := range []string{"posts", "posts/2025"} {
		t.Run(link, func(t *testing.T) {
			dir, outside := t.TempDir(), t.TempDir()
			os.MkdirAll(filepath.Dir(filepath.Join(dir, link)), 0o755)
			if err := os.Symlink(outside, filepath.Join(dir, link)); err != nil {
				t.Fatal(err)
			}
			_, err := Write(capture("标题", "<p>正文</p>"), Options{ContentDir: dir, Now: now})
			if err == nil || !strings.Contains(err.Error(), "symbolic link") {
				t.Errorf("written through a link: %v", err)
			}
			if entries, _ := os.ReadDir(outside); len(entries) > 0 {
				t.Errorf("wrote outside content/: %v", entries)
			}
		})
	}
	t.Run("the file", func(t *testing.T) {
		dir, outside := t.TempDir(), t.TempDir()
		w, err := Write(capture("标题", "<p>正文</p>"), Options{ContentDir: dir, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		secret := filepath.Join(outside, "secret.md")
		os.WriteFile(secret, []byte("secret"), 0o644)
		os.Remove(w.Path)
		os.Symlink(secret, w.Path)
		if _, err := Write(capture("标题", "<p>新正文</p>"), Options{ContentDir: dir, Now: now}); err == nil {
			t.Error("a link in the capture's place was read")
		}
		if data, _ := os.ReadFile(secret); string(data) != "secret" {
			t.Errorf("the link's target changed: %q", data)
		}
	})
}
