package images

import (
	"context"
	"fmt"
	"testing"

	"github.com/archivemirror/mirror/tools/internal/origin"
)

// benchLocalize localizes n images of the given size from a local origin
// into a fresh in-memory store per iteration, on the default 8 connections,
// and reports images per second.
func benchLocalize(b *testing.B, width, height int, widths []int) {
	c := newCDN(&testing.T{})
	defer c.Close()
	const n = 100
	var urls []string
	for i := range n {
		data := origin.Render(fmt.Sprint(i), origin.Image{Width: width, Height: height, Format: "jpeg", Kind: origin.Photo})
		urls = append(urls, c.bytes(fmt.Sprintf("/b%d", i), data))
	}
	refs := scanAll(page(urls...))
	b.ResetTimer()
	for b.Loop() {
		st := memStore(&testing.T{})
		cfg := NewDefaultConfig()
		cfg.Widths = widths
		stats, err := localizer(&testing.T{}, c, cfg, st).Localize(context.Background(), refs)
		if err != nil || stats.Stored != n {
			b.Fatalf("%+v %v", stats, err)
		}
	}
	perImage := b.Elapsed().Seconds() / float64(b.N*n)
	b.ReportMetric(1/perImage, "images/s")
	b.ReportMetric(perImage*1000, "ms/image")
}

// A 1080×720 JPEG: fetched, checked, stored byte for byte.
func BenchmarkLocalizePassThrough(b *testing.B) { benchLocalize(b, 1080, 720, nil) }

// The same, plus the default 540 px copy for srcset (a decode, a resize, an
// encode).
func BenchmarkLocalizePassThroughWithVariant(b *testing.B) {
	benchLocalize(b, 1080, 720, NewDefaultConfig().Widths)
}

// A 2160×1440 JPEG: fetched, decoded, scaled to 1080 wide, encoded, stored.
func BenchmarkLocalizeResize(b *testing.B) { benchLocalize(b, 2160, 1440, nil) }
