package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Fyne's desktop driver does not scroll on a finger's drag, and a thin
// scrollbar is no use to an elderly citizen: every long list and text on
// the kiosk pages with big 上一页 / 下一页 buttons instead.

// pagerBar is the 上一页 · 第 1/3 页 · 下一页 row under a paged view.
type pagerBar struct {
	prev, next *button
	info       *canvas.Text
	box        *fyne.Container
}

func newPagerBar(k *Kiosk, prev, next func()) *pagerBar {
	b := &pagerBar{}
	b.prev = newButtonWithIcon(k.t("pager.prev"), theme.NavigateBackIcon(), func() { k.touch(); prev() })
	b.next = newButtonWithIcon(k.t("pager.next"), theme.NavigateNextIcon(), func() { k.touch(); next() })
	b.next.IconPlacement = widget.ButtonIconTrailingText
	b.prev.Importance, b.next.Importance = widget.HighImportance, widget.HighImportance
	b.info = newText("", theme.Color(theme.ColorNameForeground))
	b.info.Alignment = fyne.TextAlignCenter
	b.info.TextSize = theme.Size(theme.SizeNameText)
	h := k.touchH()
	b.box = weightedRow(theme.Padding()*2, []float32{2, 1.4, 2}, sized(b.prev, 0, h), b.info, sized(b.next, 0, h))
	return b
}

func (b *pagerBar) set(k *Kiosk, page, pages int) {
	b.info.Text = k.tf("pager.page", page+1, pages)
	b.info.Refresh()
	enable(b.prev, page > 0)
	enable(b.next, page < pages-1)
}

func enable(b *button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// pagedList shows as many fixed-height rows as fit its height (at most
// maxPer), one page at a time. Rows are made once and reused, like
// widget.List.
type pagedList struct {
	widget.BaseWidget
	k        *Kiosk
	length   func() int
	create   func() fyne.CanvasObject
	update   func(i int, o fyne.CanvasObject)
	rowH     float32
	maxPer   int
	page     int
	perPage  int
	emptyMsg string
}

func newPagedList(k *Kiosk, length func() int, create func() fyne.CanvasObject, update func(int, fyne.CanvasObject)) *pagedList {
	l := &pagedList{k: k, length: length, create: create, update: update, maxPer: 8}
	l.rowH = create().MinSize().Height
	l.ExtendBaseWidget(l)
	return l
}

// Reset shows the first page again (after the rows changed).
func (l *pagedList) Reset() {
	l.page = 0
	l.Refresh()
}

func (l *pagedList) pages() int {
	if l.perPage == 0 {
		return 1
	}
	return max(1, (l.length()+l.perPage-1)/l.perPage)
}

func (l *pagedList) CreateRenderer() fyne.WidgetRenderer {
	r := &pagedListRenderer{l: l}
	r.bar = newPagerBar(l.k, func() { l.page--; l.Refresh() }, func() { l.page++; l.Refresh() })
	r.empty = newText("", theme.Color(theme.ColorNamePlaceHolder))
	r.empty.TextSize = theme.Size(theme.SizeNameText)
	r.empty.Alignment = fyne.TextAlignCenter
	return r
}

type pagedListRenderer struct {
	l     *pagedList
	rows  []fyne.CanvasObject
	bar   *pagerBar
	empty *canvas.Text
	size  fyne.Size
}

func (r *pagedListRenderer) Layout(s fyne.Size) {
	r.size = s
	l := r.l
	gap := theme.Padding() * 2
	n := l.length()
	barH := r.bar.box.MinSize().Height
	fit := func(h float32) int { return max(1, int((h+gap)/(l.rowH+gap))) }
	per := min(fit(s.Height), l.maxPer)
	if n > per {
		per = min(fit(s.Height-barH-gap), l.maxPer)
	}
	l.perPage = per
	pages := l.pages()
	l.page = max(0, min(l.page, pages-1))
	for len(r.rows) < per {
		r.rows = append(r.rows, l.create())
	}
	y := float32(0)
	for i, o := range r.rows {
		idx := l.page*per + i
		if i >= per || idx >= n {
			o.Hide()
			continue
		}
		l.update(idx, o)
		o.Move(fyne.NewPos(0, y))
		o.Resize(fyne.NewSize(s.Width, l.rowH))
		o.Show()
		y += l.rowH + gap
	}
	r.empty.Text = l.emptyMsg
	r.empty.Move(fyne.NewPos(0, l.rowH))
	r.empty.Resize(fyne.NewSize(s.Width, l.rowH))
	if n == 0 && l.emptyMsg != "" {
		r.empty.Show()
	} else {
		r.empty.Hide()
	}
	if n > per {
		r.bar.box.Show()
		r.bar.box.Move(fyne.NewPos(0, s.Height-barH))
		r.bar.box.Resize(fyne.NewSize(s.Width, barH))
		r.bar.set(l.k, l.page, pages)
	} else {
		r.bar.box.Hide()
	}
}

func (r *pagedListRenderer) MinSize() fyne.Size {
	return fyne.NewSize(0, r.l.rowH+r.bar.box.MinSize().Height+theme.Padding()*2)
}

func (r *pagedListRenderer) Refresh() {
	r.Layout(r.size)
	for _, o := range r.rows {
		if o.Visible() {
			o.Refresh()
		}
	}
	r.empty.Refresh()
}

func (r *pagedListRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.empty, r.bar.box}, r.rows...)
}

func (r *pagedListRenderer) Destroy() {}

// pager shows blocks of varying height a page at a time: as many as fit,
// never splitting one. blocks is called again when the width changes, so
// text can be wrapped for it.
type pager struct {
	widget.BaseWidget
	k      *Kiosk
	blocks func(width float32) []fyne.CanvasObject
	page   int
	// noBar hides the page buttons.
	noBar bool
	// cols lays pages out in columns, like a book (landscape readers).
	cols    int
	onPaged func(page, pages int)

	objs    []fyne.CanvasObject
	width   float32
	starts  []int // index of each page's first block
	pageOf  []int
	rebuild bool
}

func newPager(k *Kiosk, blocks func(width float32) []fyne.CanvasObject) *pager {
	p := &pager{k: k, blocks: blocks, rebuild: true}
	p.ExtendBaseWidget(p)
	return p
}

// Pages is the number of pages at the current size.
func (p *pager) Pages() int { return max(1, len(p.starts)) }

// Page is the page shown.
func (p *pager) Page() int { return p.page }

// SetPage shows page i.
func (p *pager) SetPage(i int) {
	p.page = i
	p.Refresh()
}

// PageOf is the page block i is on, or 0.
func (p *pager) PageOf(i int) int {
	if i >= 0 && i < len(p.pageOf) {
		return p.pageOf[i]
	}
	return 0
}

// Rebuild asks for the blocks again (their content changed).
func (p *pager) Rebuild() {
	p.rebuild = true
	p.Refresh()
}

func (p *pager) CreateRenderer() fyne.WidgetRenderer {
	r := &pagerRenderer{p: p}
	r.bar = newPagerBar(p.k, func() { p.page--; p.Refresh() }, func() { p.page++; p.Refresh() })
	return r
}

type pagerRenderer struct {
	p    *pager
	bar  *pagerBar
	size fyne.Size
}

func (r *pagerRenderer) Layout(s fyne.Size) {
	p := r.p
	r.size = s
	if s.Width <= 0 {
		return
	}
	gap := theme.Padding() * 2
	cols := max(1, p.cols)
	colGap := gap * 4
	colW := (s.Width - colGap*float32(cols-1)) / float32(cols)
	if p.rebuild || colW != p.width {
		p.objs = p.blocks(colW)
		p.width = colW
		p.rebuild = false
	}
	barH := float32(0)
	if !p.noBar {
		barH = r.bar.box.MinSize().Height + gap
	}
	// Fill a column, then the next; a page is cols columns.
	type slot struct {
		page, col int
		y         float32
	}
	var slots []slot
	paginate := func(avail float32) int {
		slots = make([]slot, len(p.objs))
		page, col, y := 0, 0, float32(0)
		for i, o := range p.objs {
			h := o.MinSize().Height
			if y > 0 && y+h > avail {
				y = 0
				if col++; col == cols {
					col = 0
					page++
				}
			}
			slots[i] = slot{page, col, y}
			y += h + gap
		}
		return page + 1
	}
	pages := paginate(s.Height)
	if pages > 1 && !p.noBar {
		pages = paginate(s.Height - barH)
	}
	p.starts, p.pageOf = p.starts[:0], make([]int, len(p.objs))
	for i, sl := range slots {
		if len(p.starts) <= sl.page {
			p.starts = append(p.starts, i)
		}
		p.pageOf[i] = sl.page
	}
	p.page = max(0, min(p.page, pages-1))
	for i, o := range p.objs {
		sl := slots[i]
		if sl.page != p.page {
			o.Hide()
			continue
		}
		o.Move(fyne.NewPos(float32(sl.col)*(colW+colGap), sl.y))
		o.Resize(fyne.NewSize(colW, o.MinSize().Height))
		o.Show()
	}
	if pages > 1 && !p.noBar {
		bh := r.bar.box.MinSize().Height
		r.bar.box.Move(fyne.NewPos(0, s.Height-bh))
		r.bar.box.Resize(fyne.NewSize(s.Width, bh))
		r.bar.box.Show()
		r.bar.set(p.k, p.page, pages)
	} else {
		r.bar.box.Hide()
	}
	if p.onPaged != nil {
		p.onPaged(p.page, pages)
	}
}

func (r *pagerRenderer) MinSize() fyne.Size {
	return fyne.NewSize(0, r.bar.box.MinSize().Height*2)
}

func (r *pagerRenderer) Refresh() {
	r.Layout(r.size)
	canvas.Refresh(r.p)
}

func (r *pagerRenderer) Objects() []fyne.CanvasObject {
	return append([]fyne.CanvasObject{r.bar.box}, r.p.objs...)
}

func (r *pagerRenderer) Destroy() {}

// paragraph is one piece of a readable text: a heading, a label-value line
// or body text.
type paragraph struct {
	Text  string
	Size  float32
	Color fyne.ThemeColorName
	Gap   bool // extra space before it
}

// newReader is a pager over paragraphs wrapped to the width: the guide, a
// public document, the review of an application.
func newReader(k *Kiosk, paras []paragraph) *pager {
	p := newPager(k, func(width float32) []fyne.CanvasObject {
		var out []fyne.CanvasObject
		for _, p := range paras {
			col := p.Color
			if col == "" {
				col = theme.ColorNameForeground
			}
			size := p.Size
			if size == 0 {
				size = theme.Size(theme.SizeNameText)
			}
			if p.Gap && len(out) > 0 {
				gap := canvas.NewRectangle(color.Transparent)
				gap.SetMinSize(fyne.NewSize(1, size/3))
				out = append(out, gap)
			}
			lh := measureText("国Ag", size, fyne.TextStyle{}).Height * 1.12
			for _, line := range wrapText(p.Text, size, fyne.TextStyle{}, width) {
				t := newText(line, theme.Color(col))
				t.TextSize = size
				out = append(out, sized(t, 0, lh))
			}
		}
		return out
	})
	if k.landscape() {
		p.cols = 2
	}
	return p
}
