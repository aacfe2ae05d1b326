package pages

import (
	"math"
)

// point is a position in source pixels.
type point struct{ X, Y float64 }

// proxy is a small grey copy of the page for analysis: finding the sheet
// and the skew on ~600 px is a hundred times cheaper than on 300 dpi and
// precise enough (one proxy pixel is under 2 mm of an A4 sheet).
type proxy struct {
	pix  []uint8
	w, h int
	k    int // source pixels per proxy pixel
}

const proxySide = 600

func newProxy(g raster) proxy {
	k := max(1, (max(g.w, g.h)+proxySide-1)/proxySide)
	pix, w, h := shrink(g.pix, g.w, g.h, g.w, 1, k)
	return proxy{pix: pix, w: w, h: h, k: k}
}

// otsu is the threshold that best separates the two classes of a
// histogram: paper against desk, or ink against paper.
func otsu(pix []uint8) uint8 {
	var hist [256]int
	for _, v := range pix {
		hist[v]++
	}
	total := len(pix)
	sum := 0
	for i, n := range hist {
		sum += i * n
	}
	var best float64
	var t uint8
	sumB, wB := 0, 0
	for i := 0; i < 256; i++ {
		wB += hist[i]
		if wB == 0 {
			continue
		}
		wF := total - wB
		if wF == 0 {
			break
		}
		sumB += i * hist[i]
		mB := float64(sumB) / float64(wB)
		mF := float64(sum-sumB) / float64(wF)
		between := float64(wB) * float64(wF) * (mB - mF) * (mB - mF)
		if between > best {
			best, t = between, uint8(i)
		}
	}
	return t
}

// findSheet finds the four corners of a bright sheet on a darker ground
// (a desk under a document camera, a scanner's black backing). It returns
// ok=false when the sheet fills the frame or no sheet stands out; the
// caller then keeps the whole frame.
func (p proxy) findSheet() (quad [4]point, ok bool) {
	t := otsu(p.pix)
	mask := make([]bool, len(p.pix))
	bright := 0
	for i, v := range p.pix {
		if v > t {
			mask[i] = true
			bright++
		}
	}
	n := len(p.pix)
	if bright < n/5 || bright == n {
		return quad, false
	}
	// The largest 4-connected bright region is the sheet.
	label := make([]int32, n)
	var stack []int
	bestLabel, bestSize := int32(0), 0
	next := int32(0)
	for start := 0; start < n; start++ {
		if !mask[start] || label[start] != 0 {
			continue
		}
		next++
		size := 0
		stack = append(stack[:0], start)
		label[start] = next
		for len(stack) > 0 {
			i := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			size++
			x := i % p.w
			for _, j := range [4]int{i - 1, i + 1, i - p.w, i + p.w} {
				switch {
				case j == i-1 && x == 0, j == i+1 && x == p.w-1, j < 0, j >= n:
					continue
				}
				if mask[j] && label[j] == 0 {
					label[j] = next
					stack = append(stack, j)
				}
			}
		}
		if size > bestSize {
			bestLabel, bestSize = next, size
		}
	}
	if bestSize < n/5 {
		return quad, false
	}
	// Corners are the region's extremes along the diagonals; this holds
	// for sheets turned by less than 45° and for perspective trapezoids.
	minSum, maxSum, minDiff, maxDiff := math.MaxInt, math.MinInt, math.MaxInt, math.MinInt
	var tl, br, tr, bl [2]int
	for i, l := range label {
		if l != bestLabel {
			continue
		}
		x, y := i%p.w, i/p.w
		if s := x + y; s < minSum {
			minSum, tl = s, [2]int{x, y}
		}
		if s := x + y; s > maxSum {
			maxSum, br = s, [2]int{x, y}
		}
		if d := x - y; d > maxDiff {
			maxDiff, tr = d, [2]int{x, y}
		}
		if d := x - y; d < minDiff {
			minDiff, bl = d, [2]int{x, y}
		}
	}
	k := float64(p.k)
	for i, c := range [4][2]int{tl, tr, br, bl} {
		quad[i] = point{(float64(c[0]) + 0.5) * k, (float64(c[1]) + 0.5) * k}
	}
	// A sheet whose corners are the frame's corners fills the frame.
	W, H := float64(p.w)*k, float64(p.h)*k
	frame := [4]point{{0, 0}, {W, 0}, {W, H}, {0, H}}
	near := 0
	for i := range quad {
		if math.Hypot(quad[i].X-frame[i].X, quad[i].Y-frame[i].Y) < 0.03*math.Max(W, H) {
			near++
		}
	}
	if near == 4 || quadArea(quad) < 0.2*W*H || !convex(quad) {
		return quad, false
	}
	// Pull the corners in by 0.5 % so the sheet's shaded rim and a sliver
	// of desk do not end up as a dark border.
	c := point{(quad[0].X + quad[1].X + quad[2].X + quad[3].X) / 4, (quad[0].Y + quad[1].Y + quad[2].Y + quad[3].Y) / 4}
	for i := range quad {
		quad[i].X += (c.X - quad[i].X) * 0.01
		quad[i].Y += (c.Y - quad[i].Y) * 0.01
	}
	return quad, true
}

func quadArea(q [4]point) float64 {
	a := 0.0
	for i := range q {
		j := (i + 1) % 4
		a += q[i].X*q[j].Y - q[j].X*q[i].Y
	}
	return math.Abs(a) / 2
}

func convex(q [4]point) bool {
	sign := 0.0
	for i := range q {
		a, b, c := q[i], q[(i+1)%4], q[(i+2)%4]
		cross := (b.X-a.X)*(c.Y-b.Y) - (b.Y-a.Y)*(c.X-b.X)
		if cross == 0 || sign != 0 && (cross > 0) != (sign > 0) {
			return false
		}
		sign = cross
	}
	return true
}

// skew is the angle (radians) of the text lines, found by the projection
// profile: rotated to the right angle, ink piles up in few rows, so the
// sum of squared row counts peaks. ±7° covers a page laid crooked on the
// glass; beyond that the citizen is asked to rescan by the preview.
func (p proxy) skew() float64 {
	t := otsu(p.pix)
	var xs, ys []float64
	cx, cy := float64(p.w)/2, float64(p.h)/2
	for i, v := range p.pix {
		if v < t {
			xs = append(xs, float64(i%p.w)-cx)
			ys = append(ys, float64(i/p.w)-cy)
		}
	}
	if len(xs) == 0 || len(xs) > len(p.pix)/2 {
		return 0
	}
	diag := int(math.Hypot(float64(p.w), float64(p.h))) + 2
	bins := make([]int, 2*diag)
	score := func(a float64) float64 {
		clear(bins)
		s, c := math.Sin(a), math.Cos(a)
		for i := range xs {
			bins[int(-xs[i]*s+ys[i]*c)+diag]++
		}
		var sum float64
		for _, b := range bins {
			sum += float64(b) * float64(b)
		}
		return sum
	}
	best, bestScore := 0.0, score(0)
	search := func(from, to, step float64) {
		for a := from; a <= to+1e-9; a += step {
			if sc := score(a * math.Pi / 180); sc > bestScore {
				best, bestScore = a, sc
			}
		}
	}
	search(-7, 7, 0.5)
	search(best-0.5, best+0.5, 0.1)
	return best * math.Pi / 180
}
