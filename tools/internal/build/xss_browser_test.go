package build_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/archivemirror/mirror/tools/internal/build"
	"github.com/archivemirror/mirror/tools/internal/mirrortest"
	"github.com/archivemirror/mirror/tools/internal/mirrortest/browser"
)

// provoke fires every event a payload could wait for on every element of
// the article, and lists links whose scheme could run code.
const provoke = `(() => {
  const bad = [];
  for (const el of document.querySelectorAll('main *')) {
    if (el.tagName === 'A') {
      if (!el.hasAttribute('href')) continue;
      if (!['http:', 'https:', 'mailto:', ''].includes(el.protocol)) bad.push(el.href);
      continue;
    }
    for (const type of ['mouseover', 'mouseenter', 'focus', 'click', 'toggle', 'load', 'error', 'begin', 'animationstart']) {
      try { el.dispatchEvent(new Event(type, {bubbles: true})); } catch (e) {}
    }
    try { el.focus && el.focus(); } catch (e) {}
  }
  return bad;
})()`

// Every payload of the XSS corpus, built into a site like any article and
// loaded in real Chromium: none runs (each would set window.__xss), and no
// page asks anything of another host.
func TestXSSCorpusInBrowser(t *testing.T) {
	browser.Path(t)
	content := t.TempDir()
	corpus := mirrortest.XSSCorpus(t)
	for i, payload := range corpus {
		src := fmt.Sprintf("---\ntitle: \"XSS %02d\"\ndate: 2024-01-01T00:00:00Z\ncategories: [\"Tech\"]\n---\n<div><p>before</p>%s<p>after</p></div>\n", i, payload)
		os.WriteFile(filepath.Join(content, fmt.Sprintf("xss-%02d.md", i)), []byte(src), 0o644)
	}
	dest := buildWith(t, build.Options{Root: t.TempDir(), Offline: true, ContentDir: content})
	b := browser.Start(t, dest)
	for i, payload := range corpus {
		path := fmt.Sprintf("/xss-%02d/", i)
		b.Open(t, path, chromedp.Sleep(150*time.Millisecond))
		if bad := browser.Eval[[]string](t, b, provoke); len(bad) > 0 {
			t.Errorf("payload %s\nleft runnable links: %v", payload, bad)
		}
		b.Do(t, chromedp.Sleep(100*time.Millisecond))
		if ran := browser.Eval[string](t, b, `typeof window.__xss`); ran != "undefined" {
			t.Errorf("payload %s\nran (window.__xss is %s)", payload, ran)
		}
		if foreign := b.Foreign(); len(foreign) > 0 {
			t.Errorf("payload %s\nmade requests to other hosts: %v", payload, foreign)
		}
		// Hugo's shortcode syntax in an article shows as text.
		if strings.HasPrefix(payload, "{{") {
			if text := browser.Eval[string](t, b, `document.querySelector('main').textContent`); !strings.Contains(text, strings.SplitN(payload, " ", 2)[0]) {
				t.Errorf("payload %s\nis not shown as text: %q", payload, text)
			}
		}
	}
}

// The harness itself catches what it looks for: an unsanitized page sets
// window.__xss and its request to another host is seen.
func TestBrowserHarnessCatchesXSS(t *testing.T) {
	browser.Path(t)
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "index.html"), []byte(`<!DOCTYPE html><main><div onmouseover="top.__xss=1">x</div><img src="https://evil.example/p.gif"></main>`), 0o644)
	b := browser.Start(t, dir)
	b.Open(t, "/")
	browser.Eval[[]string](t, b, provoke)
	if ran := browser.Eval[string](t, b, `typeof window.__xss`); ran != "number" {
		t.Errorf("the harness missed an event handler (window.__xss is %s)", ran)
	}
	if foreign := b.Foreign(); len(foreign) == 0 {
		t.Error("the harness missed a request to another host")
	}
}
