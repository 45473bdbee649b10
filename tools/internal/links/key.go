package links

import (
	"net/url"
	"sort"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/htmlurl"
)

// wechatHost says whether host serves WeChat articles (mp.weixin.qq.com and
// its variants).
func wechatHost(host string) bool {
	return host == "weixin.qq.com" || strings.HasSuffix(host, ".weixin.qq.com")
}

// trackingParams are query parameters that never change which page a URL
// shows.
var trackingParams = map[string]bool{
	"chksm": true, "scene": true, "srcid": true, "sharer_sharetime": true, "sharer_shareid": true,
	"from": true, "isappinstalled": true, "clicktime": true, "enterid": true, "ascene": true,
	"devicetype": true, "version": true, "nettype": true, "lang": true, "exportkey": true,
	"pass_ticket": true, "wx_header": true, "key": true, "uin": true, "sessionid": true,
	"subscene": true, "share_token": true, "fbclid": true, "gclid": true, "spm": true,
	"mpshare": true, "poc_token": true, "rd2werd": true, "sharer_username": true,
}

// Key returns the canonical key of an article URL: the same for every form
// of the URL of one article, different for different articles.
//
//   - WeChat long form: "wechat:BIZ/MID/IDX", from the __biz, mid and idx
//     parameters, whatever else the query holds.
//   - WeChat short form: "wechat:s/TOKEN".
//   - Anything else: host, path and query without scheme, fragment or
//     tracking parameters.
//
// ok is false for what is not an http(s) URL (mailto:, #anchors, relative).
func Key(raw string) (key string, ok bool) {
	u, ok := htmlurl.Parse(raw)
	if !ok {
		return "", false
	}
	if k, ok := wechatKey(u); ok {
		return k, true
	}
	return genericKey(u), true
}

// wechatKey is the key of a WeChat article URL; ok is false for other
// WeChat pages (the video player, profiles), which are not articles.
func wechatKey(u *url.URL) (string, bool) {
	if !wechatHost(u.Host) {
		return "", false
	}
	path := strings.TrimSuffix(u.Path, "/")
	if token, found := strings.CutPrefix(path, "/s/"); found && token != "" && !strings.Contains(token, "/") {
		return "wechat:s/" + token, true
	}
	if path != "/s" && path != "/mp/appmsg/show" {
		return "", false
	}
	q := u.Query()
	biz, mid, idx := q.Get("__biz"), q.Get("mid"), q.Get("idx")
	if biz == "" || mid == "" {
		return "", false
	}
	if idx == "" {
		idx = "1"
	}
	return "wechat:" + biz + "/" + mid + "/" + idx, true
}

func genericKey(u *url.URL) string {
	var b strings.Builder
	b.WriteString(strings.TrimPrefix(u.Host, "www."))
	path := strings.TrimSuffix(u.Path, "/")
	b.WriteString(path)
	q := u.Query()
	var keys []string
	for k := range q {
		if !trackingParams[strings.ToLower(k)] && !strings.HasPrefix(strings.ToLower(k), "utm_") {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for i, k := range keys {
		if i == 0 {
			b.WriteByte('?')
		} else {
			b.WriteByte('&')
		}
		vals := q[k]
		sort.Strings(vals)
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(strings.Join(vals, ",")))
	}
	return b.String()
}

// Canonical returns the clean URL of a WeChat article link: https, and for
// the long form only __biz, mid, idx and sn, so it still opens the article
// without the tracking noise. ok is false for anything but a WeChat
// article URL.
func Canonical(raw string) (string, bool) {
	u, ok := htmlurl.Parse(raw)
	if !ok {
		return "", false
	}
	key, ok := wechatKey(u)
	if !ok {
		return "", false
	}
	if token, short := strings.CutPrefix(key, "wechat:s/"); short {
		return "https://mp.weixin.qq.com/s/" + token, true
	}
	// WeChat's own order, values escaped only where a URL needs it (the
	// base64 __biz keeps its "=").
	q := u.Query()
	var b strings.Builder
	b.WriteString("https://mp.weixin.qq.com/s?")
	for i, k := range []string{"__biz", "mid", "idx", "sn"} {
		v := q.Get(k)
		if k == "idx" && v == "" {
			v = "1"
		}
		if v == "" {
			continue
		}
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(k + "=" + strings.ReplaceAll(url.QueryEscape(v), "%3D", "="))
	}
	return b.String(), true
}

// IsWeChatArticle says whether a key is a WeChat article's.
func IsWeChatArticle(key string) bool { return strings.HasPrefix(key, "wechat:") }
