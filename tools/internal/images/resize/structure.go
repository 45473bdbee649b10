package resize

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
)

// checkJPEG walks the markers up to the first scan, reading the EXIF
// orientation on the way, and checks that an end-of-image marker follows
// the scan: entropy-coded data cannot contain one (0xFF is stuffed), so its
// absence means the file was cut.
func checkJPEG(data []byte) (orientation int, err error) {
	orientation = 1
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xFF {
			return orientation, errors.New("jpeg: bad marker")
		}
		marker := data[i+1]
		if marker == 0xFF { // fill byte
			i++
			continue
		}
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 {
			i += 2
			continue
		}
		size := int(binary.BigEndian.Uint16(data[i+2:]))
		if size < 2 || i+2+size > len(data) {
			return orientation, errors.New("jpeg: segment past the end")
		}
		segment := data[i+4 : i+2+size]
		if marker == 0xE1 && bytes.HasPrefix(segment, []byte("Exif\x00\x00")) {
			if o := exifOrientation(segment[6:]); o >= 1 && o <= 8 {
				orientation = o
			}
		}
		if marker == 0xDA { // start of scan
			if !bytes.Contains(data[i+2+size:], []byte{0xFF, 0xD9}) {
				return orientation, errors.New("jpeg: no end-of-image marker after the scan")
			}
			return orientation, nil
		}
		i += 2 + size
	}
	return orientation, errors.New("jpeg: no scan")
}

// exifOrientation reads tag 0x0112 from IFD0 of a TIFF structure, or 0.
func exifOrientation(tiff []byte) int {
	if len(tiff) < 8 {
		return 0
	}
	var order binary.ByteOrder
	switch string(tiff[:2]) {
	case "II":
		order = binary.LittleEndian
	case "MM":
		order = binary.BigEndian
	default:
		return 0
	}
	ifd := int(order.Uint32(tiff[4:]))
	if ifd < 8 || ifd+2 > len(tiff) {
		return 0
	}
	n := int(order.Uint16(tiff[ifd:]))
	for e := 0; e < n; e++ {
		at := ifd + 2 + 12*e
		if at+12 > len(tiff) {
			return 0
		}
		if order.Uint16(tiff[at:]) == 0x0112 && order.Uint16(tiff[at+2:]) == 3 {
			return int(order.Uint16(tiff[at+8:]))
		}
	}
	return 0
}

// checkPNG walks the chunks, checking each one's CRC, up to IEND.
func checkPNG(data []byte) error {
	for i := 8; ; {
		if i+12 > len(data) {
			return errors.New("png: no IEND chunk")
		}
		n := int(binary.BigEndian.Uint32(data[i:]))
		if n < 0 || n > len(data)-i-12 {
			return errors.New("png: chunk past the end")
		}
		typ := data[i+4 : i+8]
		if crc32.ChecksumIEEE(data[i+4:i+8+n]) != binary.BigEndian.Uint32(data[i+8+n:]) {
			return fmt.Errorf("png: bad CRC in %s chunk", typ)
		}
		if string(typ) == "IEND" {
			return nil
		}
		i += 12 + n
	}
}

// checkGIF walks the blocks to the trailer and counts the frames, so the
// pixels of all frames can be limited before decoding any.
func checkGIF(data []byte) (frames int, err error) {
	if len(data) < 13 {
		return 0, errors.New("gif: short header")
	}
	i := 13
	if data[10]&0x80 != 0 {
		i += 3 << (data[10]&7 + 1)
	}
	for i < len(data) {
		switch data[i] {
		case 0x3B: // trailer
			return frames, nil
		case 0x21: // extension: label, then sub-blocks
			if i, err = skipSubBlocks(data, i+2); err != nil {
				return frames, err
			}
		case 0x2C: // image descriptor
			if i+10 > len(data) {
				return frames, errors.New("gif: short image descriptor")
			}
			frames++
			flags := data[i+9]
			i += 10
			if flags&0x80 != 0 {
				i += 3 << (flags&7 + 1)
			}
			if i, err = skipSubBlocks(data, i+1); err != nil { // after the LZW code size
				return frames, err
			}
		default:
			return frames, fmt.Errorf("gif: unknown block 0x%02x", data[i])
		}
	}
	return frames, errors.New("gif: no trailer")
}

func skipSubBlocks(data []byte, i int) (int, error) {
	for {
		if i >= len(data) {
			return i, errors.New("gif: data past the end")
		}
		n := int(data[i])
		i++
		if n == 0 {
			return i, nil
		}
		i += n
	}
}

// checkWebP checks the RIFF container holds as many bytes as it says.
func checkWebP(data []byte) error {
	size := int64(binary.LittleEndian.Uint32(data[4:8]))
	if size+8 > int64(len(data)) {
		return fmt.Errorf("webp: %d of %d bytes", len(data), size+8)
	}
	return nil
}
