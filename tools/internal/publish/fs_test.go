package publish

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/spf13/afero"
)

// A file Hugo writes reaches the disk when Hugo closes it, and only if it
// changed: an unchanged one keeps its modification time, a changed one is
// a new file (never the old one truncated: a hard link to the old one
// keeps the old bytes), and Create in a directory that does not exist
// fails as the disk's does.
func TestPublishFsWritesWhatChanged(t *testing.T) {
	dir := t.TempDir()
	fs := NewFs(afero.NewOsFs(), dir, nil, nil)
	write := func(name, data string) error {
		f, err := fs.Create(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		io.WriteString(f, data)
		return f.Close()
	}
	if err := write("missing/index.html", "x"); !os.IsNotExist(err) {
		t.Errorf("Create in a missing directory: %v, want not exist", err)
	}
	page := filepath.Join(dir, "index.html")
	if err := write("index.html", "<p>one</p>"); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	os.Chtimes(page, old, old)
	if err := write("index.html", "<p>one</p>"); err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(page); !info.ModTime().Equal(old) {
		t.Error("an unchanged page was written again")
	}
	prev := "<p>one</p>"
	for i, data := range []string{"<p>two</p>", "<p>three, longer</p>"} {
		link := filepath.Join(dir, fmt.Sprint("link", i))
		if err := os.Link(page, link); err != nil {
			t.Fatal(err)
		}
		if err := write("index.html", data); err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(page)
		linked, _ := os.ReadFile(link)
		if string(got) != data || string(linked) != prev {
			t.Errorf("page holds %q, its old link %q; want %q and %q", got, linked, data, prev)
		}
		prev = data
	}
	if w := fs.written.Load(); w != 3 {
		t.Errorf("%d written, want 3", w)
	}
}

// Every file goes through the splice function, by name.
func TestPublishFsSplicesPages(t *testing.T) {
	dir := t.TempDir()
	fs := NewFs(afero.NewOsFs(), dir, func(w io.Writer, name string, page []byte, _ func(string) string) error {
		if filepath.Ext(name) == ".html" {
			page = []byte(strings.ReplaceAll(string(page), "MARK", "body"))
		}
		_, err := w.Write(page)
		return err
	}, nil)
	for _, name := range []string{"index.html", "index.xml"} {
		f, _ := fs.Create(filepath.Join(dir, name))
		io.WriteString(f, "<p>MARK</p>")
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}
	html, _ := os.ReadFile(filepath.Join(dir, "index.html"))
	xml, _ := os.ReadFile(filepath.Join(dir, "index.xml"))
	if string(html) != "<p>body</p>" || string(xml) != "<p>MARK</p>" {
		t.Errorf("html %q, xml %q", html, xml)
	}
}

// Hugo ignores what Close returns, so what fails there is kept for Build.
func TestPublishFsKeepsFailures(t *testing.T) {
	dir := t.TempDir()
	fs := NewFs(afero.NewOsFs(), dir, func(io.Writer, string, []byte, func(string) string) error {
		return errors.New("no body")
	}, nil)
	f, _ := fs.Create(filepath.Join(dir, "index.html"))
	if err := f.Close(); err == nil || fs.Failure() == nil || !strings.Contains(fs.Failure().Error(), "no body") {
		t.Errorf("Close: %v; failure: %v", err, fs.Failure())
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err == nil {
		t.Error("a page that failed was written")
	}
}
