package sim

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// renderer draws parsed jobs as a thermal printer prints them: one bit a
// dot, Font A cells of 12×24 dots (24×24 for Chinese), GS ! scaling by
// whole dots, bold as a double strike one dot to the right.
type renderer struct {
	mu    sync.Mutex // font.Face is not safe for concurrent use
	cjk   font.Face
	latin font.Face
	hri   font.Face
	cache map[glyphKey]*image.Alpha
}

type glyphKey struct {
	r          rune
	wide, bold bool
}

// Cell geometry, in dots at 1×.
const (
	cellH     = 24
	baseline  = 20 // from the top of a cell
	hriCellW  = 9  // Font B
	hriBase   = 17
	maxGlyphs = 8192
)

func newRenderer(cjkTTF []byte) (*renderer, error) {
	cjk, err := face(cjkTTF, 23)
	if err != nil {
		return nil, fmt.Errorf("sim: CJK font: %w", err)
	}
	latin, err := face(gomono.TTF, 20) // Go Mono: 0.6 em advance, 12 dots at 20
	if err != nil {
		return nil, err
	}
	hri, err := face(gomono.TTF, 15)
	if err != nil {
		return nil, err
	}
	return &renderer{cjk: cjk, latin: latin, hri: hri, cache: map[glyphKey]*image.Alpha{}}, nil
}

func face(ttf []byte, px float64) (font.Face, error) {
	f, err := opentype.Parse(ttf)
	if err != nil {
		return nil, err
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
}

// render draws a job dots wide.
func (r *renderer) render(j *parsedJob, dots int) *image.Gray {
	r.mu.Lock()
	defer r.mu.Unlock()
	h := max(j.dots, 1)
	img := image.NewGray(image.Rect(0, 0, dots, h))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	y := 0
	for i := range j.elems {
		el := &j.elems[i]
		area := img.SubImage(image.Rect(0, y, dots, y+el.h)).(*image.Gray)
		switch el.kind {
		case elemText:
			r.drawLine(area, el, dots)
		case elemQR, elemBarcode:
			r.drawCode(area, el, dots)
		}
		y += el.h
	}
	return img
}

func alignX(align, width, dots int) int {
	switch align {
	case 1:
		return (dots - width) / 2
	case 2:
		return dots - width
	}
	return 0
}

func (r *renderer) drawLine(dst *image.Gray, el *element, dots int) {
	w, tallest := 0, 1
	for _, g := range el.glyphs {
		w += g.width()
		tallest = max(tallest, g.hmul)
	}
	x := dst.Rect.Min.X + alignX(el.align, w, dots)
	bottom := dst.Rect.Min.Y + cellH*tallest // characters of a line sit on one baseline
	for _, g := range el.glyphs {
		mask := r.glyph(g)
		gw, gh := g.width(), cellH*g.hmul
		blit(dst, mask, image.Rect(x, bottom-gh, x+gw, bottom))
		x += gw
	}
}

// blit scales mask to rect by whole dots, inking where it is over half.
func blit(dst *image.Gray, mask *image.Alpha, rect image.Rectangle) {
	sw, sh := mask.Rect.Dx(), mask.Rect.Dy()
	dw, dh := rect.Dx(), rect.Dy()
	for y := rect.Min.Y; y < rect.Max.Y; y++ {
		sy := (y - rect.Min.Y) * sh / dh
		for x := rect.Min.X; x < rect.Max.X; x++ {
			sx := (x - rect.Min.X) * sw / dw
			if mask.AlphaAt(sx, sy).A >= 0x80 && (image.Point{x, y}).In(dst.Rect) {
				dst.SetGray(x, y, color.Gray{})
			}
		}
	}
}

// glyph returns the 1× cell of g: 12×24 or 24×24.
func (r *renderer) glyph(g glyph) *image.Alpha {
	k := glyphKey{g.r, g.wide, g.bold}
	if m, ok := r.cache[k]; ok {
		return m
	}
	w := 12
	f := r.latin
	if g.wide {
		w, f = 24, r.cjk
	}
	m := image.NewAlpha(image.Rect(0, 0, w, cellH))
	drawRune(m, f, g.r, w, baseline)
	if g.bold {
		b := image.NewAlpha(m.Rect)
		draw.Draw(b, b.Rect, m, image.Point{}, draw.Src)
		draw.Draw(b, b.Rect.Add(image.Pt(1, 0)), m, image.Point{}, draw.Over)
		m = b
	}
	if len(r.cache) < maxGlyphs {
		r.cache[k] = m
	}
	return m
}

// drawRune centres r's advance in a cell w wide, on the baseline. A rune
// the font lacks prints as a hollow box, as printers print missing glyphs.
func drawRune(dst *image.Alpha, f font.Face, r rune, w, base int) {
	adv, ok := f.GlyphAdvance(r)
	if !ok {
		for x := 2; x < w-2; x++ {
			dst.SetAlpha(x, 4, color.Alpha{A: 0xff})
			dst.SetAlpha(x, base, color.Alpha{A: 0xff})
		}
		for y := 4; y <= base; y++ {
			dst.SetAlpha(2, y, color.Alpha{A: 0xff})
			dst.SetAlpha(w-3, y, color.Alpha{A: 0xff})
		}
		return
	}
	x := (fixed.I(w) - adv) / 2
	d := font.Drawer{Dst: dst, Src: image.Opaque, Face: f, Dot: fixed.Point26_6{X: x, Y: fixed.I(base)}}
	d.DrawString(string(r))
}

func (r *renderer) drawCode(dst *image.Gray, el *element, dots int) {
	b := el.code.Bounds()
	width := b.Dx() * el.module
	x0 := dst.Rect.Min.X + alignX(el.align, width, dots)
	y0 := dst.Rect.Min.Y
	if el.kind == elemBarcode && el.hri&1 != 0 {
		r.drawHRI(dst, el, x0, width, y0)
		y0 += hriHeight
	}
	modH := el.module
	rows := b.Dy()
	if el.kind == elemBarcode {
		modH, rows = el.barH, 1
	}
	for my := 0; my < rows; my++ {
		for mx := 0; mx < b.Dx(); mx++ {
			if color.GrayModel.Convert(el.code.At(b.Min.X+mx, b.Min.Y+my)).(color.Gray).Y >= 0x80 {
				continue
			}
			rect := image.Rect(x0+mx*el.module, y0+my*modH, x0+(mx+1)*el.module, y0+(my+1)*modH)
			draw.Draw(dst, rect.Intersect(dst.Rect), image.Black, image.Point{}, draw.Src)
		}
	}
	if el.kind == elemBarcode && el.hri&2 != 0 {
		r.drawHRI(dst, el, x0, width, y0+el.barH)
	}
}

// drawHRI prints a barcode's human-readable text, centred under it.
func (r *renderer) drawHRI(dst *image.Gray, el *element, x0, width, top int) {
	text := el.text[len("[CODE128] "):]
	x := x0 + (width-hriCellW*len(text))/2
	m := image.NewAlpha(image.Rect(0, 0, hriCellW*len(text), hriHeight))
	for i, c := range text {
		cell := m.SubImage(image.Rect(i*hriCellW, 0, (i+1)*hriCellW, hriHeight)).(*image.Alpha)
		d := font.Drawer{Dst: cell, Src: image.Opaque, Face: r.hri, Dot: fixed.P(i*hriCellW, hriBase+3)}
		d.DrawString(string(c))
	}
	blit(dst, m, image.Rect(x, top, x+m.Rect.Dx(), top+hriHeight))
}
