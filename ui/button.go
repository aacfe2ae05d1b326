package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// button is the citizen screens' button: widget.Button's look (colours by
// importance, an optional leading icon), its label in the regular text
// style. Fyne's button draws its label bold, and Fyne parses a theme's
// whole font once per text style: the bold style alone cost the kiosk
// ~16 MB of heap (our CJK font, Fyne's Latin bold and its emoji font again)
// and ~30 ms before the first frame — for no visible difference, as the
// CJK font has no bold. A finger gets feedback on press (the background
// darkens while it is down), not on hover, which a touch screen lacks.
type button struct {
	widget.BaseWidget
	Text       string
	Icon       fyne.Resource
	Importance widget.Importance
	// IconPlacement puts the icon after the label when trailing (下一页 →).
	IconPlacement widget.ButtonIconPlacement
	OnTapped      func()

	disabled, pressed bool
}

func newButton(text string, tapped func()) *button {
	return newButtonWithIcon(text, nil, tapped)
}

func newButtonWithIcon(text string, icon fyne.Resource, tapped func()) *button {
	b := &button{Text: text, Icon: icon, OnTapped: tapped}
	b.ExtendBaseWidget(b)
	return b
}

func (b *button) Disable() {
	if !b.disabled {
		b.disabled, b.pressed = true, false
		b.Refresh()
	}
}

func (b *button) Enable() {
	if b.disabled {
		b.disabled = false
		b.Refresh()
	}
}

func (b *button) Disabled() bool { return b.disabled }

func (b *button) Tapped(*fyne.PointEvent) {
	if b.disabled || b.OnTapped == nil {
		return
	}
	b.OnTapped()
}

func (b *button) MouseDown(*desktop.MouseEvent) {
	if !b.disabled && !b.pressed {
		b.pressed = true
		b.Refresh()
	}
}

func (b *button) MouseUp(*desktop.MouseEvent) {
	if b.pressed {
		b.pressed = false
		b.Refresh()
	}
}

func (b *button) CreateRenderer() fyne.WidgetRenderer {
	r := &buttonRenderer{b: b, bg: canvas.NewRectangle(color.Transparent), label: newText("", nil)}
	r.icon = canvas.NewImageFromResource(nil)
	r.icon.FillMode = canvas.ImageFillContain
	r.Refresh()
	return r
}

type buttonRenderer struct {
	b     *button
	bg    *canvas.Rectangle
	icon  *canvas.Image
	label *canvas.Text
}

// colors are widget.Button's for the same state and importance: the
// label's colour by name, the background's by value.
func (r *buttonRenderer) colors() (fgName fyne.ThemeColorName, bg color.Color) {
	b := r.b
	fgName = theme.ColorNameForeground
	bgName := theme.ColorNameButton
	switch b.Importance {
	case widget.DangerImportance:
		fgName, bgName = theme.ColorNameForegroundOnError, theme.ColorNameError
	case widget.HighImportance:
		fgName, bgName = theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary
	case widget.SuccessImportance:
		fgName, bgName = theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess
	case widget.WarningImportance:
		fgName, bgName = theme.ColorNameForegroundOnWarning, theme.ColorNameWarning
	case widget.LowImportance:
		bgName = ""
	}
	if b.disabled {
		fgName = theme.ColorNameDisabled
		if b.Importance != widget.LowImportance {
			bgName = theme.ColorNameDisabledButton
		}
	}
	bg = color.Transparent
	if bgName != "" {
		bg = theme.Color(bgName)
	}
	if b.pressed {
		bg = blend(bg, theme.Color(theme.ColorNamePressed))
	}
	return fgName, bg
}

// blend lays over (with its alpha) on under.
func blend(under, over color.Color) color.Color {
	ur, ug, ub, ua := under.RGBA()
	or, og, ob, oa := over.RGBA()
	mix := func(u, o uint32) uint8 { return uint8((o*oa/0xffff + u*(0xffff-oa)/0xffff) >> 8) }
	return color.NRGBA{R: mix(ur, or), G: mix(ug, og), B: mix(ub, ob), A: uint8(max(ua, oa) >> 8)}
}

func (r *buttonRenderer) textSize() fyne.Size {
	return measureText(r.label.Text, r.label.TextSize, fyne.TextStyle{})
}

// MinSize is widget.Button's: the label and icon with the inner padding
// on each side.
func (r *buttonRenderer) MinSize() fyne.Size {
	inner := theme.Size(theme.SizeNameInnerPadding)
	icon := theme.Size(theme.SizeNameInlineIcon)
	var s fyne.Size
	if r.b.Text != "" {
		s = r.textSize()
	}
	if r.b.Icon != nil {
		if r.b.Text != "" {
			s.Width += theme.Padding()
		}
		s.Width += icon
		s.Height = max(s.Height, icon)
	}
	return s.AddWidthHeight(2*inner, 2*inner)
}

// Layout centres the icon and the label as one group.
func (r *buttonRenderer) Layout(size fyne.Size) {
	r.bg.Resize(size)
	icon := theme.Size(theme.SizeNameInlineIcon)
	ts := r.textSize()
	w := ts.Width
	if r.b.Icon != nil {
		w += icon
		if r.b.Text != "" {
			w += theme.Padding()
		}
	}
	x := (size.Width - w) / 2
	r.icon.Resize(fyne.NewSquareSize(icon))
	r.label.Resize(ts)
	iconY, labelY := (size.Height-icon)/2, (size.Height-ts.Height)/2
	switch {
	case r.b.Icon == nil:
		r.label.Move(fyne.NewPos(x, labelY))
	case r.b.IconPlacement == widget.ButtonIconTrailingText:
		r.label.Move(fyne.NewPos(x, labelY))
		r.icon.Move(fyne.NewPos(x+w-icon, iconY))
	default:
		r.icon.Move(fyne.NewPos(x, iconY))
		r.label.Move(fyne.NewPos(x+w-ts.Width, labelY))
	}
}

func (r *buttonRenderer) Refresh() {
	fgName, bg := r.colors()
	r.bg.FillColor = bg
	r.bg.CornerRadius = theme.Size(theme.SizeNameInputRadius)
	r.label.Text = r.b.Text
	r.label.Color = theme.Color(fgName)
	r.label.TextSize = theme.TextSize()
	if res := r.b.Icon; res != nil {
		// The icon takes the label's colour, as widget.Button's does.
		switch {
		case r.b.disabled:
			res = theme.NewDisabledResource(res)
		case r.b.Importance != widget.MediumImportance && r.b.Importance != widget.LowImportance:
			res = theme.NewColoredResource(res, fgName)
		}
		r.icon.Resource = res
		r.icon.Show()
	} else {
		r.icon.Hide()
	}
	r.Layout(r.b.Size())
	r.bg.Refresh()
	r.icon.Refresh()
	r.label.Refresh()
}

func (r *buttonRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.icon, r.label}
}

func (r *buttonRenderer) Destroy() {}
