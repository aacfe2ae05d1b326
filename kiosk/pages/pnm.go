package pages

import (
	"bytes"
	"fmt"
	"image"
	"strconv"
)

// decodePNM reads the binary netpbm formats scanimage writes: P4 (line
// art), P5 (grey) and P6 (colour), 8 or 16 bits a sample. Written here
// rather than taken from a library because it is forty lines, is the
// scanner's native output and must refuse hostile headers (it is fuzzed).
func decodePNM(data []byte) (image.Image, error) {
	if len(data) < 2 || data[0] != 'P' {
		return nil, fmt.Errorf("not a PNM image")
	}
	kind := data[1]
	if kind != '4' && kind != '5' && kind != '6' {
		return nil, fmt.Errorf("PNM type P%c is not supported (want P4, P5 or P6)", kind)
	}
	pos := 2
	// next returns the next header number, skipping white space and
	// # comments (scanimage writes "# SANE data follows").
	next := func() (int, error) {
		for pos < len(data) {
			switch c := data[pos]; {
			case c == '#':
				nl := bytes.IndexByte(data[pos:], '\n')
				if nl < 0 {
					return 0, fmt.Errorf("PNM header: comment without end")
				}
				pos += nl + 1
			case c == ' ' || c == '\t' || c == '\n' || c == '\r':
				pos++
			default:
				start := pos
				for pos < len(data) && data[pos] >= '0' && data[pos] <= '9' && pos-start < 7 {
					pos++
				}
				n, err := strconv.Atoi(string(data[start:pos]))
				if err != nil || pos == len(data) {
					return 0, fmt.Errorf("PNM header: bad number at byte %d", start)
				}
				return n, nil
			}
		}
		return 0, fmt.Errorf("PNM header: truncated")
	}
	w, err := next()
	if err != nil {
		return nil, err
	}
	h, err := next()
	if err != nil {
		return nil, err
	}
	maxval := 1
	if kind != '4' {
		if maxval, err = next(); err != nil {
			return nil, err
		}
		if maxval < 1 || maxval > 65535 {
			return nil, fmt.Errorf("PNM header: maxval %d out of range", maxval)
		}
	}
	if err := checkSize(w, h); err != nil {
		return nil, err
	}
	// Exactly one white-space byte separates the header from the raster.
	pos++
	raster := data[pos:]
	switch kind {
	case '4':
		stride := (w + 7) / 8
		if len(raster) < stride*h {
			return nil, fmt.Errorf("PNM raster truncated: %d of %d bytes", len(raster), stride*h)
		}
		img := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			row := raster[y*stride:]
			for x := 0; x < w; x++ {
				if row[x>>3]&(0x80>>(x&7)) == 0 {
					img.Pix[y*img.Stride+x] = 255 // in P4, 1 is black
				}
			}
		}
		return img, nil
	case '5', '6':
		ch := 1
		if kind == '6' {
			ch = 3
		}
		bps := 1
		if maxval > 255 {
			bps = 2
		}
		need := w * h * ch * bps
		if len(raster) < need {
			return nil, fmt.Errorf("PNM raster truncated: %d of %d bytes", len(raster), need)
		}
		sample := func(i int) uint8 {
			v := int(raster[i*bps])
			if bps == 2 {
				v = v<<8 | int(raster[i*bps+1])
			}
			return uint8(min(v, maxval) * 255 / maxval)
		}
		if ch == 1 {
			img := image.NewGray(image.Rect(0, 0, w, h))
			if bps == 1 && maxval == 255 {
				copy(img.Pix, raster[:need])
				return img, nil
			}
			for i := range img.Pix {
				img.Pix[i] = sample(i)
			}
			return img, nil
		}
		img := image.NewRGBA(image.Rect(0, 0, w, h))
		for i, j := 0, 0; i < w*h; i, j = i+1, j+4 {
			img.Pix[j], img.Pix[j+1], img.Pix[j+2], img.Pix[j+3] = sample(3*i), sample(3*i+1), sample(3*i+2), 255
		}
		return img, nil
	}
	return nil, fmt.Errorf("PNM type P%c is not supported", kind)
}
