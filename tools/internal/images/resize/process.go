package resize

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/gif"
	"image/jpeg"
	"image/png"

	"github.com/disintegration/imaging"
)

// Options say how stored images are shaped.
type Options struct {
	// MaxWidth is the widest a stored image may be; wider ones are scaled
	// down, keeping their aspect ratio.
	MaxWidth int
	// JPEGQuality is used when a JPEG (or an opaque WebP) is re-encoded.
	JPEGQuality int
}

// Passes says whether an image is stored byte for byte: a format browsers
// show, no wider than the maximum, upright.
func (o Options) Passes(info Info) bool {
	return info.Width <= o.MaxWidth && info.Orientation == 1
}

// Process returns the bytes to store for an inspected image and what they
// hold. A web image small enough is returned as it is, never re-encoded;
// others are decoded, turned upright, scaled down to MaxWidth (never up) and
// encoded again in their format (WebP, which the Go libraries cannot
// encode, as JPEG, or PNG when it has transparency).
func Process(data []byte, info Info, o Options) ([]byte, Info, error) {
	if o.Passes(info) {
		return data, info, nil
	}
	if info.Format == GIF && info.Frames > 1 {
		return resizeAnimated(data, info, o)
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, info, fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	if img.Bounds().Dx() > o.MaxWidth {
		img = imaging.Resize(img, o.MaxWidth, 0, imaging.Lanczos)
	}
	out := Info{Format: info.Format, Width: img.Bounds().Dx(), Height: img.Bounds().Dy(), Frames: 1, Orientation: 1}
	var buf bytes.Buffer
	switch {
	case info.Format == PNG, info.Format == WebP && !opaque(img):
		out.Format = PNG
		err = (&png.Encoder{CompressionLevel: png.BestCompression}).Encode(&buf, img)
	case info.Format == GIF:
		err = gif.Encode(&buf, img, nil)
	default:
		out.Format = JPEG
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: o.JPEGQuality})
	}
	if err != nil {
		return nil, info, err
	}
	return buf.Bytes(), out, nil
}

func opaque(img image.Image) bool {
	if o, ok := img.(interface{ Opaque() bool }); ok {
		return o.Opaque()
	}
	return false
}

// resizeAnimated scales every frame of an animated GIF. Frames may cover
// only part of the canvas and depend on the ones before, so each is drawn on
// the canvas as a viewer would, the canvas is scaled, and the result stored
// as a whole frame in the frame's own palette.
func resizeAnimated(data []byte, info Info, o Options) ([]byte, Info, error) {
	g, err := gif.DecodeAll(bytes.NewReader(data))
	if err != nil {
		return nil, info, fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	w := min(info.Width, o.MaxWidth)
	h := max(1, info.Height*w/info.Width)
	out := &gif.GIF{LoopCount: g.LoopCount, Config: image.Config{Width: w, Height: h}}
	canvas := image.NewNRGBA(image.Rect(0, 0, g.Config.Width, g.Config.Height))
	for i, frame := range g.Image {
		var saved *image.NRGBA
		if g.Disposal != nil && g.Disposal[i] == gif.DisposalPrevious {
			saved = imaging.Clone(canvas)
		}
		draw.Draw(canvas, frame.Bounds(), frame, frame.Bounds().Min, draw.Over)
		scaled := imaging.Resize(canvas, w, h, imaging.Lanczos)
		pal := image.NewPaletted(scaled.Bounds(), paletteWithTransparency(frame.Palette))
		draw.FloydSteinberg.Draw(pal, pal.Bounds(), scaled, image.Point{})
		out.Image = append(out.Image, pal)
		out.Delay = append(out.Delay, g.Delay[i])
		out.Disposal = append(out.Disposal, gif.DisposalNone)
		switch {
		case saved != nil:
			canvas = saved
		case g.Disposal != nil && g.Disposal[i] == gif.DisposalBackground:
			draw.Draw(canvas, frame.Bounds(), image.Transparent, image.Point{}, draw.Src)
		}
	}
	var buf bytes.Buffer
	if err := gif.EncodeAll(&buf, out); err != nil {
		return nil, info, err
	}
	return buf.Bytes(), Info{Format: GIF, Width: w, Height: h, Frames: len(out.Image), Orientation: 1}, nil
}

// paletteWithTransparency makes sure a frame's palette can express the
// transparent parts of the canvas.
func paletteWithTransparency(p color.Palette) color.Palette {
	for _, c := range p {
		if _, _, _, a := c.RGBA(); a == 0 {
			return p
		}
	}
	if len(p) < 256 {
		return append(append(color.Palette{}, p...), color.Transparent)
	}
	return p
}

// Variant is a narrower copy of an image, for srcset.
type Variant struct {
	Width, Height int
	Data          []byte
	Format        Format
}

// Variants makes copies of an image at each of widths narrower than it,
// from the image as stored. Animated GIFs get none: their frames make
// copies costly, and browsers show them at any size.
func Variants(data []byte, info Info, widths []int, quality int) ([]Variant, error) {
	var wanted []int
	for _, w := range widths {
		if w > 0 && w < info.Width {
			wanted = append(wanted, w)
		}
	}
	if len(wanted) == 0 || info.Format == GIF {
		return nil, nil
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	var out []Variant
	for _, w := range wanted {
		small := imaging.Resize(img, w, 0, imaging.Lanczos)
		var buf bytes.Buffer
		format := info.Format
		switch {
		case format == PNG, format == WebP && !opaque(img):
			format = PNG
			err = (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, small)
		default:
			format = JPEG
			err = jpeg.Encode(&buf, small, &jpeg.Options{Quality: quality})
		}
		if err != nil {
			return nil, err
		}
		out = append(out, Variant{Width: w, Height: small.Bounds().Dy(), Data: buf.Bytes(), Format: format})
	}
	return out, nil
}
