package pages

import (
	"testing"

	"govkiosk/kiosk/pages/pagetest"
)

// The quality search, seeded by a good, a poor or no estimate, settles on
// the same quality: the highest whose encoding fits, checked here against
// encoding every quality in turn.
func TestCompressFindsTheHighestQualityThatFits(t *testing.T) {
	g := pagetest.Page(60)
	r := raster{pix: g.Pix, w: g.Bounds().Dx(), h: g.Bounds().Dy(), ch: 1}
	for _, tc := range []struct {
		name     string
		min, max int
		limit    int
	}{
		{"middle", 30, 90, 0},
		{"low", 30, 60, 0},
		{"ceiling fits", 30, 90, 1 << 20},
		{"floor only", 30, 30, 0},
		{"narrow", 40, 42, 0},
	} {
		o := DefaultOptions()
		o.MinQuality, o.MaxQuality = tc.min, tc.max
		size := map[int]int{}
		for q := tc.min; q <= tc.max; q++ {
			w := &capped{limit: -1}
			if err := w.encode(r.image(), q); err != nil {
				t.Fatal(err)
			}
			size[q] = len(w.buf)
		}
		o.MaxBytes = size[(tc.min+tc.max+1)/2] + 10
		if tc.limit != 0 {
			o.MaxBytes = tc.limit
		}
		want, floor := 0, size[tc.min]
		for q := tc.min; q <= tc.max; q++ {
			if size[q] <= o.MaxBytes {
				want = q
			}
		}
		for _, est := range []int{0, floor, floor / 2, floor * 3 / 2, o.MaxBytes} {
			data, q, _, err := compress(r, o, est)
			if err != nil {
				t.Fatal(err)
			}
			if want == 0 {
				if data != nil {
					t.Errorf("%s, estimate %d: got quality %d, want nothing", tc.name, est, q)
				}
				continue
			}
			if q != want || len(data) > o.MaxBytes || data == nil {
				t.Errorf("%s, estimate %d: got quality %d (%d bytes), want %d within %d", tc.name, est, q, len(data), want, o.MaxBytes)
			}
		}
	}
	// A page over the limit even at the floor gives nothing and the
	// floor's size, seeded or not.
	o := DefaultOptions()
	o.MaxBytes = 4096
	for _, est := range []int{0, 4000} {
		if data, _, fs, err := compress(r, o, est); err != nil || data != nil || fs <= o.MaxBytes {
			t.Errorf("estimate %d: got %d bytes, floor %d, %v; want nothing and the floor's size", est, len(data), fs, err)
		}
	}
}
