package ui

import (
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// minLayout lays its children over each other, at least w × h.
type minLayout struct{ w, h float32 }

func (l minLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (l minLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	s := fyne.NewSize(l.w, l.h)
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

// sized makes o at least w × h: every touch target goes through it.
func sized(o fyne.CanvasObject, w, h float32) *fyne.Container {
	return container.New(minLayout{w, h}, o)
}

// rowLayout spreads its children across the width, each as wide as its
// weight says, all as tall as the tallest.
type rowLayout struct {
	weights []float32
	gap     float32
}

func (l rowLayout) weight(i int) float32 {
	if i < len(l.weights) {
		return l.weights[i]
	}
	return 1
}

func (l rowLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var total float32
	n := 0
	for i, o := range objs {
		if o.Visible() {
			total += l.weight(i)
			n++
		}
	}
	if n == 0 {
		return
	}
	free := size.Width - l.gap*float32(n-1)
	x := float32(0)
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		w := free * l.weight(i) / total
		o.Move(fyne.NewPos(x, 0))
		o.Resize(fyne.NewSize(w, size.Height))
		x += w + l.gap
	}
}

func (l rowLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		s.Width += m.Width
		s.Height = max(s.Height, m.Height)
		n++
	}
	if n > 1 {
		s.Width += l.gap * float32(n-1)
	}
	return s
}

// row puts objects side by side with equal widths.
func row(gap float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(rowLayout{gap: gap}, objs...)
}

// weightedRow puts objects side by side, widths by weight.
func weightedRow(gap float32, weights []float32, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(rowLayout{weights: weights, gap: gap}, objs...)
}

// capLayout gives its children its whole size and reports their minimum
// size capped at max.
type capLayout struct{ max fyne.Size }

func (l capLayout) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objects {
		o.Move(fyne.Position{})
		o.Resize(size)
	}
}

func (l capLayout) MinSize(objects []fyne.CanvasObject) fyne.Size {
	var m fyne.Size
	for _, o := range objects {
		m = m.Max(o.MinSize())
	}
	return m.Min(l.max)
}

// colLayout stacks children; those listed as fill share the spare height.
type colLayout struct {
	gap  float32
	fill map[int]bool
}

func (l colLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	var used float32
	fills, n := 0, 0
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		n++
		if l.fill[i] {
			fills++
			continue
		}
		used += o.MinSize().Height
	}
	if n > 1 {
		used += l.gap * float32(n-1)
	}
	spare := size.Height - used
	y := float32(0)
	for i, o := range objs {
		if !o.Visible() {
			continue
		}
		h := o.MinSize().Height
		if l.fill[i] {
			h = max(spare/float32(fills), o.MinSize().Height)
		}
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(size.Width, h))
		y += h + l.gap
	}
}

func (l colLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	n := 0
	for _, o := range objs {
		if !o.Visible() {
			continue
		}
		m := o.MinSize()
		s.Height += m.Height
		s.Width = max(s.Width, m.Width)
		n++
	}
	if n > 1 {
		s.Height += l.gap * float32(n-1)
	}
	return s
}

// column stacks objects top to bottom; the one at index fill (or none for
// -1) takes the spare height.
func column(gap float32, fill int, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(colLayout{gap: gap, fill: map[int]bool{fill: true}}, objs...)
}

// insetLayout pads its children by a fixed amount on every side.
type insetLayout struct{ top, right, bottom, left float32 }

func (l insetLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(l.left, l.top))
		o.Resize(fyne.NewSize(size.Width-l.left-l.right, size.Height-l.top-l.bottom))
	}
}

func (l insetLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s.Add(fyne.NewSize(l.left+l.right, l.top+l.bottom))
}

func inset(o fyne.CanvasObject, v, h float32) *fyne.Container {
	return container.New(insetLayout{v, h, v, h}, o)
}

// textLine is one line of text that never wraps: long text is cut with an
// ellipsis to the width it is given.
type textLine struct {
	widget.BaseWidget
	Text      string
	TextSize  float32
	Color     color.Color
	ColorName fyne.ThemeColorName
	Bold      bool
	Align     fyne.TextAlign
}

func newTextLine(s string, size float32, col fyne.ThemeColorName) *textLine {
	t := &textLine{Text: s, TextSize: size, ColorName: col}
	t.ExtendBaseWidget(t)
	return t
}

func (t *textLine) SetText(s string) {
	t.Text = s
	t.Refresh()
}

func (t *textLine) CreateRenderer() fyne.WidgetRenderer {
	r := &textLineRenderer{t: t, txt: newText("", nil)}
	r.Refresh()
	return r
}

type textLineRenderer struct {
	t    *textLine
	txt  *canvas.Text
	size fyne.Size
}

func (r *textLineRenderer) style() fyne.TextStyle { return fyne.TextStyle{Bold: r.t.Bold} }

func (r *textLineRenderer) Layout(s fyne.Size) {
	r.size = s
	r.txt.Text = ellipsize(r.t.Text, r.t.TextSize, r.style(), s.Width)
	r.txt.Resize(s)
	r.txt.Refresh()
}

func (r *textLineRenderer) MinSize() fyne.Size {
	m := measureText("国Ag", r.t.TextSize, r.style())
	return fyne.NewSize(0, m.Height)
}

func (r *textLineRenderer) Refresh() {
	r.txt.TextSize = r.t.TextSize
	r.txt.TextStyle = r.style()
	r.txt.Alignment = r.t.Align
	if r.t.Color != nil {
		r.txt.Color = r.t.Color
	} else {
		name := r.t.ColorName
		if name == "" {
			name = theme.ColorNameForeground
		}
		r.txt.Color = theme.Color(name)
	}
	r.Layout(r.size)
}

func (r *textLineRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.txt} }
func (r *textLineRenderer) Destroy()                     {}

// ellipsize cuts s to fit width, ending in "…".
func ellipsize(s string, size float32, style fyne.TextStyle, width float32) string {
	if width <= 0 || measureText(s, size, style).Width <= width {
		return s
	}
	r := []rune(s)
	lo, hi := 0, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if measureText(string(r[:mid])+"…", size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return strings.TrimRight(string(r[:lo]), " ") + "…"
}

// wrapText breaks s into lines no wider than width: Chinese may break
// between any two characters, Latin words only at spaces, and a closing
// punctuation mark never starts a line.
func wrapText(s string, size float32, style fyne.TextStyle, width float32) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, wrapLine(para, size, style, width)...)
	}
	return out
}

const noLineStart = "，。、；：？！）》」』”’,.;:?!)%"

func wrapLine(s string, size float32, style fyne.TextStyle, width float32) []string {
	if s == "" {
		return []string{""}
	}
	r := []rune(s)
	var lines []string
	start := 0
	for start < len(r) {
		end := fitRunes(r[start:], size, style, width) + start
		if end >= len(r) {
			lines = append(lines, string(r[start:]))
			break
		}
		// Closing punctuation never starts a line (避头尾): it stays
		// with the line before when it still fits, or takes that line's
		// last character with it onto the next. Appending it regardless
		// made a line wider than the width, and a screen wider than the
		// window, which Fyne then widened.
		if end < len(r) && strings.ContainsRune(noLineStart, r[end]) {
			keep := end
			for keep < len(r) && strings.ContainsRune(noLineStart, r[keep]) {
				keep++
			}
			if measureText(string(r[start:keep]), size, style).Width <= width {
				end = keep
			} else if end-1 > start {
				end--
			} else {
				end = keep // one character and its punctuation: nothing to pull back
			}
		}
		// Do not split a Latin word.
		if end < len(r) && isWordRune(r[end]) && end > start && isWordRune(r[end-1]) {
			sp := end - 1
			for sp > start && isWordRune(r[sp]) {
				sp--
			}
			if sp > start {
				end = sp + 1
			}
		}
		lines = append(lines, strings.TrimRight(string(r[start:end]), " "))
		start = end
		for start < len(r) && r[start] == ' ' {
			start++
		}
	}
	return lines
}

func isWordRune(r rune) bool {
	return r < 0x2E80 && r != ' ' && !strings.ContainsRune(noLineStart, r)
}

// fitRunes is how many runes of r fit in width (at least one).
func fitRunes(r []rune, size float32, style fyne.TextStyle, width float32) int {
	if measureText(string(r), size, style).Width <= width {
		return len(r)
	}
	lo, hi := 1, len(r)
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if measureText(string(r[:mid]), size, style).Width <= width {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// wrapped is s broken into lines for width, as a column of texts. Widths
// are known when screens are built (the window has a fixed size), so the
// height of wrapped text is known before layout.
func wrapped(s string, size float32, col fyne.ThemeColorName, width float32, align fyne.TextAlign) *fyne.Container {
	c := container.New(colLayout{})
	for _, l := range wrapText(s, size, fyne.TextStyle{}, width) {
		t := newText(l, theme.Color(col))
		t.TextSize = size
		t.Alignment = align
		c.Add(t)
	}
	return c
}

// panel is a rounded rectangle behind content, for cards and banners.
func panel(bg color.Color, content fyne.CanvasObject, pad float32) *fyne.Container {
	rect := canvas.NewRectangle(bg)
	rect.CornerRadius = 12
	return container.NewStack(rect, inset(content, pad, pad))
}

// outlined is a panel with a border.
func outlined(bg, border color.Color, content fyne.CanvasObject, pad float32) *fyne.Container {
	rect := canvas.NewRectangle(bg)
	rect.CornerRadius = 12
	rect.StrokeColor = border
	rect.StrokeWidth = 2
	return container.NewStack(rect, inset(content, pad, pad))
}
