package pages_test

import (
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/kiosk/pages"
	"govkiosk/kiosk/pages/pagetest"
)

// The 90 KB limit must not cost readability: Tesseract (Debian's
// tesseract-ocr with chi_sim, installed by scripts/deps.sh) reads the
// compressed page back, at the quality and resolution the search chose,
// and at the quality floor itself.
func TestCompressedPageStaysReadable(t *testing.T) {
	if _, err := exec.LookPath("tesseract"); err != nil {
		t.Skip("tesseract-ocr is not installed (scripts/deps.sh installs it)")
	}
	src := pagetest.Page(300)
	for _, tc := range []struct {
		name       string
		maxQuality int
	}{
		{"as the search chooses", 90},
		{"at the quality floor", pages.DefaultOptions().MinQuality},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := scanOpts(300)
			o.MaxQuality = tc.maxQuality
			p, err := pages.Process(src, o)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%d bytes at quality %d, %d dpi", len(p.JPEG), p.Quality, p.DPI)
			// Only the top of the page holds Lines; reading just that
			// (losslessly, artefacts and all) halves Tesseract's time.
			img := decodeJPEG(t, p.JPEG).(*image.Gray)
			top := img.SubImage(image.Rect(0, 0, img.Bounds().Dx(), img.Bounds().Dy()*45/100))
			file := filepath.Join(t.TempDir(), "top.png")
			f, err := os.Create(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := png.Encode(f, top); err != nil {
				t.Fatal(err)
			}
			f.Close()
			out, err := exec.Command("tesseract", file, "stdout", "-l", "chi_sim+eng", "--psm", "6").Output()
			if err != nil {
				t.Fatalf("tesseract: %v", err)
			}
			want := squash(strings.Join(pagetest.Lines, ""))
			got := squash(string(out))
			if r := float64(lcs(want, got)) / float64(len(want)); r < 0.9 {
				t.Errorf("OCR recovered %.0f%% of the text, want ≥ 90%%:\n%s", r*100, out)
			}
		})
	}
}

// squash drops white space: Tesseract spaces CJK text arbitrarily.
func squash(s string) []rune {
	var out []rune
	for _, r := range s {
		if r > ' ' {
			out = append(out, r)
		}
	}
	return out
}

// lcs is the length of the longest common subsequence: characters read
// right and in order.
func lcs(a, b []rune) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(cur[j], prev[j+1])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
