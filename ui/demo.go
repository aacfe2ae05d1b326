package ui

import (
	"os"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// DemoControls is what the demo simulator panel drives: the simulated
// devices behind the kiosk (cmd/kiosk --demo implements it over drivers/sim).
// Methods are called on the UI goroutine and should return quickly;
// LastReceipt is also called from the panel's watcher goroutine.
type DemoControls interface {
	// Cards lists the fixture ID cards the reader simulator can present.
	Cards() []DemoCard
	// PlaceCard puts fixture card id on the simulated reader.
	PlaceCard(id string) error
	// RemoveCard takes the card off the reader.
	RemoveCard() error
	// Codes are ready-made codes to scan, e.g. the last receipt's QR code
	// and a garbage one; asked again whenever the panel refreshes.
	Codes() []DemoCode
	// Scan presents text to the simulated scanner as a scanned code.
	Scan(text string) error
	// SetPaperOut runs the simulated printer out of paper, or refills it.
	SetPaperOut(out bool) error
	// LastReceipt is the path of a PNG image of the last printed job, or "".
	LastReceipt() string
}

// DemoCard is one fixture ID card.
type DemoCard struct {
	ID    string // passed to PlaceCard
	Label string // what the panel shows, e.g. "居民身份证 · 测*甲 · 有效"
}

// DemoCode is one ready-made code to scan.
type DemoCode struct {
	Label string
	Text  string
}

// demoTheme is the kiosk's look at desk size: the panel is for the person
// demonstrating, not the citizen at arm's length.
type demoTheme struct{ kioskTheme }

func (t *demoTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNamePadding, theme.SizeNameInputBorder, theme.SizeNameSeparatorThickness:
		return t.kioskTheme.Size(n)
	}
	return t.kioskTheme.Size(n) * 0.6
}

// NewDemoPanel opens the simulator panel as a second window: place and
// remove fixture cards, scan a code, run the printer out of paper, and see
// the last printed receipt.
func NewDemoPanel(app fyne.App, c DemoControls) fyne.Window {
	w := app.NewWindow("GovKiosk 演示模拟器 / Demo devices")
	p := &demoPanel{c: c, w: w}
	p.status = widget.NewLabel("")
	p.status.Wrapping = fyne.TextWrapWord
	p.receipt = canvas.NewImageFromResource(nil)
	p.receipt.FillMode = canvas.ImageFillContain
	p.receipt.SetMinSize(fyne.NewSize(360, 480))
	p.cards = container.NewVBox()
	p.codes = container.NewVBox()
	p.build()
	p.refresh()
	w.Resize(fyne.NewSize(560, 1100))

	stop := make(chan struct{})
	w.SetOnClosed(func() { close(stop) })
	go p.watchReceipt(stop)
	return w
}

type demoPanel struct {
	c       DemoControls
	w       fyne.Window
	status  *widget.Label
	receipt *canvas.Image
	cards   *fyne.Container
	codes   *fyne.Container
	themed  *container.ThemeOverride
	shown   string
	shownAt time.Time
}

func (p *demoPanel) report(what string, err error) {
	if err != nil {
		p.status.SetText(what + "：" + err.Error())
		return
	}
	p.status.SetText(what + "：OK")
	p.refresh()
}

func (p *demoPanel) build() {
	section := func(s string) fyne.CanvasObject {
		t := newText(s, theme.Color(theme.ColorNamePrimary))
		t.TextSize = sizeSubHeading * 0.6
		return t
	}
	remove := newButtonWithIcon("取走身份证 Remove card", theme.ContentRemoveIcon(), func() {
		p.report("取走身份证", p.c.RemoveCard())
	})
	code := widget.NewEntry()
	code.SetPlaceHolder("要扫描的文字 / code text")
	scan := newButtonWithIcon("扫描 Scan", theme.SearchIcon(), func() {
		p.report("扫描", p.c.Scan(code.Text))
	})
	paperOut := newButton("打印机缺纸 Paper out", func() { p.report("打印机缺纸", p.c.SetPaperOut(true)) })
	paperOut.Importance = widget.WarningImportance
	paperOK := newButton("装纸 Paper OK", func() { p.report("打印机装纸", p.c.SetPaperOut(false)) })
	refresh := newButtonWithIcon("刷新 Refresh", theme.ViewRefreshIcon(), p.refresh)
	top := container.NewVBox(
		section("身份证读卡器 ID-card reader"), p.cards, remove,
		widget.NewSeparator(),
		section("扫描枪 Scanner"), container.NewBorder(nil, nil, nil, scan, code), p.codes,
		widget.NewSeparator(),
		section("打印机 Printer"), container.NewGridWithColumns(2, paperOut, paperOK),
		widget.NewSeparator(),
		container.NewBorder(nil, nil, nil, refresh, section("最近打印 Last printed")),
	)
	content := container.NewBorder(top, p.status, nil, nil, p.receipt)
	p.themed = container.NewThemeOverride(container.NewPadded(content), &demoTheme{})
	p.w.SetContent(p.themed)
}

// refresh reads the cards, codes and last receipt again.
func (p *demoPanel) refresh() {
	p.cards.Objects = nil
	for _, c := range p.c.Cards() {
		p.cards.Add(newButtonWithIcon(c.Label, theme.AccountIcon(), func() {
			p.report("放置 "+c.Label, p.c.PlaceCard(c.ID))
		}))
	}
	p.cards.Refresh()
	p.codes.Objects = nil
	for _, c := range p.c.Codes() {
		p.codes.Add(newButtonWithIcon(c.Label, theme.SearchIcon(), func() {
			p.report("扫描 "+c.Label, p.c.Scan(c.Text))
		}))
	}
	p.codes.Refresh()
	p.showReceipt()
	if p.themed != nil {
		p.themed.Refresh() // new buttons take the panel's theme
	}
}

func (p *demoPanel) showReceipt() {
	path := p.c.LastReceipt()
	var mod time.Time
	if st, err := os.Stat(path); err == nil {
		mod = st.ModTime()
	}
	if path == p.shown && mod.Equal(p.shownAt) {
		return
	}
	p.shown, p.shownAt = path, mod
	if path == "" {
		p.receipt.File, p.receipt.Resource = "", nil
	} else {
		p.receipt.File = path
	}
	p.receipt.Refresh()
}

// watchReceipt shows a new receipt as soon as the printer simulator writes
// it, checking once a second until the panel closes.
func (p *demoPanel) watchReceipt(stop <-chan struct{}) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	last, lastMod := p.c.LastReceipt(), time.Time{}
	if st, err := os.Stat(last); err == nil {
		lastMod = st.ModTime()
	}
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			path := p.c.LastReceipt()
			var mod time.Time
			if st, err := os.Stat(path); err == nil {
				mod = st.ModTime()
			}
			if path != last || !mod.Equal(lastMod) {
				last, lastMod = path, mod
				fyne.Do(p.refresh)
			}
		}
	}
}
