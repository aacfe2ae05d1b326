package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// tileKind is how a tile looks.
type tileKind int

const (
	tilePlain    tileKind = iota // white card, dark text
	tilePrimary                  // blue, white text: the main choices
	tileSelected                 // the chosen option
	tileInfo                     // not tappable: information only
)

// badge is a small coloured tag on a tile: 可自助办理, 需联网 …
type badge struct {
	Text  string
	Color color.Color
}

// tile is the kiosk's big tappable card: a title, an optional line under it
// and badges. Home tiles, list rows and options are all tiles, so every
// touch target has one size rule and one look.
type tile struct {
	widget.BaseWidget
	Title    string
	Sub      string
	Badges   []badge
	Icon     fyne.Resource
	Kind     tileKind
	Big      bool    // home tile: centred, heading-sized title
	Center   bool    // centre the title (tabs, options)
	MinH     float32 // at least this tall
	TitleSz  float32 // 0: text size
	OnTapped func()
}

func newTile(title, sub string, kind tileKind, tapped func()) *tile {
	t := &tile{Title: title, Sub: sub, Kind: kind, OnTapped: tapped}
	t.ExtendBaseWidget(t)
	return t
}

// Tapped runs the tile's action.
func (t *tile) Tapped(*fyne.PointEvent) {
	if t.Kind != tileInfo && t.OnTapped != nil {
		t.OnTapped()
	}
}

func (t *tile) CreateRenderer() fyne.WidgetRenderer {
	r := &tileRenderer{t: t, bg: canvas.NewRectangle(color.White),
		title: newText("", nil), sub: newText("", nil), icon: canvas.NewImageFromResource(nil)}
	r.icon.FillMode = canvas.ImageFillContain
	r.Refresh()
	return r
}

type tileRenderer struct {
	t      *tile
	bg     *canvas.Rectangle
	icon   *canvas.Image
	title  *canvas.Text
	sub    *canvas.Text
	badges []fyne.CanvasObject
	size   fyne.Size
	// shown is the icon (by name) and colour the image holds: an SVG is
	// rasterised on every Refresh, ~10 ms for a home tile's, and every
	// screen switch refreshes every tile, so it is redone only when these
	// change (a new size rasterises it again by itself).
	shown struct {
		icon    string
		primary bool
	}
}

func (r *tileRenderer) sizes() (title, sub, pad, icon float32) {
	th := fyne.CurrentApp().Settings().Theme()
	text := th.Size(theme.SizeNameText)
	title = text
	sub = th.Size(theme.SizeNameCaptionText)
	if r.t.TitleSz > 0 {
		title = r.t.TitleSz
	} else if r.t.Big {
		title = th.Size(theme.SizeNameHeadingText) * 1.2
		sub = text
	}
	pad = th.Size(theme.SizeNameInnerPadding)
	icon = title * 1.4
	if r.t.Big {
		icon = title * 1.8
	}
	return
}

func (r *tileRenderer) Layout(s fyne.Size) {
	r.size = s
	r.bg.Resize(s)
	titleSz, subSz, pad, iconSz := r.sizes()
	th := measureText("国Ag", titleSz, fyne.TextStyle{}).Height
	sh := measureText("国Ag", subSz, fyne.TextStyle{}).Height
	hasSub := r.t.Sub != "" || len(r.t.Badges) > 0
	if r.t.Big {
		// Icon, title and sub centred as one block.
		block := th
		if r.t.Icon != nil {
			block += iconSz + pad/2
		}
		if hasSub {
			block += sh + pad/3
		}
		y := (s.Height - block) / 2
		if r.t.Icon != nil {
			r.icon.Move(fyne.NewPos((s.Width-iconSz)/2, y))
			r.icon.Resize(fyne.NewSquareSize(iconSz))
			y += iconSz + pad/2
		}
		r.title.Alignment = fyne.TextAlignCenter
		r.title.Text = ellipsize(r.t.Title, titleSz, fyne.TextStyle{}, s.Width-2*pad)
		r.title.Move(fyne.NewPos(pad, y))
		r.title.Resize(fyne.NewSize(s.Width-2*pad, th))
		y += th + pad/3
		r.sub.Alignment = fyne.TextAlignCenter
		r.sub.Text = ellipsize(r.t.Sub, subSz, fyne.TextStyle{}, s.Width-2*pad)
		r.sub.Move(fyne.NewPos(pad, y))
		r.sub.Resize(fyne.NewSize(s.Width-2*pad, sh))
		r.layoutBadges(pad, y+sh, s.Width-2*pad, subSz, true)
		return
	}
	x := pad
	if r.t.Icon != nil {
		r.icon.Move(fyne.NewPos(pad, (s.Height-iconSz)/2))
		r.icon.Resize(fyne.NewSquareSize(iconSz))
		x += iconSz + pad
	}
	w := s.Width - x - pad
	block := th
	if hasSub {
		block += sh + pad/4
	}
	y := (s.Height - block) / 2
	r.title.Alignment = fyne.TextAlignLeading
	if r.t.Center {
		r.title.Alignment = fyne.TextAlignCenter
	}
	r.title.Text = ellipsize(r.t.Title, titleSz, fyne.TextStyle{}, w)
	r.title.Move(fyne.NewPos(x, y))
	r.title.Resize(fyne.NewSize(w, th))
	bw := r.layoutBadges(x, y+th+pad/4, w, subSz, false)
	r.sub.Alignment = fyne.TextAlignLeading
	r.sub.Text = ellipsize(r.t.Sub, subSz, fyne.TextStyle{}, w-bw)
	r.sub.Move(fyne.NewPos(x+bw, y+th+pad/4))
	r.sub.Resize(fyne.NewSize(w-bw, sh))
}

// layoutBadges places the badges on the sub line (before the sub text) and
// returns the width they take.
func (r *tileRenderer) layoutBadges(x, y, w, size float32, below bool) float32 {
	if len(r.t.Badges) == 0 {
		return 0
	}
	gap := size / 2
	used := float32(0)
	for i := 0; i+1 < len(r.badges); i += 2 {
		bg, txt := r.badges[i].(*canvas.Rectangle), r.badges[i+1].(*canvas.Text)
		m := measureText(txt.Text, size, fyne.TextStyle{})
		bw := m.Width + size
		if below {
			// Big tiles have no badges in practice; keep them in bounds.
			x = r.size.Width/2 - bw/2
			y += gap / 2
		}
		bg.Move(fyne.NewPos(x+used, y))
		bg.Resize(fyne.NewSize(bw, m.Height))
		txt.Move(fyne.NewPos(x+used, y))
		txt.Resize(fyne.NewSize(bw, m.Height))
		used += bw + gap
	}
	return used
}

func (r *tileRenderer) MinSize() fyne.Size {
	titleSz, subSz, pad, iconSz := r.sizes()
	th := measureText("国Ag", titleSz, fyne.TextStyle{}).Height
	h := th + 2*pad
	if r.t.Sub != "" || len(r.t.Badges) > 0 {
		h += measureText("国Ag", subSz, fyne.TextStyle{}).Height + pad/4
	}
	if r.t.Big && r.t.Icon != nil {
		h += iconSz + pad/2
	}
	scale := fyne.CurrentApp().Settings().Theme().Size(theme.SizeNameText) / sizeText
	return fyne.NewSize(titleSz*2, max(h, r.t.MinH, touchMin*scale))
}

func (r *tileRenderer) Refresh() {
	titleSz, subSz, _, _ := r.sizes()
	fg := theme.Color(theme.ColorNameForeground)
	subCol := color.Color(colMuted)
	if fyne.CurrentApp().Settings().Theme().Size(theme.SizeNameText) > sizeText {
		subCol = colHCMuted
	}
	r.bg.CornerRadius = 14
	r.bg.StrokeWidth = 0
	switch r.t.Kind {
	case tilePrimary:
		r.bg.FillColor = theme.Color(theme.ColorNamePrimary)
		fg, subCol = color.White, color.NRGBA{0xE6, 0xEE, 0xFA, 0xFF}
	case tileSelected:
		r.bg.FillColor = theme.Color(theme.ColorNameSelection)
		r.bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
		r.bg.StrokeWidth = 4
	case tileInfo:
		r.bg.FillColor = theme.Color(theme.ColorNameButton)
	default:
		r.bg.FillColor = colCard
		r.bg.StrokeColor = theme.Color(theme.ColorNameSeparator)
		r.bg.StrokeWidth = 2
	}
	r.title.Color, r.title.TextSize = fg, titleSz
	r.sub.Color, r.sub.TextSize = subCol, subSz
	iconChanged := false
	if r.t.Icon != nil {
		primary := r.t.Kind == tilePrimary
		if r.shown.icon != r.t.Icon.Name() || r.shown.primary != primary {
			r.shown.icon, r.shown.primary, iconChanged = r.t.Icon.Name(), primary, true
			if primary {
				r.icon.Resource = theme.NewColoredResource(r.t.Icon, theme.ColorNameForegroundOnPrimary)
			} else {
				r.icon.Resource = theme.NewColoredResource(r.t.Icon, theme.ColorNamePrimary)
			}
		}
		r.icon.Show()
	} else {
		r.icon.Hide()
	}
	r.badges = r.badges[:0]
	for _, b := range r.t.Badges {
		bg := canvas.NewRectangle(b.Color)
		bg.CornerRadius = 6
		txt := newText(b.Text, color.White)
		txt.TextSize = subSz
		txt.Alignment = fyne.TextAlignCenter
		r.badges = append(r.badges, bg, txt)
	}
	before := r.icon.Size()
	r.Layout(r.size)
	r.bg.Refresh()
	r.title.Refresh()
	r.sub.Refresh()
	if iconChanged && r.icon.Size() == before {
		r.icon.Refresh()
	}
}

func (r *tileRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.bg, r.icon, r.title, r.sub}, r.badges...)
}

func (r *tileRenderer) Destroy() {}
