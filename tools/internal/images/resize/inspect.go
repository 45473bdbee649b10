package resize

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	_ "image/gif"  // register the decoder for DecodeConfig
	_ "image/jpeg" // register the decoder for DecodeConfig
	_ "image/png"  // register the decoder for DecodeConfig

	_ "golang.org/x/image/webp" // register the decoder for DecodeConfig
)

// Format is an accepted image format, named as image.Decode names it.
type Format string

const (
	JPEG Format = "jpeg"
	PNG  Format = "png"
	GIF  Format = "gif"
	WebP Format = "webp"
)

// Ext is the file extension for the format.
func (f Format) Ext() string {
	if f == JPEG {
		return "jpg"
	}
	return string(f)
}

// Errors Inspect returns; each is a permanent property of the bytes.
var (
	ErrNotImage  = errors.New("not a JPEG, PNG, GIF or WebP image")
	ErrTooLarge  = errors.New("too many pixels")
	ErrTruncated = errors.New("truncated or corrupt image")
)

// Info is what Inspect learned about an image.
type Info struct {
	Format        Format
	Width, Height int
	// Frames is the number of frames of a GIF, 1 for other formats.
	Frames int
	// Orientation is the JPEG's EXIF orientation, 1 (upright) if none.
	Orientation int
}

// Pixels is how many pixels decoding every frame would produce.
func (i Info) Pixels() int64 { return int64(i.Width) * int64(i.Height) * int64(max(i.Frames, 1)) }

// Sniff names the format from the magic bytes, never from a Content-Type
// or a URL (WeChat's wx_fmt often says jpeg for a PNG). TIFF, BMP and the
// rest are refused: their decoders have had memory bombs.
func Sniff(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF
	case len(data) >= 12 && bytes.HasPrefix(data, []byte("RIFF")) && string(data[8:12]) == "WEBP":
		return WebP
	}
	return ""
}

// Inspect reads an image's format, dimensions, frame count and orientation
// from its headers and checks it is complete, without decoding pixels.
// Images whose frames together hold more than maxPixels are refused here,
// before anything would allocate them.
func Inspect(data []byte, maxPixels int64) (Info, error) {
	info := Info{Format: Sniff(data), Frames: 1, Orientation: 1}
	if info.Format == "" {
		return info, ErrNotImage
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil || Format(format) != info.Format {
		return info, fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	info.Width, info.Height = cfg.Width, cfg.Height
	if info.Width <= 0 || info.Height <= 0 {
		return info, fmt.Errorf("%w: %dx%d", ErrTruncated, info.Width, info.Height)
	}
	if int64(info.Width)*int64(info.Height) > maxPixels {
		return info, fmt.Errorf("%w: %dx%d is over the limit of %d pixels", ErrTooLarge, info.Width, info.Height, maxPixels)
	}
	switch info.Format {
	case JPEG:
		info.Orientation, err = checkJPEG(data)
	case PNG:
		err = checkPNG(data)
	case GIF:
		info.Frames, err = checkGIF(data)
	case WebP:
		err = checkWebP(data)
	}
	if err != nil {
		return info, fmt.Errorf("%w: %v", ErrTruncated, err)
	}
	if info.Pixels() > maxPixels {
		return info, fmt.Errorf("%w: %d frames of %dx%d are over the limit of %d pixels", ErrTooLarge, info.Frames, info.Width, info.Height, maxPixels)
	}
	return info, nil
}
