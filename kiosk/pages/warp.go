package pages

import (
	"math"
)

// raster is 8-bit pixels with ch interleaved channels (1 grey, 4 RGBA)
// and no row padding.
type raster struct {
	pix  []uint8
	w, h int
	ch   int
}

// homography maps output pixels to source pixels: the page's four corners
// in the source (a crooked or photographed sheet) onto an upright
// rectangle. One warp does crop, deskew, perspective and scaling at once.
type homography [9]float64

// newHomography solves for the projective map taking the rectangle
// (0,0)-(w,h) onto quad (clockwise from top-left).
func newHomography(w, h float64, quad [4]point) homography {
	from := [4]point{{0, 0}, {w, 0}, {w, h}, {0, h}}
	var a [8][9]float64
	for i := 0; i < 4; i++ {
		u, v, x, y := from[i].X, from[i].Y, quad[i].X, quad[i].Y
		a[2*i] = [9]float64{u, v, 1, 0, 0, 0, -u * x, -v * x, x}
		a[2*i+1] = [9]float64{0, 0, 0, u, v, 1, -u * y, -v * y, y}
	}
	// Gaussian elimination with partial pivoting; the system is regular
	// for any convex quad.
	for c := 0; c < 8; c++ {
		p := c
		for r := c + 1; r < 8; r++ {
			if math.Abs(a[r][c]) > math.Abs(a[p][c]) {
				p = r
			}
		}
		a[c], a[p] = a[p], a[c]
		for r := 0; r < 8; r++ {
			if r == c || a[c][c] == 0 {
				continue
			}
			f := a[r][c] / a[c][c]
			for k := c; k < 9; k++ {
				a[r][k] -= f * a[c][k]
			}
		}
	}
	var m homography
	for i := 0; i < 8; i++ {
		m[i] = a[i][8] / a[i][i]
	}
	m[8] = 1
	return m
}

func (m homography) apply(u, v float64) (x, y float64) {
	d := m[6]*u + m[7]*v + m[8]
	return (m[0]*u + m[1]*v + m[2]) / d, (m[3]*u + m[4]*v + m[5]) / d
}

// warp renders the source quad as an upright w×h raster, bilinear from a
// box-shrunk source so fine print does not alias when scaling down.
// Outside the source is paper white.
// shrunk caches the box-shrunk source by factor, since a page that must
// drop in resolution is warped again from the same source.
func warp(src raster, shrunk map[int]raster, quad [4]point, w, h int) raster {
	edge := math.Min(math.Hypot(quad[1].X-quad[0].X, quad[1].Y-quad[0].Y)/float64(w),
		math.Hypot(quad[3].X-quad[0].X, quad[3].Y-quad[0].Y)/float64(h))
	k := max(1, int(edge))
	sr, ok := shrunk[k]
	if !ok {
		pix, sw, sh := shrink(src.pix, src.w, src.h, src.w*src.ch, src.ch, k)
		sr = raster{pix: pix, w: sw, h: sh, ch: src.ch}
		shrunk[k] = sr
	}
	pix, sw, sh := sr.pix, sr.w, sr.h
	m := newHomography(float64(w), float64(h), quad)
	ch := src.ch
	out := raster{pix: make([]uint8, w*h*ch), w: w, h: h, ch: ch}
	fk := float64(k)
	if ch == 1 {
		warpGrey(pix, sw, sh, out, m, fk)
		return out
	}
	rows(h, func(y0, y1 int) {
		for v := y0; v < y1; v++ {
			dst := out.pix[v*w*ch:]
			for u := 0; u < w; u++ {
				x, y := m.apply(float64(u)+0.5, float64(v)+0.5)
				x, y = x/fk-0.5, y/fk-0.5
				x0, y0 := int(math.Floor(x)), int(math.Floor(y))
				o := dst[u*ch : u*ch+ch]
				if x0 < 0 || y0 < 0 || x0+1 >= sw || y0+1 >= sh {
					for c := range o {
						o[c] = 255
					}
					continue
				}
				fx, fy := x-float64(x0), y-float64(y0)
				i00 := (y0*sw + x0) * ch
				i10, i01, i11 := i00+ch, i00+sw*ch, i00+sw*ch+ch
				for c := range o {
					top := float64(pix[i00+c]) + fx*float64(int(pix[i10+c])-int(pix[i00+c]))
					bot := float64(pix[i01+c]) + fx*float64(int(pix[i11+c])-int(pix[i01+c]))
					o[c] = uint8(top + fy*(bot-top) + 0.5)
				}
			}
		}
	})
	return out
}

// warpGrey is warp's inner loop for one channel: the homography's
// numerators and denominator advance by a constant step along an output
// row, so each pixel costs one reciprocal and a bilinear blend.
func warpGrey(pix []uint8, sw, sh int, out raster, m homography, fk float64) {
	w, h := out.w, out.h
	if m[6] == 0 && m[7] == 0 || math.Abs(m[6])*float64(w)+math.Abs(m[7])*float64(h) < 1e-9*math.Abs(m[8]) {
		warpGreyAffine(pix, sw, sh, out, m, fk)
		return
	}
	rows(h, func(y0, y1 int) {
		for v := y0; v < y1; v++ {
			dst := out.pix[v*w : v*w+w]
			fv := float64(v) + 0.5
			nx := m[0]*0.5 + m[1]*fv + m[2]
			ny := m[3]*0.5 + m[4]*fv + m[5]
			nd := m[6]*0.5 + m[7]*fv + m[8]
			for u := range dst {
				fu := float64(u)
				d := nd + m[6]*fu
				r := 1 / (d * fk)
				x := (nx+m[0]*fu)*r - 0.5
				y := (ny+m[3]*fu)*r - 0.5
				if x < 0 || y < 0 {
					dst[u] = 255
					continue
				}
				x0, y0 := int(x), int(y)
				if x0+1 >= sw || y0+1 >= sh {
					dst[u] = 255
					continue
				}
				fx, fy := x-float64(x0), y-float64(y0)
				i00 := y0*sw + x0
				p00, p10 := float64(pix[i00]), float64(pix[i00+1])
				p01, p11 := float64(pix[i00+sw]), float64(pix[i00+sw+1])
				top := p00 + fx*(p10-p00)
				bot := p01 + fx*(p11-p01)
				dst[u] = uint8(top + fy*(bot-top) + 0.5)
			}
		}
	})
}

// warpGreyAffine is warpGrey for a map without perspective (a flatbed
// scan turned on the glass): source steps along an output row are
// constant, and the bilinear blend runs on 8-bit fixed-point weights.
func warpGreyAffine(pix []uint8, sw, sh int, out raster, m homography, fk float64) {
	w, h := out.w, out.h
	s := 1 / (m[8] * fk)
	dxu, dyu := m[0]*s, m[3]*s
	rows(h, func(y0, y1 int) {
		for v := y0; v < y1; v++ {
			dst := out.pix[v*w : v*w+w]
			fv := float64(v) + 0.5
			bx := (m[0]*0.5+m[1]*fv+m[2])*s - 0.5
			by := (m[3]*0.5+m[4]*fv+m[5])*s - 0.5
			for u := range dst {
				x := bx + float64(u)*dxu
				y := by + float64(u)*dyu
				if x < 0 || y < 0 {
					dst[u] = 255
					continue
				}
				x0, y0 := int(x), int(y)
				if x0+1 >= sw || y0+1 >= sh {
					dst[u] = 255
					continue
				}
				fx := uint32((x-float64(x0))*256 + 0.5)
				fy := uint32((y-float64(y0))*256 + 0.5)
				i00 := y0*sw + x0
				r0 := pix[i00 : i00+2]
				r1 := pix[i00+sw : i00+sw+2]
				top := uint32(r0[0])*(256-fx) + uint32(r0[1])*fx
				bot := uint32(r1[0])*(256-fx) + uint32(r1[1])*fx
				dst[u] = uint8((top*(256-fy) + bot*fy + 1<<15) >> 16)
			}
		}
	})
}
