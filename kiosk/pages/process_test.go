package pages_test

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"govkiosk/kiosk/pages"
	"govkiosk/kiosk/pages/pagetest"
)

// keep writes a produced page next to the test's temporary files when
// PAGES_OUT names a directory, so a person can look at it.
func keep(t testing.TB, name string, data []byte) {
	if dir := os.Getenv("PAGES_OUT"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func scanOpts(dpi int) pages.Options {
	o := pages.DefaultOptions()
	o.SourceDPI = dpi
	return o
}

func decodeJPEG(t *testing.T, data []byte) image.Image {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("the page does not decode as JPEG: %v", err)
	}
	return img
}

func TestA4ScanAt300DPIFitsTheHallLimit(t *testing.T) {
	p, err := pages.Process(pagetest.Page(300), scanOpts(300))
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "a4-300dpi.jpg", p.JPEG)
	keep(t, "a4-300dpi-thumb.jpg", p.Thumb)
	if len(p.JPEG) > 90*1024 {
		t.Errorf("page is %d bytes, limit 92160", len(p.JPEG))
	}
	if p.DPI < 100 || p.DPI > 150 || p.Quality < 30 || p.Quality > 90 {
		t.Errorf("chose %d dpi, quality %d; want 100-150 dpi at quality 30-90", p.DPI, p.Quality)
	}
	img := decodeJPEG(t, p.JPEG)
	wantW, wantH := int(210/25.4*float64(p.DPI)+0.5), int(297/25.4*float64(p.DPI)+0.5)
	if b := img.Bounds(); abs(b.Dx()-wantW) > 2 || abs(b.Dy()-wantH) > 2 || img.ColorModel() != color.GrayModel {
		t.Errorf("page is %v, want a %dx%d grey A4 at %d dpi", b, wantW, wantH, p.DPI)
	}
	thumb := decodeJPEG(t, p.Thumb)
	if b := thumb.Bounds(); max(b.Dx(), b.Dy()) > 240 || max(b.Dx(), b.Dy()) < 120 {
		t.Errorf("thumbnail is %v, want its long side 120-240", b)
	}
	// The paper is whitened: the top margin is pure white after levels.
	g := img.(*image.Gray)
	if v := g.GrayAt(600, 40).Y; v < 245 {
		t.Errorf("margin grey level %d, want paper whitened to ≥ 245", v)
	}
}

func TestCrookedScanIsDeskewed(t *testing.T) {
	for _, deg := range []float64{-4, 2.5} {
		p, err := pages.Process(pagetest.Crooked(pagetest.Page(150), deg), scanOpts(150))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(p.SkewDegrees-deg) > 0.3 {
			t.Errorf("turned by %.1f°: found skew %.2f°", deg, p.SkewDegrees)
		}
	}
}

func TestDeskPhotoIsCroppedAndFlattened(t *testing.T) {
	photo := pagetest.DeskPhoto(pagetest.Page(150), 2592, 1944, 8)
	var src bytes.Buffer
	if err := jpeg.Encode(&src, photo, &jpeg.Options{Quality: 85}); err != nil {
		t.Fatal(err)
	}
	keep(t, "desk-photo.jpg", src.Bytes())
	img, err := pages.Decode(src.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	p, err := pages.Process(img, pages.DefaultOptions()) // camera: no source dpi
	if err != nil {
		t.Fatal(err)
	}
	keep(t, "desk-photo-page.jpg", p.JPEG)
	if !p.Cropped {
		t.Fatal("the sheet on the desk was not found")
	}
	out := decodeJPEG(t, p.JPEG).(*image.Gray)
	b := out.Bounds()
	if r := float64(b.Dy()) / float64(b.Dx()); math.Abs(r-math.Sqrt2) > 0.05 {
		t.Errorf("page is %v (ratio %.3f), want A4's 1.414", b, r)
	}
	// No desk left: every border strip is paper, not the dark desk.
	for _, r := range []image.Rectangle{
		image.Rect(0, 0, b.Dx(), 8), image.Rect(0, b.Dy()-8, b.Dx(), b.Dy()),
		image.Rect(0, 0, 8, b.Dy()), image.Rect(b.Dx()-8, 0, b.Dx(), b.Dy()),
	} {
		if m := mean(out, r); m < 200 {
			t.Errorf("border %v has mean grey %.0f: desk left in the page", r, m)
		}
	}
}

func abs(n int) int { return max(n, -n) }

func mean(g *image.Gray, r image.Rectangle) float64 {
	sum := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			sum += int(g.GrayAt(x, y).Y)
		}
	}
	return float64(sum) / float64(r.Dx()*r.Dy())
}

func TestEmptyPagesAreRefusedAsBlank(t *testing.T) {
	grain := image.NewGray(image.Rect(0, 0, 1240, 1754))
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range grain.Pix {
		grain.Pix[i] = uint8(232 + rng.IntN(16))
	}
	black := image.NewGray(image.Rect(0, 0, 800, 1000))
	for name, img := range map[string]image.Image{"white sheet": grain, "solid black": black} {
		_, err := pages.Process(img, scanOpts(150))
		var pe *pages.Error
		if !errors.Is(err, pages.ErrBlank) || !errors.As(err, &pe) || pe.Message() == "" {
			t.Errorf("%s: got %v, want a Blank error with a citizen message", name, err)
		}
	}
}

func TestNoiseThatCannotBeCompressedReadablyIsRefused(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 1240, 1754))
	rng := rand.New(rand.NewPCG(7, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(rng.IntN(256))
	}
	_, err := pages.Process(img, scanOpts(150))
	if !errors.Is(err, pages.ErrTooLarge) {
		t.Fatalf("got %v, want TooLarge", err)
	}
}

func TestColourMaterialsStayInColour(t *testing.T) {
	photo := pagetest.DeskPhoto(pagetest.Page(100), 1600, 1200, -5)
	o := pages.DefaultOptions()
	o.Colour = pages.ColourFor("licence")
	p, err := pages.Process(photo, o)
	if err != nil {
		t.Fatal(err)
	}
	if img := decodeJPEG(t, p.JPEG); img.ColorModel() == color.GrayModel {
		t.Error("a licence was stored in grey")
	}
	if pages.ColourFor("document") || !pages.ColourFor("id") {
		t.Error("documents are grey, identity documents colour")
	}
}

func TestBadOptionsAreRejected(t *testing.T) {
	o := pages.DefaultOptions()
	o.MaxBytes = 100
	if _, err := pages.Process(pagetest.Page(100), o); err == nil {
		t.Error("a 100-byte limit was accepted")
	}
}
