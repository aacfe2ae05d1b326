package pages_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"govkiosk/kiosk/pages"
)

// FuzzDecode: whatever a scanner, camera or file hands over, Decode
// returns an image or an Unreadable error, never panics or allocates past
// MaxPixels. Seeds: testdata/*.pnm, *.jpg, *.png.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/seed-*")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte("P5\n# SANE data follows\n2 2\n255\n\x00\x80\xff\x10"))
	f.Add([]byte("P6 1 1 65535 \x00\x01\x00\x02\x00\x03"))
	f.Add([]byte("P4\n9 1\n\xff\x80"))
	f.Add([]byte("P5 99999 99999 255 "))
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := pages.Decode(data)
		if err != nil {
			if !errors.Is(err, pages.ErrUnreadable) {
				t.Fatalf("error %v is not Unreadable", err)
			}
			return
		}
		if b := img.Bounds(); b.Dx()*b.Dy() > pages.MaxPixels {
			t.Fatalf("decoded %v past the limit", b)
		}
	})
}

func TestDecodeFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		data string
		ok   bool
		w, h int
	}{
		{"grey pnm with SANE comment", "P5\n# SANE data follows\n2 2\n255\n\x00\x80\xff\x10", true, 2, 2},
		{"16-bit colour", "P6 1 1 65535 \x00\x01\x00\x02\x00\x03", true, 1, 1},
		{"line art", "P4\n9 1\n\xff\x80", true, 9, 1},
		{"truncated raster", "P5 4 4 255 \x00\x00", false, 0, 0},
		{"absurd size", "P5 99999 99999 255 ", false, 0, 0},
		{"ascii pnm", "P2 1 1 255 0", false, 0, 0},
		{"not an image", "hello", false, 0, 0},
		{"broken jpeg", "\xff\xd8\xff\xe0garbage", false, 0, 0},
	} {
		img, err := pages.Decode([]byte(tc.data))
		if tc.ok != (err == nil) {
			t.Errorf("%s: err %v, want ok=%v", tc.name, err, tc.ok)
			continue
		}
		if err == nil && (img.Bounds().Dx() != tc.w || img.Bounds().Dy() != tc.h) {
			t.Errorf("%s: %v, want %dx%d", tc.name, img.Bounds(), tc.w, tc.h)
		}
	}
}
