package build_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Account and tag names show as the sources wrote them, everywhere: Hugo
// title-cases term titles by default ("cnbeta" as "Cnbeta").
func TestNamesKeepTheirCase(t *testing.T) {
	s := newTestSite(t, `-- a.md --
---
title: "A"
date: 2024-01-01T00:00:00Z
account: "cnbeta"
tags: ["seqyuan"]
categories: ["Tech"]
---
<p>body</p>
`)
	r := s.build(t)
	if r.Staged != 1 {
		t.Fatalf("staged %d: %v", r.Staged, r.Findings)
	}
	for _, page := range []string{"accounts/cnbeta/index.html", "tags/seqyuan/index.html", "accounts/index.html", "index.html"} {
		data, err := os.ReadFile(filepath.Join(s.Opts.Dest, filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		for _, wrong := range []string{"Cnbeta", "Seqyuan"} {
			if strings.Contains(string(data), wrong) {
				t.Errorf("%s shows %q", page, wrong)
			}
		}
	}
}

// What the build writes into a page is in the site's language: a Chinese
// site says 图片未存档 for an image left remote and 音视频未存档 for a
// player, never the English words.
func TestBuildWritesTheSitesLanguage(t *testing.T) {
	s := newTestSite(t, `-- a.md --
---
title: "A"
date: 2024-01-01T00:00:00Z
---
<p><img data-src="https://mmbiz.qpic.cn/mmbiz_jpg/notstored/640?wx_fmt=jpeg" alt="图注"></p>
<p><a href="https://example.org/x"><img data-src="https://mmbiz.qpic.cn/mmbiz_jpg/inlink/640?wx_fmt=jpeg"></a></p>
<iframe class="video_iframe" data-src="https://v.qq.com/iframe/preview.html?vid=abc"></iframe>
<hr><a href="https://mp.weixin.qq.com/s/Src123">原文链接</a>
`)
	s.build(t)
	data, err := os.ReadFile(filepath.Join(s.Opts.Dest, "a", "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	for _, want := range []string{"图片未存档（图注）：在原网站打开", "［图片未存档］", "音视频未存档："} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, english := range []string{"Image not archived", "image not archived", "Media not archived", "open the original"} {
		if strings.Contains(page, english) {
			t.Errorf("the page says %q", english)
		}
	}
}

// The fetcher's bookkeeping tag ("fetched") is shown nowhere.
func TestBookkeepingTagsHidden(t *testing.T) {
	s := newTestSite(t, `-- a.md --
---
title: "A"
date: 2024-01-01T00:00:00Z
tags: ["fetched", "苔藓"]
---
<p>body</p>
`)
	s.build(t)
	page, _ := os.ReadFile(filepath.Join(s.Opts.Dest, "a", "index.html"))
	if strings.Contains(strings.ToLower(string(page)), "#fetched") || !strings.Contains(string(page), "#苔藓") {
		t.Errorf("tags shown: the page has #fetched, or lacks #苔藓")
	}
	if _, err := os.Stat(filepath.Join(s.Opts.Dest, "tags", "fetched")); err == nil {
		t.Error("a tag page for fetched")
	}
}

// Chinese typography on the article page: full-width punctuation in the
// labels, the source box's line, prev/next labelled 上一篇/下一篇 under
// their own landmark name, an account's markup escaped.
func TestChineseTypography(t *testing.T) {
	s := newTestSite(t, `-- a.md --
---
title: "A"
date: 2024-01-01T00:00:00Z
account: "<b>号</b>"
categories: ["Tech"]
source: "https://mp.weixin.qq.com/s/Aaa111"
---
<p>body</p>
-- b.md --
---
title: "B"
date: 2024-02-01T00:00:00Z
account: "<b>号</b>"
categories: ["Tech"]
---
<p>body</p>
`)
	s.build(t)
	page, _ := os.ReadFile(filepath.Join(s.Opts.Dest, "a", "index.html"))
	// As WeChat's albums have them: 上一篇 the earlier article, 下一篇 the later.
	for _, want := range []string{"原文：<a", "存档自 &lt;b&gt;号&lt;/b&gt;，<time", `aria-label="上一篇与下一篇"`, `<a rel="next" href="/b/"><span class="label">下一篇 →</span>`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the article page lacks %q", want)
		}
	}
	later, _ := os.ReadFile(filepath.Join(s.Opts.Dest, "b", "index.html"))
	if want := `<a rel="prev" href="/a/"><span class="label">← 上一篇</span>`; !strings.Contains(string(later), want) {
		t.Errorf("the later article lacks %q", want)
	}
	if strings.Contains(string(page), "<b>号</b>") {
		t.Error("the account's markup is not escaped")
	}
}

// A menu entry shows the theme's word in the site's language unless the
// owner gives it a label; the menu is named as the site's, not as its
// categories; a site with no article yet says so.
func TestMenuLabelsAndEmptyHome(t *testing.T) {
	s := newTestSite(t, "")
	cfg := filepath.Join(s.Site, "hugo.toml")
	data, _ := os.ReadFile(cfg)
	own := strings.Replace(string(data), `identifier = "about"`, "identifier = \"about\"\n    params = { label = \"关于本站\" }", 1)
	os.WriteFile(cfg, []byte(own), 0o644)
	s.build(t)
	home, _ := os.ReadFile(filepath.Join(s.Opts.Dest, "index.html"))
	for _, want := range []string{`<nav aria-label="网站导航">`, `<a href="/months/">归档</a>`, `<a href="/about/">关于本站</a>`, "这里还没有文章。"} {
		if !strings.Contains(string(home), want) {
			t.Errorf("the home page lacks %q", want)
		}
	}
}
