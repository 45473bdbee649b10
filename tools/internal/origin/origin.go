// Package origin is a stand-in image host: it draws pictures (photo-like
// gradients, bar charts, avatars) of the sizes and formats an archive's
// image URLs ask for, so the image stage can be exercised, tested and
// benchmarked against 127.0.0.1 (with --remap-host) instead of the
// internet. The same URL always gets the same bytes.
package origin

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"hash/fnv"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"net/http"
	"sync"
	"sync/atomic"
)

// Kind is what a picture looks like.
type Kind string

const (
	Photo  Kind = "photo"  // smooth gradients and soft shapes
	Chart  Kind = "chart"  // flat bars on a grid
	Avatar Kind = "avatar" // a disc on a plain ground
)

// Image is what the origin serves for one URL.
type Image struct {
	Width, Height int
	Format        string // jpeg, png or gif
	Kind          Kind
	// Frames > 1 makes an animated GIF.
	Frames int
}

// Server serves registered images by URL path and query.
type Server struct {
	mu     sync.RWMutex
	images map[string]Image
	// pictures holds one drawn picture per kind, format and size; each URL
	// gets it with a comment naming the URL, so no two URLs share bytes
	// (as no two real images do) and an archive of 30,000 images needs
	// only as many drawings as it has distinct sizes.
	pictures map[Image][]byte
	// Requests counts requests served.
	Requests atomic.Int64
}

// New returns an origin with no images.
func New() *Server {
	return &Server{images: map[string]Image{}, pictures: map[Image][]byte{}}
}

// Add registers the image served at a URL path, whatever the query.
func (s *Server) Add(path string, img Image) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.images[path] = img
}

// Prerender draws every distinct picture now, on jobs goroutines, so that
// serving costs nothing measurable later (benchmarks time the fetcher, not
// the origin).
func (s *Server) Prerender(jobs int) {
	s.mu.RLock()
	var todo []Image
	seen := map[Image]bool{}
	for _, img := range s.images {
		if _, drawn := s.pictures[img]; !drawn && !seen[img] {
			seen[img] = true
			todo = append(todo, img)
		}
	}
	s.mu.RUnlock()
	var wg sync.WaitGroup
	next := make(chan Image)
	for range max(jobs, 1) {
		wg.Go(func() {
			for img := range next {
				picture := Render(fmt.Sprintf("%v", img), img)
				s.mu.Lock()
				s.pictures[img] = picture
				s.mu.Unlock()
			}
		})
	}
	for _, img := range todo {
		next <- img
	}
	close(next)
	wg.Wait()
}

// Len is how many images are registered.
func (s *Server) Len() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return len(s.images)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.Requests.Add(1)
	data, ok := s.bytes(r.URL.EscapedPath())
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", http.DetectContentType(data))
	w.Write(data)
}

func (s *Server) bytes(key string) ([]byte, bool) {
	s.mu.RLock()
	img, ok := s.images[key]
	picture, drawn := s.pictures[img]
	s.mu.RUnlock()
	if !ok {
		return nil, false
	}
	if !drawn {
		picture = Render(fmt.Sprintf("%v", img), img)
		s.mu.Lock()
		s.pictures[img] = picture
		s.mu.Unlock()
	}
	return withComment(picture, img.Format, key), true
}

// withComment adds a comment naming the URL to an encoded image, keeping
// its pixels: a COM segment in a JPEG, a tEXt chunk in a PNG, a comment
// extension in a GIF.
func withComment(data []byte, format, text string) []byte {
	if len(text) > 250 {
		text = text[len(text)-250:]
	}
	var out []byte
	switch format {
	case "png":
		chunk := make([]byte, 0, len(text)+20)
		chunk = binary.BigEndian.AppendUint32(chunk, uint32(len(text)+8))
		body := append([]byte("tEXtComment\x00"), text...)
		chunk = append(chunk, body...)
		chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(body))
		binary.BigEndian.PutUint32(chunk, uint32(len(body)-4))
		out = append(append(append(out, data[:33]...), chunk...), data[33:]...) // after IHDR
	case "gif":
		i := bytes.LastIndexByte(data, 0x3B) // before the trailer
		ext := append([]byte{0x21, 0xFE, byte(len(text))}, text...)
		ext = append(ext, 0)
		out = append(append(append(out, data[:i]...), ext...), data[i:]...)
	default:
		seg := []byte{0xFF, 0xFE, 0, 0}
		binary.BigEndian.PutUint16(seg[2:], uint16(len(text)+2))
		out = append(append(append(append(out, data[:2]...), seg...), text...), data[2:]...)
	}
	return out
}

// Render draws the picture for an image; name seeds its colours.
func Render(name string, img Image) []byte {
	h := fnv.New64a()
	h.Write([]byte(name))
	seed := h.Sum64()
	var buf bytes.Buffer
	switch img.Format {
	case "gif":
		frames := max(img.Frames, 1)
		g := &gif.GIF{}
		for f := range frames {
			pal := image.NewPaletted(image.Rect(0, 0, img.Width, img.Height), palette(seed))
			draw(pal, img.Kind, seed, float64(f)/float64(frames))
			g.Image = append(g.Image, pal)
			g.Delay = append(g.Delay, 10)
		}
		gif.EncodeAll(&buf, g)
	case "png":
		m := image.NewNRGBA(image.Rect(0, 0, img.Width, img.Height))
		draw(m, img.Kind, seed, 0)
		png.Encode(&buf, m)
	default:
		m := image.NewNRGBA(image.Rect(0, 0, img.Width, img.Height))
		draw(m, img.Kind, seed, 0)
		jpeg.Encode(&buf, m, &jpeg.Options{Quality: 82})
	}
	return buf.Bytes()
}

type settable interface {
	Set(x, y int, c color.Color)
	Bounds() image.Rectangle
}

// fastSet writes an NRGBA pixel without going through color.Color, which
// dominates the cost of drawing large pictures.
func fastSet(m settable) func(x, y int, c color.NRGBA) {
	if n, ok := m.(*image.NRGBA); ok {
		return func(x, y int, c color.NRGBA) {
			i := n.PixOffset(x, y)
			n.Pix[i], n.Pix[i+1], n.Pix[i+2], n.Pix[i+3] = c.R, c.G, c.B, c.A
		}
	}
	return func(x, y int, c color.NRGBA) { m.Set(x, y, c) }
}

func hue(seed uint64, shift int) color.NRGBA {
	a := float64((seed>>uint(shift))%360) * math.Pi / 180
	return color.NRGBA{uint8(128 + 100*math.Cos(a)), uint8(128 + 100*math.Cos(a+2.1)), uint8(128 + 100*math.Cos(a+4.2)), 255}
}

func palette(seed uint64) color.Palette {
	p := color.Palette{}
	for i := range 64 {
		c := hue(seed+uint64(i*37), 0)
		p = append(p, c)
	}
	return append(p, color.White, color.Black)
}

func mix(a, b color.NRGBA, t float64) color.NRGBA {
	t = math.Max(0, math.Min(1, t))
	return color.NRGBA{
		uint8(float64(a.R)*(1-t) + float64(b.R)*t),
		uint8(float64(a.G)*(1-t) + float64(b.G)*t),
		uint8(float64(a.B)*(1-t) + float64(b.B)*t), 255,
	}
}

// draw paints the picture; phase animates GIF frames.
func draw(m settable, kind Kind, seed uint64, phase float64) {
	b := m.Bounds()
	w, h := float64(b.Dx()), float64(b.Dy())
	c1, c2, c3 := hue(seed, 0), hue(seed, 9), hue(seed, 18)
	set := fastSet(m)
	switch kind {
	case Chart:
		bars := 4 + int(seed%6)
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				c := color.NRGBA{250, 250, 247, 255}
				if y%max(b.Dy()/8, 1) == 0 {
					c = color.NRGBA{225, 225, 220, 255}
				}
				slot := int(float64(x) / w * float64(bars))
				inBar := math.Mod(float64(x)/w*float64(bars), 1) > 0.2
				height := 0.2 + 0.7*float64((seed>>uint(slot*5))%100)/100
				if inBar && float64(b.Dy()-y) < height*h*(0.9+0.1*math.Sin(phase*2*math.Pi)) {
					c = mix(c1, c2, float64(slot)/float64(bars))
				}
				set(x, y, c)
			}
		}
	case Avatar:
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				dx, dy := float64(x)/w-0.5, float64(y)/h-0.5
				c := c3
				if dx*dx+dy*dy < 0.16 {
					c = mix(c1, c2, float64(y)/h)
				}
				set(x, y, c)
			}
		}
	default:
		cx, cy := 0.3+0.4*float64(seed%100)/100, 0.3+0.4*float64(seed/100%100)/100
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				fx, fy := float64(x)/w, float64(y)/h
				d := math.Hypot(fx-cx-0.1*math.Sin(phase*2*math.Pi), (fy-cy)*h/w)
				c := mix(mix(c1, c2, fy), c3, 1-d*2.5)
				// A little texture, so JPEGs compress like photos.
				n := uint8((uint64(x*7919+y*104729) ^ seed) % 9)
				c.R, c.G, c.B = c.R-min(c.R, n), c.G-min(c.G, n), c.B-min(c.B, n)
				set(x, y, c)
			}
		}
	}
}
