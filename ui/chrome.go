package ui

import (
	"fmt"
	"image/color"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The chrome is what every screen shares: the header (who we are, the
// time, the network, who is identified), banners (offline, a device in
// trouble) and the footer (返回, 首页, 完成).

func (k *Kiosk) touchH() float32 { return 88 * k.th.scale() }

// width is the usable width of a screen's content.
func (k *Kiosk) width() float32 { return k.opts.Orientation.Size().Width - 56 }

func (k *Kiosk) landscape() bool { return k.opts.Orientation == Landscape }

func (k *Kiosk) renderChrome() {
	k.top.Objects = []fyne.CanvasObject{k.header()}
	for _, b := range k.banners() {
		k.top.Objects = append(k.top.Objects, b)
	}
	k.top.Refresh()
	k.bottom.Objects = []fyne.CanvasObject{k.footer()}
	k.bottom.Refresh()
	// The header and footer change height (banners, 长辈模式): lay the
	// frame out again so the screen's body gets the rest.
	k.main.Refresh()
}

func (k *Kiosk) header() fyne.CanvasObject {
	h := 104 * k.th.scale()
	bg := canvas.NewRectangle(theme.Color(theme.ColorNamePrimary))
	emblem := canvas.NewRectangle(color.White)
	emblem.CornerRadius = 36 * k.th.scale()
	emblemText := newText(k.t("app.emblem"), theme.Color(theme.ColorNamePrimary))
	emblemText.TextSize = theme.Size(theme.SizeNameText)
	emblemText.Alignment = fyne.TextAlignCenter
	es := 72 * k.th.scale()
	emblemBox := container.New(minLayout{es, es}, emblem, container.NewCenter(emblemText))

	title := newText(k.t("app.title"), color.White)
	title.TextSize = theme.Size(theme.SizeNameSubHeadingText)
	sub := newText(k.t("app.hall"), color.NRGBA{0xDC, 0xE6, 0xF5, 0xFF})
	sub.TextSize = theme.Size(theme.SizeNameCaptionText)
	titles := container.New(colLayout{}, title, sub)

	k.clockText = newText(k.now().Format("15:04"), color.White)
	k.clockText.TextSize = theme.Size(theme.SizeNameSubHeadingText)
	k.clockText.Alignment = fyne.TextAlignTrailing
	netLabel := k.t("net.online")
	netColor := color.Color(color.NRGBA{0xB9, 0xF5, 0xC4, 0xFF})
	if !k.online {
		netLabel, netColor = k.t("net.offline"), color.NRGBA{0xFF, 0xD5, 0x8A, 0xFF}
	}
	// The status dot is drawn, not a "●": no font the kiosk carries has
	// that glyph, and one missing glyph makes Fyne scan the system's fonts
	// before the first frame.
	net := newText(netLabel, netColor)
	net.TextSize = theme.Size(theme.SizeNameCaptionText)
	dot := canvas.NewCircle(netColor)
	d := net.TextSize * 0.5
	status := container.NewHBox(layout.NewSpacer(), container.NewCenter(sized(dot, d, d)), net)
	right := []fyne.CanvasObject{container.New(colLayout{}, k.clockText, status)}
	if id := k.identity(); id != nil {
		chipText := newText(k.tf("header.identified", id.MaskedName()), theme.Color(theme.ColorNamePrimary))
		chipText.TextSize = theme.Size(theme.SizeNameText)
		chip := panel(color.White, chipText, 10)
		right = append([]fyne.CanvasObject{container.NewCenter(chip)}, right...)
	}
	pad := theme.Padding() * 3
	left := container.NewHBox(container.NewCenter(emblemBox), container.NewCenter(titles))
	content := container.NewBorder(nil, nil, left, container.NewHBox(right...))
	return container.New(minLayout{0, h}, bg, inset(content, 12, pad))
}

func (k *Kiosk) banners() []fyne.CanvasObject {
	var out []fyne.CanvasObject
	banner := func(text string, bg color.Color) fyne.CanvasObject {
		t := wrapped(text, theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width()-32, fyne.TextAlignCenter)
		rect := canvas.NewRectangle(bg)
		return container.NewStack(rect, inset(t, 10, 16))
	}
	if !k.online {
		out = append(out, banner(k.t("banner.offline"), colWarningBG))
	}
	for _, name := range []string{"printer", "idcard", "scanner"} {
		d, ok := k.devices[name]
		if !ok || d.State == "ok" || d.State == "" || d.Message == "" {
			continue
		}
		out = append(out, banner(k.t("device."+name)+k.colon()+k.say(d.Message), colWarningBG))
	}
	return out
}

func (k *Kiosk) footer() fyne.CanvasObject {
	_, home := k.cur.(attract)
	h := k.touchH()
	var buttons []fyne.CanvasObject
	if !home {
		back := newButtonWithIcon(k.t("nav.back"), theme.NavigateBackIcon(), k.back)
		homeB := newButtonWithIcon(k.t("nav.home"), theme.HomeIcon(), func() { k.touch(); k.goHome() })
		buttons = append(buttons, back, homeB)
	}
	if k.sess != nil {
		done := newButtonWithIcon(k.t("nav.done"), theme.ConfirmIcon(), k.finish)
		done.Importance = widget.HighImportance
		buttons = append(buttons, done)
	}
	if len(buttons) == 0 {
		return canvas.NewRectangle(color.Transparent)
	}
	bar := canvas.NewRectangle(theme.Color(theme.ColorNameButton))
	return container.NewStack(bar, inset(sized(row(theme.Padding()*3, buttons...), 0, h), 12, 28))
}

// finish is 完成: the citizen is done; everything of theirs is wiped.
func (k *Kiosk) finish() {
	k.endSession()
	k.notice = k.t("notice.done")
	k.noticeUntil = k.now().Add(15 * time.Second)
	k.render()
}

// overlayKind is what covers the screen, if anything.
type overlayKind int

const (
	ovNone overlayKind = iota
	ovMessage
	ovBusy
	ovCountdown
)

// scrim dims the screen under an overlay and takes the taps that miss it.
type scrim struct {
	widget.BaseWidget
	tapped func()
}

func newScrim(tapped func()) *scrim {
	s := &scrim{tapped: tapped}
	s.ExtendBaseWidget(s)
	return s
}

func (s *scrim) Tapped(*fyne.PointEvent) {
	if s.tapped != nil {
		s.tapped()
	}
}

func (s *scrim) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(colScrim))
}

func (k *Kiosk) showOverlay(kind overlayKind, onScrim func(), parts ...fyne.CanvasObject) {
	k.stopOverlayBar()
	w := min(900*k.th.scale(), k.opts.Orientation.Size().Width-80)
	card := outlined(colCard, theme.Color(theme.ColorNamePrimary),
		container.New(colLayout{gap: theme.Padding() * 3}, parts...), 32)
	k.layer.Objects = []fyne.CanvasObject{newScrim(onScrim), container.NewCenter(container.New(minLayout{w, 0}, card))}
	k.layer.Refresh()
	k.overlay = kind
}

func (k *Kiosk) closeOverlay() {
	k.stopOverlayBar()
	k.layer.Objects = nil
	k.layer.Refresh()
	k.overlay = ovNone
	k.countText = nil
}

func (k *Kiosk) overlayWidth() float32 {
	return min(900*k.th.scale(), k.opts.Orientation.Size().Width-80) - 64
}

func (k *Kiosk) heading(s string, size fyne.ThemeSizeName) *canvas.Text {
	t := newText(s, theme.Color(theme.ColorNameForeground))
	t.TextSize = theme.Size(size)
	return t
}

// showMessage tells the citizen something in plain words, with 知道了.
func (k *Kiosk) showMessage(title, msg string, actions ...*button) {
	t := k.heading(title, theme.SizeNameSubHeadingText)
	body := wrapped(msg, theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.overlayWidth(), fyne.TextAlignLeading)
	ok := newButton(k.t("msg.ok"), func() { k.touch(); k.closeOverlay() })
	ok.Importance = widget.HighImportance
	buttons := []fyne.CanvasObject{}
	for _, a := range actions {
		f := a.OnTapped
		a.OnTapped = func() { k.closeOverlay(); f() }
		buttons = append(buttons, a)
	}
	buttons = append(buttons, ok)
	k.showOverlay(ovMessage, nil, t, body, sized(row(theme.Padding()*2, buttons...), 0, k.touchH()))
}

func (k *Kiosk) showBusy(msg string) {
	t := k.heading(k.t("busy.title"), theme.SizeNameSubHeadingText)
	t.Alignment = fyne.TextAlignCenter
	body := wrapped(msg, theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.overlayWidth(), fyne.TextAlignCenter)
	bar := newBusyBar()
	k.showOverlay(ovBusy, nil, t, body, bar)
	k.overlayBar = bar
}

func (k *Kiosk) stopOverlayBar() {
	if k.overlayBar != nil {
		k.overlayBar.Stop()
		k.overlayBar = nil
	}
}

// busyBar is an animated bar for the screen being built; render stops it
// when the screen is replaced.
func (k *Kiosk) busyBar() *widget.ProgressBarInfinite {
	k.bodyBar = newBusyBar()
	return k.bodyBar
}

// newBusyBar makes every animated bar of the citizen screens (tests count
// them).
var newBusyBar = widget.NewProgressBarInfinite

// showCountdown warns that the session is about to end, with a big 继续.
func (k *Kiosk) showCountdown(rem time.Duration) {
	secs := int(math.Ceil(rem.Seconds()))
	if k.overlay == ovCountdown && k.countText != nil {
		k.countText.Text = fmt.Sprint(secs)
		k.countText.Refresh()
		return
	}
	if k.overlay == ovBusy {
		return
	}
	title := k.heading(k.t("idle.title"), theme.SizeNameHeadingText)
	title.Alignment = fyne.TextAlignCenter
	count := newText(fmt.Sprint(secs), theme.Color(theme.ColorNamePrimary))
	count.TextSize = theme.Size(theme.SizeNameHeadingText) * 2.2
	count.Alignment = fyne.TextAlignCenter
	body := wrapped(k.t("idle.body"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.overlayWidth(), fyne.TextAlignCenter)
	cont := newButton(k.t("idle.continue"), k.touch)
	cont.Importance = widget.HighImportance
	quit := newButton(k.t("idle.quit"), k.finish)
	k.showOverlay(ovCountdown, k.touch, title, count, body,
		sized(cont, 0, k.touchH()*1.3), sized(quit, 0, k.touchH()))
	k.countText = count
}

// primary is the screen's main action: a big blue button.
func (k *Kiosk) primary(label string, f func()) fyne.CanvasObject {
	b := newButton(label, func() { k.touch(); f() })
	b.Importance = widget.HighImportance
	return sized(b, 0, k.touchH())
}

// secondary is a big plain button.
func (k *Kiosk) secondary(label string, f func()) fyne.CanvasObject {
	b := newButton(label, func() { k.touch(); f() })
	return sized(b, 0, k.touchH())
}
