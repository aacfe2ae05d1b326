package pages

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
)

// MaxPixels bounds a decoded image: an A3 sheet at 600 dpi is 70 Mpx; the
// limit keeps a hostile or broken header from allocating gigabytes.
const MaxPixels = 80_000_000

func checkSize(w, h int) error {
	if w <= 0 || h <= 0 {
		return fmt.Errorf("image size %dx%d is empty", w, h)
	}
	if w > 30000 || h > 30000 || w*h > MaxPixels {
		return fmt.Errorf("image size %dx%d exceeds %d pixels", w, h, MaxPixels)
	}
	return nil
}

// Decode reads a scanner's or camera's image: PNM (scanimage), JPEG (UVC
// cameras' MJPEG frames, files) or PNG. Errors are *Error of kind
// Unreadable.
func Decode(data []byte) (image.Image, error) {
	var (
		img image.Image
		err error
	)
	switch {
	case bytes.HasPrefix(data, []byte("P4")), bytes.HasPrefix(data, []byte("P5")), bytes.HasPrefix(data, []byte("P6")):
		img, err = decodePNM(data)
	case bytes.HasPrefix(data, []byte("\xff\xd8")):
		img, err = decodeChecked(data, jpeg.DecodeConfig, jpeg.Decode)
	case bytes.HasPrefix(data, []byte("\x89PNG")):
		img, err = decodeChecked(data, png.DecodeConfig, png.Decode)
	default:
		err = fmt.Errorf("unknown image format (want PNM, JPEG or PNG; %d bytes)", len(data))
	}
	if err != nil {
		return nil, &Error{Kind: Unreadable, Detail: err.Error()}
	}
	return img, nil
}

func decodeChecked(data []byte, config func(io.Reader) (image.Config, error), decode func(io.Reader) (image.Image, error)) (image.Image, error) {
	c, err := config(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	if err := checkSize(c.Width, c.Height); err != nil {
		return nil, err
	}
	return decode(bytes.NewReader(data))
}
