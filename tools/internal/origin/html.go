package origin

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// AddFromHTML registers every image an article body shows on host, with
// the size its markup announces (WeChat's data-w and data-ratio), the
// format its URL or markup names, and a look to match: PNGs are charts,
// JPEGs photos, account avatars discs. It returns how many it added.
func (s *Server) AddFromHTML(body []byte, host string) int {
	z := html.NewTokenizer(bytes.NewReader(body))
	n := 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return n
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, _ := z.TagName()
		attrs := map[string]string{}
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			attrs[string(k)] = string(v)
		}
		raw, img := "", Image{Width: 640, Format: "jpeg", Kind: Photo}
		switch string(name) {
		case "img":
			raw = attrs["data-src"]
			if raw == "" {
				raw = attrs["src"]
			}
			if w, err := strconv.Atoi(attrs["data-w"]); err == nil && w > 0 {
				img.Width = w
			}
			ratio, err := strconv.ParseFloat(attrs["data-ratio"], 64)
			if err != nil || ratio <= 0 {
				ratio = 0.66
			}
			img.Height = max(1, int(float64(img.Width)*ratio+0.5))
		case "mp-common-profile":
			raw = attrs["data-headimg"]
			img = Image{Width: 300, Height: 300, Kind: Avatar}
		default:
			continue
		}
		u, err := url.Parse(strings.TrimSpace(raw))
		if err != nil || !strings.EqualFold(u.Hostname(), host) {
			continue
		}
		img.Format = formatOf(u, attrs["data-type"])
		switch {
		case img.Kind == Avatar:
		case img.Format == "png":
			img.Kind = Chart
		case img.Format == "gif":
			img.Kind, img.Frames = Chart, 3
		}
		s.Add(u.EscapedPath(), img)
		n++
	}
}

func formatOf(u *url.URL, dataType string) string {
	f := strings.ToLower(u.Query().Get("wx_fmt"))
	if f == "" {
		f = strings.ToLower(dataType)
	}
	switch f {
	case "png", "gif":
		return f
	}
	return "jpeg"
}
