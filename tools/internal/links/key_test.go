package links

import "testing"

const (
	biz  = "MjM5MDA2NDk0MA=="
	long = "https://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1&sn=86217a03f3c3424a3ea8adc8a74969a8"
)

func TestKey(t *testing.T) {
	want := "wechat:" + biz + "/2651323172/1"
	same := []struct{ name, url string }{
		// From the seed: http, &amp;, chksm and scene, #wechat_redirect.
		{"seed", "http://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&amp;mid=2651323172&amp;idx=1&amp;sn=86217a03f3c3424a3ea8adc8a74969a8&amp;chksm=bdb9d3678ace5a71df6f5e54757ef56ed59c7230edae4bd6c81b77db81087d0322d0e014787b&amp;scene=21#wechat_redirect"},
		{"https", long},
		{"reordered", "https://mp.weixin.qq.com/s?sn=86217a03f3c3424a3ea8adc8a74969a8&idx=1&mid=2651323172&__biz=MjM5MDA2NDk0MA=="},
		{"extra parameters", long + "&chksm=x&scene=21&ascene=1&devicetype=iOS&key=abc&pass_ticket=p"},
		{"#rd", long + "#rd"},
		{"no sn", "https://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1"},
		{"escaped biz", "https://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA%3D%3D&mid=2651323172&idx=1"},
		{"uppercase host", "HTTPS://MP.WEIXIN.QQ.COM/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1"},
		{"host variant", "https://weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1"},
		{"protocol-relative", "//mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1"},
		{"trailing slash", "https://mp.weixin.qq.com/s/?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1"},
		{"spaces", "  " + long + "\n"},
		{"appmsg show", "https://mp.weixin.qq.com/mp/appmsg/show?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1"},
		{"broken percent escape", "https://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1&x=100%&y=%zz"},
	}
	for _, tt := range same {
		if got, ok := Key(tt.url); !ok || got != want {
			t.Errorf("%s: Key = %q, %v; want %q", tt.name, got, ok, want)
		}
	}
	differ := []struct{ name, url, want string }{
		{"other idx", "https://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=2", "wechat:" + biz + "/2651323172/2"},
		{"short form", "https://mp.weixin.qq.com/s/bDQ4yUSTjOEAgOaWpezwXQ", "wechat:s/bDQ4yUSTjOEAgOaWpezwXQ"},
		{"short form, http, query", "http://mp.weixin.qq.com/s/bDQ4yUSTjOEAgOaWpezwXQ?scene=1#rd", "wechat:s/bDQ4yUSTjOEAgOaWpezwXQ"},
		// Not articles: the video player and profile pages.
		{"video player", "https://mp.weixin.qq.com/mp/readtemplate?t=pages/video_player_tmpl&amp;action=mpvideo&amp;auto=0&amp;vid=wxv_2888140406973202436", "mp.weixin.qq.com/mp/readtemplate?action=mpvideo&auto=0&t=pages%2Fvideo_player_tmpl&vid=wxv_2888140406973202436"},
		{"profile", "https://mp.weixin.qq.com/mp/profile_ext?action=home&__biz=MjM5MDA2NDk0MA==", "mp.weixin.qq.com/mp/profile_ext?__biz=MjM5MDA2NDk0MA%3D%3D&action=home"},
		{"other site", "https://www.cnbeta.com.tw/articles/tech/1.htm?utm_source=x#top", "cnbeta.com.tw/articles/tech/1.htm"},
		{"percent-encoded path", "https://telegra.ph/%E6%8A%97%E6%8B%92-03-13", "telegra.ph/抗拒-03-13"},
	}
	for _, tt := range differ {
		if got, ok := Key(tt.url); !ok || got != tt.want {
			t.Errorf("%s: Key = %q, %v; want %q", tt.name, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"#section", "mailto:a@b.c", "javascript:alert(1)", "/relative/path", "", "https://"} {
		if k, ok := Key(bad); ok {
			t.Errorf("Key(%q) = %q, want not ok", bad, k)
		}
	}
}

func TestCanonical(t *testing.T) {
	tests := []struct{ in, want string }{
		{"http://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&amp;mid=2651323172&amp;idx=1&amp;sn=86217a03f3c3424a3ea8adc8a74969a8&amp;chksm=bd&amp;scene=21#wechat_redirect", long},
		{"https://mp.weixin.qq.com/s?mid=2651323172&__biz=MjM5MDA2NDk0MA%3D%3D", "https://mp.weixin.qq.com/s?__biz=MjM5MDA2NDk0MA==&mid=2651323172&idx=1"},
		{"http://mp.weixin.qq.com/s/bDQ4yUSTjOEAgOaWpezwXQ#rd", "https://mp.weixin.qq.com/s/bDQ4yUSTjOEAgOaWpezwXQ"},
	}
	for _, tt := range tests {
		if got, ok := Canonical(tt.in); !ok || got != tt.want {
			t.Errorf("Canonical(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	for _, not := range []string{"https://mp.weixin.qq.com/mp/readtemplate?vid=1", "https://example.com/s?__biz=x&mid=1", "mailto:x@y"} {
		if got, ok := Canonical(not); ok {
			t.Errorf("Canonical(%q) = %q, want not an article", not, got)
		}
	}
}

// FuzzKey: the canonicalizer never panics; a key is stable under its own
// canonical URL (the canonical URL of an article is the same article), and
// the canonical URL is canonical.
func FuzzKey(f *testing.F) {
	for _, s := range []string{long, "http://mp.weixin.qq.com/s/abc#rd", "//x.example/a?utm_source=1&b=2", "https://mp.weixin.qq.com/s?__biz=%zz&mid=1", "https://[::1]:80/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		key, ok := Key(raw)
		canon, isArticle := Canonical(raw)
		if isArticle && !ok {
			t.Fatalf("an article URL without a key: %q", raw)
		}
		if !isArticle {
			return
		}
		if k2, _ := Key(canon); k2 != key {
			t.Fatalf("Key(Canonical(%q)) = %q, want %q", raw, k2, key)
		}
		if c2, _ := Canonical(canon); c2 != canon {
			t.Fatalf("Canonical is not idempotent: %q → %q → %q", raw, canon, c2)
		}
	})
}
