package pages

import (
	"image"
	"image/draw"
	"runtime"
	"sync"
)

// toGray returns img as 8-bit luminance, without copying when it already
// is (scanimage's grey PNM) and from the Y plane of a camera's JPEG frame.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		if b.Min == (image.Point{}) {
			return m
		}
	case *image.YCbCr:
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			off := m.YOffset(b.Min.X, b.Min.Y+y)
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], m.Y[off:off+b.Dx()])
		}
		return g
	case *image.RGBA:
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		rows(b.Dy(), func(y0, y1 int) {
			for y := y0; y < y1; y++ {
				src := m.Pix[m.PixOffset(b.Min.X, b.Min.Y+y):]
				dst := g.Pix[y*g.Stride:]
				for x := 0; x < b.Dx(); x++ {
					r, gg, bb := int(src[4*x]), int(src[4*x+1]), int(src[4*x+2])
					dst[x] = uint8((19595*r + 38470*gg + 7471*bb + 1<<15) >> 16)
				}
			}
		})
		return g
	}
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(g, g.Bounds(), img, b.Min, draw.Src)
	return g
}

// toRGBA returns img as 8-bit RGBA at the origin.
func toRGBA(img image.Image) *image.RGBA {
	b := img.Bounds()
	if m, ok := img.(*image.RGBA); ok && b.Min == (image.Point{}) {
		return m
	}
	m := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(m, m.Bounds(), img, b.Min, draw.Src)
	return m
}

// rows splits [0,n) among the cores; image work here is row-independent.
func rows(n int, f func(y0, y1 int)) {
	parts := min(runtime.GOMAXPROCS(0), max(1, n/64))
	if parts <= 1 {
		f(0, n)
		return
	}
	var wg sync.WaitGroup
	for i := 0; i < parts; i++ {
		y0, y1 := n*i/parts, n*(i+1)/parts
		wg.Add(1)
		go func() {
			defer wg.Done()
			f(y0, y1)
		}()
	}
	wg.Wait()
}

// shrink averages k×k blocks (k ≥ 1) of an image with ch interleaved 8-bit
// channels, so that later bilinear sampling does not alias fine print.
func shrink(pix []uint8, w, h, stride, ch, k int) (out []uint8, ow, oh int) {
	if k <= 1 {
		return pix, w, h
	}
	ow, oh = w/k, h/k
	out = make([]uint8, ow*oh*ch)
	area := k * k
	if ch == 1 {
		shrinkGrey(pix, out, ow, oh, stride, k)
		return out, ow, oh
	}
	rows(oh, func(y0, y1 int) {
		acc := make([]int, ow*ch)
		for oy := y0; oy < y1; oy++ {
			clear(acc)
			for dy := 0; dy < k; dy++ {
				row := pix[(oy*k+dy)*stride:]
				for ox := 0; ox < ow; ox++ {
					base := ox * k * ch
					for dx := 0; dx < k*ch; dx++ {
						acc[ox*ch+dx%ch] += int(row[base+dx])
					}
				}
			}
			dst := out[oy*ow*ch:]
			for i, v := range acc {
				dst[i] = uint8((v + area/2) / area)
			}
		}
	})
	return out, ow, oh
}

// shrinkGrey is shrink for one channel: each source row is read once and
// summed into a row of block accumulators, with no per-pixel division.
func shrinkGrey(pix, out []uint8, ow, oh, stride, k int) {
	area := uint32(k * k)
	rows(oh, func(y0, y1 int) {
		acc := make([]uint32, ow)
		for oy := y0; oy < y1; oy++ {
			clear(acc)
			for dy := 0; dy < k; dy++ {
				row := pix[(oy*k+dy)*stride:]
				row = row[:ow*k]
				switch k {
				case 2:
					for ox := range acc {
						acc[ox] += uint32(row[2*ox]) + uint32(row[2*ox+1])
					}
				case 3:
					for ox := range acc {
						r := row[3*ox : 3*ox+3]
						acc[ox] += uint32(r[0]) + uint32(r[1]) + uint32(r[2])
					}
				default:
					for ox := range acc {
						var s uint32
						for _, v := range row[ox*k : ox*k+k] {
							s += uint32(v)
						}
						acc[ox] += s
					}
				}
			}
			dst := out[oy*ow : oy*ow+ow]
			for i, v := range acc {
				dst[i] = uint8((v + area/2) / area)
			}
		}
	})
}
