// Package pages turns a scanner's or document camera's image into the page
// the hall archives: the sheet found and flattened (crop, deskew,
// perspective), greyscale or colour by material type, the paper whitened,
// and JPEG-compressed to the provincial scan spec's limit (at most 90 KB a
// page) at the best quality that fits, never below a readability floor.
// It holds no device and no UI; it is pure computation on bytes.
package pages

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"math"
	"sync"
)

// Options say what page to produce.
type Options struct {
	// Colour keeps colour (ID cards, licences with red seals, photos);
	// otherwise the page is greyscale, which halves the bytes of text.
	Colour bool
	// SourceDPI is the scanner's resolution; 0 for a camera, whose frame
	// has no fixed scale: the sheet is then scaled to A4 at OutDPI.
	SourceDPI int
	// OutDPI is the archive resolution tried first; MinDPI the lowest the
	// search may go when a busy page does not fit at OutDPI.
	OutDPI, MinDPI int
	// MaxBytes is the hall's limit per page.
	MaxBytes int
	// MinQuality is the readability floor of the JPEG quality search:
	// below it 5-point print blurs into its 8×8 blocks (see the OCR test).
	MinQuality, MaxQuality int
	// ThumbSide is the longer side of the review-screen thumbnail.
	ThumbSide int
}

// DefaultOptions are the provincial spec's: 150 dpi (no lower than
// 100 dpi), ≤ 90 KB a page, quality 30-90.
func DefaultOptions() Options {
	return Options{OutDPI: 150, MinDPI: 100, MaxBytes: 90 * 1024, MinQuality: 30, MaxQuality: 90, ThumbSide: 240}
}

// ColourFor says whether a material of this catalogue kind is kept in
// colour: identity documents, photos and licences carry colour that
// matters (seals, photographs); documents and forms are text.
func ColourFor(kind string) bool {
	switch kind {
	case "id", "photo", "licence":
		return true
	}
	return false
}

// Page is one processed page.
type Page struct {
	JPEG          []byte // what the case keeps and the hall shows
	Thumb         []byte // JPEG for the review screen
	Quality, DPI  int    // as chosen by the search
	Width, Height int
	Cropped       bool    // a sheet was found and flattened
	SkewDegrees   float64 // rotation corrected on a full-frame scan
}

// A4 in millimetres.
const a4Long, a4Short = 297.0, 210.0

// Process turns a captured image into a page. Errors are *Error: Blank
// for an empty or uniform page, TooLarge when no quality and resolution
// above the floors fit MaxBytes.
func Process(img image.Image, o Options) (*Page, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	b := img.Bounds()
	if err := checkSize(b.Dx(), b.Dy()); err != nil {
		return nil, &Error{Kind: Unreadable, Detail: err.Error()}
	}
	g := toGray(img)
	grey := raster{pix: g.Pix, w: b.Dx(), h: b.Dy(), ch: 1}
	if g.Stride != b.Dx() {
		grey.pix = make([]uint8, b.Dx()*b.Dy())
		for y := 0; y < b.Dy(); y++ {
			copy(grey.pix[y*b.Dx():], g.Pix[y*g.Stride:y*g.Stride+b.Dx()])
		}
	}
	src := grey
	if o.Colour {
		c := toRGBA(img)
		src = raster{pix: c.Pix, w: b.Dx(), h: b.Dy(), ch: 4}
	}
	p := &Page{}
	px := newProxy(grey)
	quad, found := px.findSheet()
	W, H := float64(b.Dx()), float64(b.Dy())
	if found {
		p.Cropped = true
		W = math.Max(dist(quad[0], quad[1]), dist(quad[3], quad[2]))
		H = math.Max(dist(quad[0], quad[3]), dist(quad[1], quad[2]))
	} else {
		a := px.skew()
		p.SkewDegrees = a * 180 / math.Pi
		s, c := math.Sin(a), math.Cos(a)
		cx, cy := W/2, H/2
		for i, d := range [4]point{{-W / 2, -H / 2}, {W / 2, -H / 2}, {W / 2, H / 2}, {-W / 2, H / 2}} {
			quad[i] = point{cx + d.X*c - d.Y*s, cy + d.X*s + d.Y*c}
		}
	}
	// Source pixels per inch: the scanner's, or for a camera whatever
	// makes the sheet's longer side an A4's.
	srcDPI := float64(o.SourceDPI)
	if srcDPI == 0 {
		srcDPI = math.Max(W, H) / (a4Long / 25.4)
	}
	var lut *[256]uint8
	shrunk := map[int]raster{}
	floor, lastPix := 0, 0 // the last resolution's size at MinQuality
	for dpi := o.OutDPI; ; dpi = max(o.MinDPI, dpi*4/5) {
		s := float64(dpi) / srcDPI
		w, h := max(1, int(W*s+0.5)), max(1, int(H*s+0.5))
		out := warp(src, shrunk, quad, w, h)
		if lut == nil {
			var err error
			if lut, err = levels(out, !o.Colour); err != nil {
				return nil, err
			}
		}
		rows(out.h, func(y0, y1 int) {
			for i := y0 * out.w * out.ch; i < y1*out.w*out.ch; i++ {
				out.pix[i] = lut[out.pix[i]]
			}
		})
		var est int
		if floor > 0 {
			// Bytes go roughly with pixels: seed the search at this
			// resolution with the floor's size at the last one.
			est = int(float64(floor) * float64(w*h) / float64(lastPix))
		}
		data, q, fs, err := compress(out, o, est)
		floor, lastPix = fs, w*h
		if err != nil {
			return nil, err
		}
		if data != nil {
			p.JPEG, p.Quality, p.DPI, p.Width, p.Height = data, q, dpi, w, h
			if p.Thumb, err = thumbnail(out, o.ThumbSide); err != nil {
				return nil, err
			}
			return p, nil
		}
		if dpi == o.MinDPI {
			return nil, errorf(TooLarge, "%dx%d source: over %d bytes at quality %d even at %d dpi", b.Dx(), b.Dy(), o.MaxBytes, o.MinQuality, dpi)
		}
	}
}

func (o Options) validate() error {
	switch {
	case o.OutDPI < 50 || o.MinDPI < 50 || o.MinDPI > o.OutDPI:
		return fmt.Errorf("pages: OutDPI %d / MinDPI %d: want 50 ≤ MinDPI ≤ OutDPI", o.OutDPI, o.MinDPI)
	case o.MinQuality < 1 || o.MaxQuality > 100 || o.MinQuality > o.MaxQuality:
		return fmt.Errorf("pages: quality %d-%d: want 1 ≤ min ≤ max ≤ 100", o.MinQuality, o.MaxQuality)
	case o.MaxBytes < 4096:
		return fmt.Errorf("pages: MaxBytes %d is below one readable page", o.MaxBytes)
	case o.ThumbSide < 16:
		return fmt.Errorf("pages: ThumbSide %d too small", o.ThumbSide)
	case o.SourceDPI < 0:
		return fmt.Errorf("pages: SourceDPI %d is negative", o.SourceDPI)
	}
	return nil
}

func dist(a, b point) float64 { return math.Hypot(a.X-b.X, a.Y-b.Y) }

// levels returns the tone curve that whitens the paper and deepens the
// ink of a text page (stretch): scanner noise in the background costs JPEG
// bytes and helps nobody. Colour pages keep their tones (identity map). It
// refuses a page with no contrast or (almost) no ink as Blank.
func levels(r raster, stretch bool) (*[256]uint8, error) {
	var hist [256]int
	n := r.w * r.h
	if r.ch == 1 {
		for _, v := range r.pix {
			hist[v]++
		}
	} else {
		for i := 0; i < len(r.pix); i += r.ch {
			hist[(19595*int(r.pix[i])+38470*int(r.pix[i+1])+7471*int(r.pix[i+2])+1<<15)>>16]++
		}
	}
	pct := func(f float64) int {
		want, acc := int(f*float64(n)), 0
		for v, c := range hist {
			if acc += c; acc > want {
				return v
			}
		}
		return 255
	}
	lo, paper := pct(0.005), pct(0.6)
	if paper-lo < 48 {
		return nil, errorf(Blank, "no contrast: 0.5th percentile %d, 60th %d", lo, paper)
	}
	// Ink is what is clearly darker than the paper; a page with less than
	// 0.02 % of it (a few specks of dust) is empty.
	ink := 0
	for v := 0; v < (lo+paper)/2; v++ {
		ink += hist[v]
	}
	if ink*5000 < n {
		return nil, errorf(Blank, "%d ink pixels of %d", ink, n)
	}
	var lut [256]uint8
	hi := paper * 95 / 100
	for v := range lut {
		lut[v] = uint8(v)
		if stretch && hi > lo {
			lut[v] = uint8(min(255, max(0, (v-lo)*255/(hi-lo))))
		}
	}
	return &lut, nil
}

func (r raster) image() image.Image {
	if r.ch == 1 {
		return &image.Gray{Pix: r.pix, Stride: r.w, Rect: image.Rect(0, 0, r.w, r.h)}
	}
	return &image.RGBA{Pix: r.pix, Stride: r.w * 4, Rect: image.Rect(0, 0, r.w, r.h)}
}

// compress finds the highest JPEG quality whose output fits MaxBytes. Size
// grows with quality along a convex curve, so the search keeps a bracket
// [lo fits, hi does not] and each round probes two qualities at once, one
// encoding on each core: the crossing as predicted by a straight line in
// quality (which, the curve being convex, falls at or below the answer)
// and by a straight line in the reciprocal of libjpeg's quantiser scale
// (which falls at or above it). The two straddle the answer, so the
// bracket shrinks from both ends and most pages settle in three rounds
// where a one-sided interpolation needs five or six. It returns nil data
// when even MinQuality is too big.
func compress(r raster, o Options, est int) (data []byte, q, floorSize int, err error) {
	img := r.image()
	type probe struct {
		q    int
		data []byte
		err  error
		over bool // stopped past the limit; data is nil
	}
	// A probe at MaxQuality only needs to say whether it fits: its
	// encoding stops as soon as it passes the limit, and its size for the
	// interpolation is then estimated as over2 times the floor's (a text
	// page at quality 90 is 2.2-2.4 times its size at 30).
	const over2 = 2.3
	encode := func(qs ...int) []probe {
		ps := make([]probe, len(qs))
		run := func(i int) {
			w := &capped{buf: make([]byte, 0, o.MaxBytes+o.MaxBytes/4), limit: -1}
			if qs[i] == o.MaxQuality && o.MaxQuality > o.MinQuality {
				w.limit = o.MaxBytes
			}
			ps[i] = probe{q: qs[i], err: w.encode(img, qs[i])}
			ps[i].data = w.buf
			if ps[i].err == errOverLimit {
				ps[i].err = nil
				ps[i].data = nil
				ps[i].over = true
			}
		}
		var wg sync.WaitGroup
		for i := 1; i < len(qs); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				run(i)
			}()
		}
		run(0)
		wg.Wait()
		return ps
	}
	var lo, hi probe
	var loSize, hiSize int
	if est > 0 && est <= o.MaxBytes && o.MaxQuality > o.MinQuality {
		// Seeded by the previous resolution: the bracket's ends are
		// estimates (no data) until a probe replaces them, and the floor
		// or ceiling is encoded at the end only if the search reaches it.
		lo, hi = probe{q: o.MinQuality}, probe{q: o.MaxQuality}
		loSize, hiSize = est, max(o.MaxBytes+1, int(over2*float64(est)))
	} else {
		ends := encode(o.MinQuality, o.MaxQuality)
		lo, hi = ends[0], ends[1]
		switch {
		case lo.err != nil:
			return nil, 0, 0, fmt.Errorf("pages: encode: %w", lo.err)
		case hi.err != nil:
			return nil, 0, 0, fmt.Errorf("pages: encode: %w", hi.err)
		case len(lo.data) > o.MaxBytes:
			return nil, 0, len(lo.data), nil
		case !hi.over && len(hi.data) <= o.MaxBytes:
			return hi.data, hi.q, len(lo.data), nil
		}
		loSize, hiSize = len(lo.data), len(hi.data)
		if hi.over {
			hiSize = max(o.MaxBytes+1, int(over2*float64(loSize)))
		}
	}
	for hi.q-lo.q > 1 {
		inside := func(q int) int { return min(max(q, lo.q+1), hi.q-1) }
		f := float64(o.MaxBytes-loSize) / max(float64(hiSize-loSize), 1)
		qa := inside(lo.q + int(f*float64(hi.q-lo.q)))
		ilo, ihi := 1/quantScale(lo.q), 1/quantScale(hi.q)
		qb := inside(qualityFor(1 / (ilo + f*(ihi-ilo))))
		qa, qb = min(qa, qb), max(qa, qb)
		qs := []int{qa, qb}
		switch {
		case hi.q-lo.q == 2:
			qs = []int{lo.q + 1}
		case qa == qb && qa+1 < hi.q:
			qs = []int{qa, qa + 1}
		case qa == qb:
			qs = []int{qa - 1, qa}
		}
		for _, p := range encode(qs...) {
			if p.err != nil {
				return nil, 0, 0, fmt.Errorf("pages: encode: %w", p.err)
			}
			if len(p.data) <= o.MaxBytes {
				if p.q > lo.q {
					lo, loSize = p, len(p.data)
				}
			} else if p.q < hi.q {
				hi, hiSize = p, len(p.data)
			}
		}
	}
	if hi.data == nil && !hi.over {
		// Every probe fitted: try the ceiling itself.
		p := encode(hi.q)[0]
		if p.err != nil {
			return nil, 0, 0, fmt.Errorf("pages: encode: %w", p.err)
		}
		if !p.over && len(p.data) <= o.MaxBytes {
			return p.data, p.q, 0, nil
		}
	}
	if lo.data == nil {
		// No probe fitted: the floor decides.
		p := encode(lo.q)[0]
		if p.err != nil {
			return nil, 0, 0, fmt.Errorf("pages: encode: %w", p.err)
		}
		if len(p.data) > o.MaxBytes {
			return nil, 0, len(p.data), nil
		}
		return p.data, p.q, len(p.data), nil
	}
	return lo.data, lo.q, 0, nil
}

// capped is an io.Writer that collects an encoding and, given a limit
// ≥ 0, stops it once it passes the limit. image/jpeg would go on
// transforming every block after a failed write, so the writer panics
// with errOverLimit and encode recovers it: an over-limit probe then
// costs only the part of the page that fitted.
type capped struct {
	buf   []byte
	limit int
}

var errOverLimit = errors.New("pages: encoding over the size limit")

func (c *capped) Write(p []byte) (int, error) {
	if c.limit >= 0 && len(c.buf)+len(p) > c.limit {
		panic(errOverLimit)
	}
	c.buf = append(c.buf, p...)
	return len(p), nil
}

func (c *capped) encode(img image.Image, q int) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if r != errOverLimit {
				panic(r)
			}
			err = errOverLimit
		}
	}()
	return jpeg.Encode(c, img, &jpeg.Options{Quality: q})
}

// quantScale is the percentage by which image/jpeg (like libjpeg) scales
// its quantisation tables at quality q; qualityFor is its inverse.
func quantScale(q int) float64 {
	if q < 50 {
		return 5000 / float64(q)
	}
	return float64(200 - 2*q)
}

func qualityFor(scale float64) int {
	if scale >= 100 {
		return int(5000 / scale)
	}
	return int((200 - scale) / 2)
}

// thumbnail is a small JPEG of the page for the review screen.
func thumbnail(r raster, side int) ([]byte, error) {
	k := max(1, (max(r.w, r.h)+side-1)/side)
	pix, w, h := shrink(r.pix, r.w, r.h, r.w*r.ch, r.ch, k)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, raster{pix: pix, w: w, h: h, ch: r.ch}.image(), &jpeg.Options{Quality: 75}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
