// Package capture turns a captured page into a content file: it tells a
// WeChat article from the pages WeChat serves in its place (deleted,
// removed for a violation, hidden, failed, expired, an account gone, a
// captcha), reads the article's parts, and writes the file in a form
// that parses back to exactly what was captured, never through a shell.
package capture

import (
	"bytes"
	"strings"
	"unicode"
)

// Class is what a captured page is.
type Class string

// The classes of pages WeChat serves, with HTTP 200, in place of an
// article (the interstitials public fetchers test for).
const (
	Article     Class = "article"
	Deleted     Class = "deleted"      // by the publisher, or the sender
	Violation   Class = "violation"    // removed for violating regulations
	Failed      Class = "failed"       // failed to send
	Privacy     Class = "privacy"      // hidden by the author's settings
	Expired     Class = "expired"      // an expired link
	AccountGone Class = "account-gone" // the account closed or banned
	Captcha     Class = "captcha"      // "环境异常", "去验证", rate limited: try later
	NotArticle  Class = "not-article"  // none of these, and no article body
)

// Rule is the validation rule of an interstitial class: capture/deleted…
func (c Class) Rule() string { return "capture/" + string(c) }

// signs are the messages of each interstitial, as WeChat words them.
var signs = []struct {
	class Class
	texts []string
}{
	{Deleted, []string{"该内容已被发布者删除", "该内容已被发送人删除", "此内容已被发布者删除"}},
	{Violation, []string{"此内容因违规无法查看", "该内容因违规无法查看", "违反相关法律法规和政策"}},
	{Failed, []string{"此内容发送失败无法查看"}},
	{Privacy, []string{"根据作者隐私设置，无法查看该内容", "根据作者隐私设置"}},
	{Expired, []string{"链接已过期"}},
	{AccountGone, []string{"此帐号已注销", "此账号已注销", "该公众号已被封禁", "此帐号已被封禁", "此账号已被封禁"}},
	{Captcha, []string{"环境异常", "去验证", "访问过于频繁", "请在微信客户端打开链接"}},
}

// Classify says what a captured WeChat page is, and the message it shows
// when it is not an article. A page with an article body is an article,
// whatever its text quotes.
func Classify(page []byte) (Class, string) {
	if hasArticleBody(page) {
		return Article, ""
	}
	for _, s := range signs {
		for _, t := range s.texts {
			if bytes.Contains(page, []byte(t)) {
				return s.class, t
			}
		}
	}
	return NotArticle, ""
}

// ClassifyText is Classify for a body already cut out of its page (a
// content file's): an interstitial's message with next to no other text.
func ClassifyText(body string) (Class, string) {
	text, short := shortText(body, 200)
	if !short {
		return Article, ""
	}
	for _, s := range signs {
		for _, t := range s.texts {
			if strings.Contains(text, t) {
				return s.class, t
			}
		}
	}
	return Article, ""
}

// hasArticleBody says whether the page holds an article body with text:
// #js_content, or a text-share or image-share post's parts.
func hasArticleBody(page []byte) bool {
	if bytes.Contains(page, []byte("picture_page_info_list")) && bytes.Contains(page, []byte("cdn_url")) {
		return true // an image-share post
	}
	for _, id := range []string{`id="js_content"`, `id="js_text_desc"`} {
		if i := bytes.Index(page, []byte(id)); i >= 0 {
			rest := page[i:min(len(page), i+4096)]
			if len(bytes.TrimSpace([]byte(stripTags(string(rest[bytes.IndexByte(rest, '>')+1:]))))) > 0 {
				return true
			}
		}
	}
	return false
}

// shortText is the text of an HTML body outside its tags, if it has at
// most limit characters besides white space (any, when limit < 0); it
// stops reading past that.
func shortText(body string, limit int) (string, bool) {
	var b strings.Builder
	in, count := false, 0
	for _, r := range body {
		switch {
		case r == '<':
			in = true
		case r == '>':
			in = false
		case !in:
			if !unicode.IsSpace(r) {
				if count++; limit >= 0 && count > limit {
					return "", false
				}
			}
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String()), true
}

// stripTags is the text of an HTML fragment outside its tags, trimmed.
func stripTags(s string) string {
	text, _ := shortText(s, -1)
	return text
}
