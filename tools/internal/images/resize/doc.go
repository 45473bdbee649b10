// Package resize decides what bytes of a fetched image go into the store.
// Inspect reads an image's format, size and integrity from its structure,
// without decoding pixels, and refuses what must never be decoded (not an
// image, a format outside JPEG/PNG/GIF/WebP, more pixels than allowed,
// truncated). Process then keeps a web image that is small enough byte for
// byte, or scales it down with imaging, keeping every frame of an animated
// GIF and never upscaling.
//
// It never touches the network or the store.
package resize
