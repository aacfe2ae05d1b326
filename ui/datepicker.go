package ui

import (
	"image/color"

	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// datePicker picks a date (a calendar) or a month (twelve buttons) with big
// buttons, jumping by one or ten years so a birth date is a few taps away.
type datePicker struct {
	k         *Kiosk
	monthOnly bool
	year      int
	month     time.Month
	sel       string
	onPick    func(string)
	box       *fyne.Container
}

func newDatePicker(k *Kiosk, monthOnly bool, value string, onPick func(string)) *datePicker {
	p := &datePicker{k: k, monthOnly: monthOnly, sel: value, onPick: onPick, box: container.NewStack()}
	now := k.svc.Clock().Now()
	p.year, p.month = now.Year(), now.Month()
	layout := "2006-01-02"
	if monthOnly {
		layout = "2006-01"
	}
	if t, err := time.Parse(layout, value); err == nil {
		p.year, p.month = t.Year(), t.Month()
	}
	p.rebuild()
	return p
}

func (p *datePicker) object() fyne.CanvasObject { return p.box }

func (p *datePicker) button(label string, f func()) *button {
	return newButton(label, func() { p.k.touch(); f(); p.rebuild() })
}

func (p *datePicker) rowH() float32 { return 72 * p.k.th.scale() }

func (p *datePicker) title() string {
	if p.monthOnly {
		return p.k.tf("date.year", p.year)
	}
	if p.k.lang == LangEN {
		return fmt.Sprintf("%s %d", p.month, p.year)
	}
	return fmt.Sprintf("%d年%d月", p.year, int(p.month))
}

func (p *datePicker) addMonths(n int) {
	t := time.Date(p.year, p.month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	p.year, p.month = t.Year(), t.Month()
}

func (p *datePicker) rebuild() {
	gap := theme.Padding()
	title := newText(p.title(), theme.Color(theme.ColorNameForeground))
	title.TextSize = theme.Size(theme.SizeNameSubHeadingText)
	title.Alignment = fyne.TextAlignCenter
	var nav fyne.CanvasObject
	if p.monthOnly {
		nav = sized(weightedRow(gap, []float32{1, 1, 2.4, 1, 1},
			p.button(p.k.t("date.minus10"), func() { p.year -= 10 }),
			p.button(p.k.t("date.minus1"), func() { p.year-- }),
			title,
			p.button(p.k.t("date.plus1"), func() { p.year++ }),
			p.button(p.k.t("date.plus10"), func() { p.year += 10 }),
		), 0, p.rowH())
	} else {
		// One row: ten years, a year and a month each way around the title.
		nav = sized(weightedRow(gap, []float32{1, 1, 0.8, 2.6, 0.8, 1, 1},
			p.button(p.k.t("date.minus10"), func() { p.year -= 10 }),
			p.button(p.k.t("date.minus1"), func() { p.year-- }),
			p.button("‹", func() { p.addMonths(-1) }),
			title,
			p.button("›", func() { p.addMonths(1) }),
			p.button(p.k.t("date.plus1"), func() { p.year++ }),
			p.button(p.k.t("date.plus10"), func() { p.year += 10 }),
		), 0, p.rowH())
	}
	rows := []fyne.CanvasObject{nav}
	if p.monthOnly {
		var months []fyne.CanvasObject
		for m := time.January; m <= time.December; m++ {
			value := fmt.Sprintf("%04d-%02d", p.year, int(m))
			label := fmt.Sprintf("%d月", int(m))
			if p.k.lang == LangEN {
				label = m.String()[:3]
			}
			b := p.button(label, func() { p.sel = value; p.onPick(value) })
			if value == p.sel {
				b.Importance = widget.HighImportance
			}
			months = append(months, sized(b, 0, p.rowH()))
		}
		rows = append(rows, container.New(gridLayout{cols: 4, gap: gap}, months...))
	} else {
		var cells []fyne.CanvasObject
		for _, wd := range strings.Split(p.k.t("date.weekdays"), ",") {
			t := newText(wd, theme.Color(theme.ColorNamePlaceHolder))
			t.TextSize = theme.Size(theme.SizeNameCaptionText)
			t.Alignment = fyne.TextAlignCenter
			cells = append(cells, t)
		}
		first := time.Date(p.year, p.month, 1, 0, 0, 0, 0, time.UTC)
		lead := (int(first.Weekday()) + 6) % 7 // Monday first, as Chinese calendars are
		for i := 0; i < lead; i++ {
			cells = append(cells, canvas.NewRectangle(color.Transparent))
		}
		days := first.AddDate(0, 1, -1).Day()
		for d := 1; d <= days; d++ {
			value := fmt.Sprintf("%04d-%02d-%02d", p.year, int(p.month), d)
			b := p.button(fmt.Sprint(d), func() { p.sel = value; p.onPick(value) })
			if value == p.sel {
				b.Importance = widget.HighImportance
			}
			cells = append(cells, sized(b, 0, p.rowH()*0.85))
		}
		rows = append(rows, container.New(gridLayout{cols: 7, gap: gap}, cells...))
	}
	p.box.Objects = []fyne.CanvasObject{container.New(colLayout{gap: gap}, rows...)}
	p.box.Refresh()
}

// gridLayout is a grid of equal columns whose rows are as tall as their
// tallest cell (Fyne's grid makes every row the same height).
type gridLayout struct {
	cols int
	gap  float32
}

func (l gridLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := (size.Width - l.gap*float32(l.cols-1)) / float32(l.cols)
	y := float32(0)
	for i := 0; i < len(objs); i += l.cols {
		h := float32(0)
		for _, o := range objs[i:min(i+l.cols, len(objs))] {
			h = max(h, o.MinSize().Height)
		}
		for j, o := range objs[i:min(i+l.cols, len(objs))] {
			o.Move(fyne.NewPos(float32(j)*(w+l.gap), y))
			o.Resize(fyne.NewSize(w, h))
		}
		y += h + l.gap
	}
}

func (l gridLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for i := 0; i < len(objs); i += l.cols {
		h, w := float32(0), float32(0)
		for _, o := range objs[i:min(i+l.cols, len(objs))] {
			m := o.MinSize()
			h, w = max(h, m.Height), max(w, m.Width)
		}
		s.Height += h
		s.Width = max(s.Width, w*float32(l.cols)+l.gap*float32(l.cols-1))
	}
	if n := (len(objs) + l.cols - 1) / l.cols; n > 1 {
		s.Height += l.gap * float32(n-1)
	}
	return s
}
