package publish

import (
	"errors"
	"strings"
	"testing"
)

func TestHostCheck(t *testing.T) {
	site := func(files, mediaFiles int, bytes, mediaBytes int64) Measure {
		return Measure{Files: files, Bytes: bytes, MediaFiles: mediaFiles, MediaBytes: mediaBytes}
	}
	const mb = 1 << 20
	big := site(300, 10, 10*mb, 0)
	big.Largest.Path, big.Largest.Size = "static/video.mp4", 30*mb
	busy := site(60000, 0, 100*mb, 0)
	busy.Busiest.Path, busy.Busiest.Files = "tags", 55000
	cases := []struct {
		name   string
		host   Host
		m      Measure
		notice string // "" for none
		over   string // "" for a site the host accepts
	}{
		{"small on GitHub", Host{Name: "github-pages"}, site(14000, 10000, 600*mb, 500*mb), "", ""},
		{"near GitHub's GB", Host{Name: "github-pages"}, site(14000, 10000, 900*mb, 800*mb), "near GitHub Pages' limit (87%)", ""},
		{"over GitHub's GB", Host{Name: "github-pages"}, site(24000, 20000, 1300*mb, 1200*mb), "", "media bucket"},
		{"over, pages only", Host{Name: "github-pages"}, site(24000, 0, 1300*mb, 0), "", "maxBytes"},
		{"Cloudflare's files", Host{Name: "cloudflare-pages"}, site(20001, 6000, 100*mb, 90*mb), "", "the site has 20001 files, Cloudflare Pages allows 20000: put the images in a media bucket"},
		{"Cloudflare, no images", Host{Name: "cloudflare-pages"}, site(20001, 0, 100*mb, 0), "", "raise pagination.pagerSize"},
		{"Cloudflare near", Host{Name: "cloudflare-pages"}, site(17000, 0, 100*mb, 0), "near Cloudflare Pages' limit (85%)", ""},
		{"Cloudflare paid", Host{Name: "cloudflare-pages", MaxFiles: 100000}, site(20001, 0, 100*mb, 0), "", ""},
		{"Cloudflare's file size", Host{Name: "cloudflare-pages"}, big, "", "static/video.mp4 is 31.5 MB"},
		{"Netlify's directory", Host{Name: "netlify"}, busy, "", "tags holds 55000 files"},
		{"no host", Host{Name: "none"}, busy, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			notices, err := c.host.Check(c.m)
			if c.over == "" && err != nil {
				t.Fatalf("refused: %v", err)
			}
			if c.over != "" && (!errors.Is(err, ErrOverLimit) || !strings.Contains(err.Error(), c.over)) {
				t.Fatalf("error %v, want one saying %q", err, c.over)
			}
			got := strings.Join(notices, "\n")
			if (c.notice == "") != (got == "") || !strings.Contains(got, c.notice) {
				t.Errorf("notices %q, want %q", got, c.notice)
			}
		})
	}
	if err := (Host{Name: "geocities"}).Validate(); err == nil || !strings.Contains(err.Error(), "cloudflare-pages") {
		t.Errorf("unknown host: %v", err)
	}
}
