package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// kEntry is the kiosk's one-line text entry. The on-screen keyboard types
// into it (a physical keyboard works too: the focused entry gets its runes
// and editing keys); a touch focuses it, which tells its screen to show the
// right keyboard. It draws with the UI font like every kiosk text:
// widget.Entry draws in a theme style, and the first one on screen cost a
// scan of the system's fonts and three more font parses (~100 ms on the
// tap that opened the search screen, ~15 MB for good). There is no
// selection and no clipboard, which a kiosk does not offer; the caret does
// not blink, so an idle screen is not repainted.
type kEntry struct {
	widget.BaseWidget
	k *Kiosk

	Text        string
	PlaceHolder string
	OnChanged   func(string)
	onFocus     func()

	cursor  int // caret position, in runes
	focused bool
}

func newKEntry(k *Kiosk) *kEntry {
	e := &kEntry{k: k}
	e.ExtendBaseWidget(e)
	return e
}

// SetText replaces the text and puts the caret at its end, where the
// on-screen keys type and delete; OnChanged hears of a change, as with
// widget.Entry (the pickers and 清空 rely on it).
func (e *kEntry) SetText(s string) {
	old := e.Text
	e.Text, e.cursor = s, len([]rune(s))
	if s != old {
		e.changed()
		return
	}
	e.Refresh()
}

func (e *kEntry) SetPlaceHolder(s string) {
	e.PlaceHolder = s
	e.Refresh()
}

func (e *kEntry) changed() {
	e.Refresh()
	if e.OnChanged != nil {
		e.OnChanged(e.Text)
	}
}

func (e *kEntry) TypedRune(r rune) {
	rs := []rune(e.Text)
	e.cursor = min(max(e.cursor, 0), len(rs))
	rs = append(rs[:e.cursor], append([]rune{r}, rs[e.cursor:]...)...)
	e.Text, e.cursor = string(rs), e.cursor+1
	e.changed()
}

func (e *kEntry) TypedKey(ev *fyne.KeyEvent) {
	rs := []rune(e.Text)
	e.cursor = min(max(e.cursor, 0), len(rs))
	switch ev.Name {
	case fyne.KeyBackspace:
		if e.cursor > 0 {
			e.Text, e.cursor = string(append(rs[:e.cursor-1], rs[e.cursor:]...)), e.cursor-1
			e.changed()
		}
	case fyne.KeyDelete:
		if e.cursor < len(rs) {
			e.Text = string(append(rs[:e.cursor], rs[e.cursor+1:]...))
			e.changed()
		}
	case fyne.KeyLeft:
		e.cursor = max(e.cursor-1, 0)
		e.Refresh()
	case fyne.KeyRight:
		e.cursor = min(e.cursor+1, len(rs))
		e.Refresh()
	case fyne.KeyHome:
		e.cursor = 0
		e.Refresh()
	case fyne.KeyEnd:
		e.cursor = len(rs)
		e.Refresh()
	}
}

// Tapped focuses the entry (the window focuses it on press already; a tap
// on an entry that has focus keeps it).
func (e *kEntry) Tapped(*fyne.PointEvent) {
	if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil && c.Focused() != e {
		c.Focus(e)
	}
}

func (e *kEntry) FocusGained() {
	e.focused = true
	e.Refresh()
	if e.onFocus != nil {
		e.onFocus()
	}
}

func (e *kEntry) FocusLost() {
	e.focused = false
	e.Refresh()
}

// Cursor hides the pointer when the kiosk is configured to.
func (e *kEntry) Cursor() desktop.Cursor {
	if e.k != nil && e.k.opts.HideCursor {
		return desktop.HiddenCursor
	}
	return desktop.TextCursor
}

func (e *kEntry) CreateRenderer() fyne.WidgetRenderer {
	r := &entryRenderer{e: e,
		bg:     canvas.NewRectangle(color.White),
		border: canvas.NewRectangle(color.Transparent),
		text:   newText("", nil),
		caret:  canvas.NewRectangle(color.Black)}
	r.Refresh()
	return r
}

type entryRenderer struct {
	e                 *kEntry
	bg, border, caret *canvas.Rectangle
	text              *canvas.Text
}

// MinSize is a touch target's height, as widget.Entry's is at the kiosk's
// sizes.
func (r *entryRenderer) MinSize() fyne.Size {
	inner := theme.Size(theme.SizeNameInnerPadding)
	w := measureText("M", theme.TextSize(), fyne.TextStyle{}).Width + 3*inner
	h := float32(88)
	if r.e.k != nil {
		h = r.e.k.touchH()
	}
	return fyne.NewSize(w, h)
}

// Layout places the text at the inner padding; text wider than the box
// shows its end, with "…" for what is cut off, as the caret is usually
// there.
func (r *entryRenderer) Layout(size fyne.Size) {
	b := theme.Size(theme.SizeNameInputBorder)
	r.bg.Move(fyne.NewSquareOffsetPos(b))
	r.bg.Resize(size.SubtractWidthHeight(2*b, 2*b))
	r.border.Move(fyne.NewSquareOffsetPos(b / 2))
	r.border.Resize(size.SubtractWidthHeight(b, b))

	inner := theme.Size(theme.SizeNameInnerPadding)
	avail := size.Width - 2*inner
	ts := theme.TextSize()
	rs := []rune(r.e.Text)
	shown, before := r.e.Text, rs[:min(max(r.e.cursor, 0), len(rs))]
	if r.e.Text == "" {
		shown = r.e.PlaceHolder
	} else if measureText(shown, ts, fyne.TextStyle{}).Width > avail {
		// Drop runes from the start until the rest fits after "…".
		i := 0
		for i < len(rs) && measureText("…"+string(rs[i:]), ts, fyne.TextStyle{}).Width > avail {
			i++
		}
		shown = "…" + string(rs[i:])
		before = append([]rune("…"), rs[i:max(i, min(r.e.cursor, len(rs)))]...)
	}
	r.text.Text = shown
	th := measureText("国Ag", ts, fyne.TextStyle{}).Height
	r.text.Move(fyne.NewPos(inner, (size.Height-th)/2))
	r.text.Resize(fyne.NewSize(avail, th))
	x := inner
	if r.e.Text != "" {
		x += measureText(string(before), ts, fyne.TextStyle{}).Width
	}
	r.caret.Move(fyne.NewPos(x, (size.Height-th)/2))
	r.caret.Resize(fyne.NewSize(2, th))
}

func (r *entryRenderer) Refresh() {
	e := r.e
	r.bg.FillColor = theme.Color(theme.ColorNameInputBackground)
	r.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	r.border.StrokeWidth = theme.Size(theme.SizeNameInputBorder)
	r.border.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	r.border.StrokeColor = theme.Color(theme.ColorNameInputBorder)
	if e.focused {
		r.border.StrokeColor = theme.Color(theme.ColorNamePrimary)
	}
	r.text.TextSize = theme.TextSize()
	r.text.Color = theme.Color(theme.ColorNameForeground)
	if e.Text == "" {
		r.text.Color = theme.Color(theme.ColorNamePlaceHolder)
	}
	r.caret.FillColor = theme.Color(theme.ColorNamePrimary)
	if e.focused {
		r.caret.Show()
	} else {
		r.caret.Hide()
	}
	r.Layout(e.Size())
	r.bg.Refresh()
	r.border.Refresh()
	r.text.Refresh()
	r.caret.Refresh()
}

func (r *entryRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.border, r.text, r.caret}
}

func (r *entryRenderer) Destroy() {}
