package images

import (
	"net/url"
	"sort"
	"strings"

	"github.com/archivemirror/mirror/tools/internal/htmlurl"
)

// queryNoise are parameters that do not change which picture a URL shows:
// WeChat's lazy-loading and tracking flags, and the format hint (the bytes
// are sniffed anyway).
var queryNoise = map[string]bool{
	"tp": true, "wxfrom": true, "wx_lazy": true, "wx_co": true, "from": true, "wx_fmt": true,
	"retryload": true, "watermark": true,
}

// Key identifies an image whatever noise its URL carries: host, path and
// the remaining query, without scheme or fragment. fetchURL is the URL to
// request: https for WeChat hosts, without the noise but for wx_fmt.
func Key(raw string) (key, fetchURL string, ok bool) {
	u, ok := htmlurl.Parse(raw)
	if !ok {
		return "", "", false
	}
	u.Fragment, u.RawFragment = "", ""
	q := u.Query()
	var keep []string
	fetchQ := url.Values{}
	for k, vs := range q {
		lk := strings.ToLower(k)
		if lk == "wx_fmt" {
			fetchQ[k] = vs
		}
		if !queryNoise[lk] {
			keep = append(keep, k)
			fetchQ[k] = vs
		}
	}
	sort.Strings(keep)
	var b strings.Builder
	b.WriteString(u.Host)
	b.WriteString(u.EscapedPath())
	for i, k := range keep {
		b.WriteByte("?&"[min(i, 1)])
		vs := append([]string{}, q[k]...)
		sort.Strings(vs)
		b.WriteString(url.QueryEscape(k) + "=" + url.QueryEscape(strings.Join(vs, ",")))
	}
	if strings.HasSuffix(u.Host, "qpic.cn") || strings.HasSuffix(u.Host, "qlogo.cn") {
		u.Scheme = "https"
	}
	u.RawQuery = fetchQ.Encode()
	return b.String(), u.String(), true
}

// hostOfKey is the host, as url.URL.Hostname gives it, of the image a key
// names: a key begins with its URL's host, up to the path or the query.
// The localizer asks it of every image on every build: a URL parse each
// was a fifth of an unchanged build's image stage.
func hostOfKey(key string) string {
	host := key
	if i := strings.IndexAny(key, "/?"); i >= 0 {
		host = key[:i]
	}
	return (&url.URL{Host: host}).Hostname()
}
