// Package pagetest draws the pages that tests, benchmarks and the camera
// simulator feed to the page pipeline: an A4 sheet of known Chinese and
// Latin text at a given resolution, a crooked scan of it, and a desk
// photograph of it as a document camera sees it. Known text lets the OCR
// test check that compression kept the page readable.
package pagetest

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"math/rand/v2"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/f64"
	"golang.org/x/image/math/fixed"

	"govkiosk/assets"
)

// Lines is the text of the test page, top to bottom; the OCR test looks
// for it in the compressed page.
var Lines = []string{
	"居住证申领登记表",
	"申请事项 居住证申领",
	"合法稳定住所证明材料",
	"房屋租赁合同已登记备案",
	"Scan test page 2026 No 12345",
	"本人承诺所填信息真实有效",
	"政务服务中心 自助终端",
	"GovKiosk materials capture",
}

// Page renders Lines on a white A4 sheet at dpi, 12-point body text, with
// the light paper grain of a real scan (seeded, so repeatable).
func Page(dpi int) *image.Gray {
	w, h := int(210/25.4*float64(dpi)), int(297/25.4*float64(dpi))
	img := image.NewGray(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = uint8(236 + rng.IntN(12))
	}
	px := 12.0 * float64(dpi) / 72 // 12 pt
	cjk := face(assets.CJKFont, px)
	latin := face(goregular.TTF, px)
	title := face(assets.CJKFont, px*1.6)
	margin := w / 8
	y := h / 10
	for i, line := range Lines {
		f := cjk
		if i == 0 {
			f = title
		}
		if isLatin(line) {
			f = latin
		}
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Gray{Y: 25}), Face: f, Dot: fixed.P(margin, y)}
		d.DrawString(line)
		y += int(px * 3.2)
	}
	// A ruled box and a signature line, as forms have.
	box := image.Rect(margin, y, w-margin, y+h/6)
	for x := box.Min.X; x < box.Max.X; x++ {
		for t := 0; t < dpi/75+1; t++ {
			img.SetGray(x, box.Min.Y+t, color.Gray{Y: 40})
			img.SetGray(x, box.Max.Y-t, color.Gray{Y: 40})
		}
	}
	for yy := box.Min.Y; yy < box.Max.Y; yy++ {
		for t := 0; t < dpi/75+1; t++ {
			img.SetGray(box.Min.X+t, yy, color.Gray{Y: 40})
			img.SetGray(box.Max.X-t, yy, color.Gray{Y: 40})
		}
	}
	// Dense body text below, in 五号 (10.5 pt), as most materials are.
	body := face(assets.CJKFont, 10.5*float64(dpi)/72)
	text := []rune(Body)
	perLine := (w - 2*margin) / int(10.5*float64(dpi)/72)
	for y = box.Max.Y + int(px*2.5); y < h-h/12; y += int(px * 1.6) {
		n := min(perLine, len(text))
		d := font.Drawer{Dst: img, Src: image.NewUniform(color.Gray{Y: 25}), Face: body, Dot: fixed.P(margin, y)}
		d.DrawString(string(text[:n]))
		text = append(text[n:], text[:n]...)
	}
	return img
}

// Body is the running text that fills the lower half of the page.
const Body = "根据居住证暂行条例规定，申请人应当如实填写本表，并提交合法稳定住所、合法稳定就业或者连续就读的证明材料。" +
	"公安机关应当自受理之日起十五日内制作发放居住证；符合条件的，由居住地公安派出所负责发放。"

func isLatin(s string) bool {
	for _, r := range s {
		if r > 0x7f {
			return false
		}
	}
	return true
}

func face(ttf []byte, px float64) font.Face {
	f, err := opentype.Parse(ttf)
	if err != nil {
		panic("pagetest: font: " + err.Error()) // embedded fonts; a test-setup bug
	}
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic("pagetest: face: " + err.Error())
	}
	return fc
}

// Crooked turns a page by deg degrees about its centre on a white ground,
// as a sheet laid askew on a flatbed's glass under a white lid.
func Crooked(page image.Image, deg float64) *image.Gray {
	b := page.Bounds()
	out := image.NewGray(b)
	draw.Draw(out, b, image.NewUniform(color.Gray{Y: 240}), image.Point{}, draw.Src)
	a := deg * math.Pi / 180
	s, c := math.Sin(a), math.Cos(a)
	cx, cy := float64(b.Dx())/2, float64(b.Dy())/2
	m := f64.Aff3{c, -s, cx - c*cx + s*cy, s, c, cy - s*cx - c*cy}
	xdraw.BiLinear.Transform(out, m, page, b, xdraw.Over, nil)
	return out
}

// DeskPhoto is a document camera's w×h colour frame of page lying on a
// dark desk, turned by deg and seen slightly obliquely (a shear), as a
// 高拍仪 photographs a sheet the citizen laid down by hand.
func DeskPhoto(page image.Image, w, h int, deg float64) *image.RGBA {
	out := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < len(out.Pix); i += 4 {
		n := rng.IntN(16)
		out.Pix[i], out.Pix[i+1], out.Pix[i+2], out.Pix[i+3] = uint8(80+n), uint8(62+n), uint8(48+n), 255
	}
	b := page.Bounds()
	scale := 0.8 * float64(h) / float64(b.Dy())
	a := deg * math.Pi / 180
	s, c := math.Sin(a), math.Cos(a)
	const shear = 0.04
	// Page pixel (x,y) → frame: scale, shear, rotate, centre.
	px, py := float64(b.Dx())/2, float64(b.Dy())/2
	m := f64.Aff3{
		scale * c, scale * (shear*c - s), 0,
		scale * s, scale * (shear*s + c), 0,
	}
	m[2] = float64(w)/2 - (m[0]*px + m[1]*py)
	m[5] = float64(h)/2 - (m[3]*px + m[4]*py)
	xdraw.BiLinear.Transform(out, m, page, b, xdraw.Over, nil)
	return out
}
