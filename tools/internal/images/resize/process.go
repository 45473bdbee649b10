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
	"sort"

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

// Result is what to store for an image: its bytes and what they hold, and
// its narrower copies.
type Result struct {
	Data     []byte
	Info     Info
	Variants []Variant
}

// Process returns the bytes to store for an inspected image and what they
// hold. A web image small enough is returned as it is, never re-encoded;
// others are decoded, turned upright, scaled down to MaxWidth (never up) and
// encoded again in their format (WebP, which the Go libraries cannot
// encode, as JPEG, or PNG when it has transparency).
func Process(data []byte, info Info, o Options) ([]byte, Info, error) {
	r, err := Shape(data, info, o, nil)
	return r.Data, r.Info, err
}

// Shape is Process plus the narrower copies at widths, made from one
// decode: the image is converted to RGBA once, and each copy is scaled from
// the next larger one, which costs a fraction of scaling the original.
func Shape(data []byte, info Info, o Options, widths []int) (Result, error) {
	final := min(info.Width, o.MaxWidth)
	wanted := narrower(widths, final, info)
	if o.Passes(info) && len(wanted) == 0 {
		return Result{Data: data, Info: info}, nil
	}
	if info.Format == GIF && info.Frames > 1 {
		out, outInfo, err := resizeAnimated(data, info, o)
		return Result{Data: out, Info: outInfo}, err
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return Result{Info: info}, fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	base := imaging.Clone(img)
	res := Result{Data: data, Info: info}
	if !o.Passes(info) {
		if base.Bounds().Dx() > o.MaxWidth {
			base = imaging.Resize(base, o.MaxWidth, 0, imaging.Lanczos)
		}
		format := storedFormat(info.Format, img)
		if res.Data, err = encode(base, format, o.JPEGQuality, png.BestCompression); err != nil {
			return res, err
		}
		res.Info = Info{Format: format, Width: base.Bounds().Dx(), Height: base.Bounds().Dy(), Frames: 1, Orientation: 1}
	}
	res.Variants, err = variantsOf(base, storedFormat(info.Format, img), wanted, o.JPEGQuality)
	return res, err
}

// narrower keeps the widths below the stored width, widest first; animated
// GIFs get none: their frames make copies costly, and browsers show them at
// any size.
func narrower(widths []int, stored int, info Info) []int {
	if info.Format == GIF && info.Frames > 1 {
		return nil
	}
	var out []int
	for _, w := range widths {
		if w > 0 && w < stored {
			out = append(out, w)
		}
	}
	sort.Sort(sort.Reverse(sort.IntSlice(out)))
	return out
}

// storedFormat is the format a decoded image is encoded in.
func storedFormat(f Format, img image.Image) Format {
	switch {
	case f == PNG, f == WebP && !opaque(img):
		return PNG
	case f == GIF:
		return GIF
	}
	return JPEG
}

func encode(img image.Image, f Format, quality int, level png.CompressionLevel) ([]byte, error) {
	var buf bytes.Buffer
	var err error
	switch f {
	case PNG:
		err = (&png.Encoder{CompressionLevel: level}).Encode(&buf, img)
	case GIF:
		err = gif.Encode(&buf, img, nil)
	default:
		err = jpeg.Encode(&buf, img, &jpeg.Options{Quality: quality})
	}
	return buf.Bytes(), err
}

// variantsOf scales base down to each width in turn, widest first.
func variantsOf(base *image.NRGBA, f Format, widths []int, quality int) ([]Variant, error) {
	if f == GIF {
		f = PNG // a still GIF's copies keep its colours without dithering
	}
	var out []Variant
	cur := base
	for _, w := range widths {
		cur = imaging.Resize(cur, w, 0, imaging.Lanczos)
		data, err := encode(cur, f, quality, png.BestSpeed)
		if err != nil {
			return nil, err
		}
		out = append(out, Variant{Width: w, Height: cur.Bounds().Dy(), Data: data, Format: f})
	}
	return out, nil
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

// Variants makes copies of a stored image at each of widths narrower than
// it (for a store made before the widths were set).
func Variants(data []byte, info Info, widths []int, quality int) ([]Variant, error) {
	wanted := narrower(widths, info.Width, info)
	if len(wanted) == 0 {
		return nil, nil
	}
	img, err := imaging.Decode(bytes.NewReader(data), imaging.AutoOrientation(true))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	return variantsOf(imaging.Clone(img), storedFormat(info.Format, img), wanted, quality)
}
