package resize

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"testing"
)

const maxPixels = 50_000_000

var opts = Options{MaxWidth: 1080, JPEGQuality: 85}

// gradient is a picture whose colour depends on position, so a scaled copy
// can be compared pixel by pixel with the original.
func gradient(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			m.Set(x, y, color.NRGBA{uint8(255 * x / w), uint8(255 * y / h), 128, 255})
		}
	}
	return m
}

func encPNG(m image.Image) []byte {
	var b bytes.Buffer
	png.Encode(&b, m)
	return b.Bytes()
}

func encJPEG(m image.Image) []byte {
	var b bytes.Buffer
	jpeg.Encode(&b, m, &jpeg.Options{Quality: 90})
	return b.Bytes()
}

func animated(w, h, frames int) []byte {
	g := &gif.GIF{}
	pal := color.Palette{color.Black, color.White, color.NRGBA{255, 0, 0, 255}}
	for f := range frames {
		m := image.NewPaletted(image.Rect(0, 0, w, h), pal)
		for x := range w {
			m.SetColorIndex(x, (x+f)%h, uint8(1+f%2))
		}
		g.Image = append(g.Image, m)
		g.Delay = append(g.Delay, 5)
	}
	var b bytes.Buffer
	gif.EncodeAll(&b, g)
	return b.Bytes()
}

// bombPNG is a tiny file that claims to be width × height: a valid header
// with a rewritten size and CRC.
func bombPNG(w, h uint32) []byte {
	data := encPNG(image.NewGray(image.Rect(0, 0, 1, 1)))
	ihdr := data[8:]
	binary.BigEndian.PutUint32(ihdr[8:], w)
	binary.BigEndian.PutUint32(ihdr[12:], h)
	binary.BigEndian.PutUint32(ihdr[21:], crc32.ChecksumIEEE(ihdr[4:21]))
	return data
}

// framesBomb is a small GIF whose many frames each cover a large canvas.
func framesBomb(w, h, frames int) []byte {
	g := &gif.GIF{Config: image.Config{Width: w, Height: h, ColorModel: color.Palette{color.Black, color.White}}}
	for range frames {
		g.Image = append(g.Image, image.NewPaletted(image.Rect(0, 0, 1, 1), color.Palette{color.Black, color.White}))
		g.Delay = append(g.Delay, 1)
	}
	var b bytes.Buffer
	gif.EncodeAll(&b, g)
	return b.Bytes()
}

// withOrientation inserts an EXIF APP1 segment saying orientation o.
func withOrientation(jpg []byte, o uint16) []byte {
	tiff := []byte("MM\x00\x2a\x00\x00\x00\x08\x00\x01\x01\x12\x00\x03\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00")
	binary.BigEndian.PutUint16(tiff[18:], o)
	seg := append([]byte("Exif\x00\x00"), tiff...)
	app1 := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(app1[2:], uint16(len(seg)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, app1...)
	out = append(out, seg...)
	return append(out, jpg[2:]...)
}

// webp1x1 is a 1×1 lossless WebP.
var webp1x1 = []byte("RIFF\x1a\x00\x00\x00WEBPVP8L\x0d\x00\x00\x00\x2f\x00\x00\x00\x10\x07\x10\x11\x11\x88\x88\xfe\x07\x00")

func TestInspect(t *testing.T) {
	jpg := encJPEG(gradient(640, 480))
	pngData := encPNG(gradient(300, 200))
	tests := []struct {
		name   string
		data   []byte
		format Format
		w, h   int
		frames int
		orient int
		err    error
	}{
		{"jpeg", jpg, JPEG, 640, 480, 1, 1, nil},
		{"png", pngData, PNG, 300, 200, 1, 1, nil},
		{"animated gif", animated(40, 30, 5), GIF, 40, 30, 5, 1, nil},
		{"webp", webp1x1, WebP, 1, 1, 1, 1, nil},
		{"jpeg rotated", withOrientation(jpg, 6), JPEG, 640, 480, 1, 6, nil},
		// WeChat's long infographics must pass.
		{"infographic 1080x20000", bombPNG(1080, 20000), PNG, 1080, 20000, 1, 1, nil},
		{"html page", []byte("<!DOCTYPE html><html><body>blocked</body></html>"), "", 0, 0, 0, 0, ErrNotImage},
		{"bmp", append([]byte("BM"), make([]byte, 64)...), "", 0, 0, 0, 0, ErrNotImage},
		{"tiff", append([]byte("II*\x00"), make([]byte, 64)...), "", 0, 0, 0, 0, ErrNotImage},
		{"truncated jpeg", jpg[:len(jpg)*2/3], JPEG, 0, 0, 0, 0, ErrTruncated},
		{"truncated png", pngData[:len(pngData)-20], PNG, 0, 0, 0, 0, ErrTruncated},
		{"truncated gif", animated(40, 30, 5)[:200], GIF, 0, 0, 0, 0, ErrTruncated},
		{"truncated webp", webp1x1[:30], WebP, 0, 0, 0, 0, ErrTruncated},
		{"png bad crc", append(append([]byte{}, pngData[:40]...), append([]byte{pngData[40] ^ 0xFF}, pngData[41:]...)...), PNG, 0, 0, 0, 0, ErrTruncated},
		// 16000×16000 is a few hundred bytes here and a gigabyte decoded.
		{"decompression bomb", bombPNG(16000, 16000), PNG, 0, 0, 0, 0, ErrTooLarge},
		{"gif frames bomb", framesBomb(2000, 2000, 20), GIF, 0, 0, 0, 0, ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			info, err := Inspect(tt.data, maxPixels)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if info.Format != tt.format || info.Width != tt.w || info.Height != tt.h || info.Frames != tt.frames || info.Orientation != tt.orient {
				t.Errorf("info = %+v", info)
			}
		})
	}
}

func TestProcessPassThrough(t *testing.T) {
	for name, data := range map[string][]byte{
		"jpeg": encJPEG(gradient(1080, 720)), "png": encPNG(gradient(640, 400)), "gif": animated(100, 50, 3), "webp": webp1x1,
	} {
		t.Run(name, func(t *testing.T) {
			info, err := Inspect(data, maxPixels)
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := Process(data, info, opts)
			if err != nil {
				t.Fatal(err)
			}
			if sha256.Sum256(out) != sha256.Sum256(data) {
				t.Error("a small web image was re-encoded")
			}
		})
	}
}

func TestProcessResizes(t *testing.T) {
	src := gradient(2160, 1440)
	for _, tt := range []struct {
		name   string
		data   []byte
		format Format
	}{{"jpeg", encJPEG(src), JPEG}, {"png", encPNG(src), PNG}} {
		t.Run(tt.name, func(t *testing.T) {
			info, _ := Inspect(tt.data, maxPixels)
			out, got, err := Process(tt.data, info, opts)
			if err != nil {
				t.Fatal(err)
			}
			if got.Width != 1080 || got.Height != 720 || got.Format != tt.format {
				t.Fatalf("got %+v", got)
			}
			m, format, err := image.Decode(bytes.NewReader(out))
			if err != nil || Format(format) != tt.format || m.Bounds().Dx() != 1080 || m.Bounds().Dy() != 720 {
				t.Fatalf("decoded %v %s %v", m.Bounds(), format, err)
			}
			// The scaled picture is the same picture: compare sample pixels.
			for _, p := range []image.Point{{100, 100}, {540, 360}, {1000, 600}} {
				want := src.NRGBAAt(p.X*2, p.Y*2)
				r, g, b, _ := m.At(p.X, p.Y).RGBA()
				if diff(uint8(r>>8), want.R) > 12 || diff(uint8(g>>8), want.G) > 12 || diff(uint8(b>>8), want.B) > 12 {
					t.Errorf("pixel %v = %d,%d,%d, want about %v", p, r>>8, g>>8, b>>8, want)
				}
			}
		})
	}
}

func diff(a, b uint8) uint8 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestProcessNeverUpscales(t *testing.T) {
	data := encJPEG(gradient(200, 100))
	info, _ := Inspect(withOrientation(data, 3), maxPixels)
	_, got, err := Process(withOrientation(data, 3), info, opts)
	if err != nil || got.Width != 200 || got.Height != 100 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestProcessAppliesOrientation(t *testing.T) {
	data := withOrientation(encJPEG(gradient(300, 100)), 6) // rotate 90° clockwise
	info, err := Inspect(data, maxPixels)
	if err != nil {
		t.Fatal(err)
	}
	_, got, err := Process(data, info, opts)
	if err != nil || got.Width != 100 || got.Height != 300 || got.Orientation != 1 {
		t.Fatalf("got %+v, %v", got, err)
	}
}

func TestProcessKeepsAnimation(t *testing.T) {
	data := animated(2000, 300, 6)
	info, err := Inspect(data, maxPixels)
	if err != nil {
		t.Fatal(err)
	}
	out, got, err := Process(data, info, opts)
	if err != nil {
		t.Fatal(err)
	}
	g, err := gif.DecodeAll(bytes.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Image) != 6 || got.Frames != 6 || g.Config.Width != 1080 || g.Config.Height != 162 {
		t.Errorf("%d frames of %dx%d (%+v)", len(g.Image), g.Config.Width, g.Config.Height, got)
	}
	for i, d := range g.Delay {
		if d != 5 {
			t.Errorf("frame %d delay %d", i, d)
		}
	}
}

// FuzzInspect: Inspect never panics and, when it accepts bytes, Process
// handles them and returns an image no wider than the maximum that Inspect
// accepts in turn.
func FuzzInspect(f *testing.F) {
	f.Add(encPNG(gradient(20, 10)))
	f.Add(encJPEG(gradient(20, 10)))
	f.Add(withOrientation(encJPEG(gradient(20, 10)), 8))
	f.Add(animated(30, 10, 3))
	f.Add(webp1x1)
	f.Add(bombPNG(4000, 4000))
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 20 // keeps each run small
		info, err := Inspect(data, limit)
		if err != nil {
			return
		}
		out, got, err := Process(data, info, Options{MaxWidth: 64, JPEGQuality: 80})
		if err != nil {
			return // undecodable pixel data behind a sound structure
		}
		again, err := Inspect(out, limit)
		if err != nil || again.Width > 64 || again.Width != got.Width || again.Height != got.Height {
			t.Fatalf("processed image: %+v, %v (claimed %+v)", again, err, got)
		}
	})
}
