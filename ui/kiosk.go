// Package ui holds the kiosk's Fyne screens. Screens show what the domain
// (package kiosk) decides and ask the rest of the kiosk for everything else
// through Services; they do no I/O of their own. Work that may block (a
// device, the network, the store) runs on a goroutine and comes back to the
// UI with fyne.Do (Kiosk.background): that is the one bridge.
package ui

import (
	"context"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
)

// Orientation is how the screen is mounted.
type Orientation int

const (
	Portrait  Orientation = iota // 1080 × 1920, the usual floor-standing kiosk
	Landscape                    // 1920 × 1080, desk and wall units
)

// Size is the screen size the layouts are made for.
func (o Orientation) Size() fyne.Size {
	if o == Landscape {
		return fyne.NewSize(1920, 1080)
	}
	return fyne.NewSize(1080, 1920)
}

// Options configure the kiosk window.
type Options struct {
	Orientation Orientation
	// Fullscreen opens the window full screen and undecorated; off, it is a
	// window of the orientation's size (development).
	Fullscreen bool
	// HideCursor hides the mouse pointer: a touch screen has none.
	HideCursor bool
	// Language is the default language, "zh" (the default) or "en". Each
	// new citizen starts in it.
	Language string
	// Elderly starts every session in 长辈模式.
	Elderly bool
	// OnTechnicianGesture is called on five taps in the top-left corner
	// within three seconds (maintenance mode asks for the PIN). Nothing else
	// closes or leaves the kiosk window.
	OnTechnicianGesture func()
	// Capture scans paper materials; nil offers no scanning (only
	// 电子证照免提交 and 稍后补交).
	Capture MaterialCapture
	// OnFirstFrame, if set, is called once, from the painter, while the
	// first frame of the home screen is drawn: the app logs that it is
	// ready, and cmd/kioskbench times start-up to that line.
	OnFirstFrame func()
}

// MaterialCapture captures the pages of one paper material with a document
// scanner or camera. It may block for a bounded time; errors carry a
// citizen message (see Message). Pages are JPEG bytes for
// kiosk.Run.ChooseMaterial(id, kiosk.MaterialScanned, pages).
type MaterialCapture interface {
	Capture(ctx context.Context, m kiosk.Material) ([][]byte, error)
}

// countdownFrom is when the idle countdown appears.
const countdownFrom = 30 * time.Second

// workTimeout bounds one background call to a device, the store or the hall.
const workTimeout = 60 * time.Second

// Kiosk is the kiosk window and everything on it: the screens, the
// citizen's session and the bridge from device events to the UI.
type Kiosk struct {
	app  fyne.App
	svc  Services
	opts Options
	win  fyne.Window
	th   *kioskTheme

	lang    string
	elderly bool
	online  bool
	devices map[string]DeviceState

	cat   *kiosk.Catalog
	index *search.Index

	sess  *kiosk.Session
	cur   screen
	stack []screen

	notice      string
	noticeUntil time.Time
	serviceMsg  string // from the hall, on the attract screen (service_message.go)
	taps        []time.Time

	// working counts background calls in flight. While one runs, the
	// session is not ended under it (a Run is not safe for concurrent use):
	// an end asked for meanwhile waits in pendingEnd.
	working    int
	pendingEnd bool
	wg         sync.WaitGroup
	// post brings a background result to the UI goroutine: fyne.Do, or a
	// queue that tests drain on their own goroutine.
	post func(func())

	main      *fyne.Container
	top       *fyne.Container
	body      *fyne.Container
	bottom    *fyne.Container
	layer     *fyne.Container
	clockText *canvas.Text
	focus     fyne.Focusable
	rendering bool
	overlay   overlayKind
	countText *canvas.Text
	// The animated bars on the body and on the overlay. Fyne runs a
	// ProgressBarInfinite's animation until its renderer is destroyed,
	// about a minute after it leaves the window, repainting the whole
	// window every frame meanwhile (two cores busy under a software
	// renderer): each is stopped when what holds it is replaced.
	bodyBar, overlayBar *widget.ProgressBarInfinite

	stop     chan struct{}
	stopOnce sync.Once
}

// screen is one screen of the kiosk. content builds it afresh (after a
// language or mode switch too), so its state lives in the screen value.
type screen interface {
	content(k *Kiosk) fyne.CanvasObject
}

// Optional screen behaviours.
type (
	// backHandler handles the footer's 返回 itself (a flow steps back).
	backHandler interface{ back(k *Kiosk) bool }
	// identityAware reacts to a citizen being identified on it.
	identityAware interface{ identified(k *Kiosk) }
	// scanAware takes a scanned code; false lets the kiosk handle it.
	scanAware interface {
		scanned(k *Kiosk, c ScannedCode) bool
	}
	// onlineAware is rebuilt when the network comes or goes.
	onlineAware interface{ onlineMatters() }
	// homeScreen marks the attract screen: no 返回 or 首页.
	attract interface{ isHome() }
)

// Prewarm loads the kiosk's regular font on another goroutine, so that a
// caller can call it first thing and open its store and devices meanwhile.
// Fyne loads a text style's faces on its first measure — parsing the whole
// CJK font and scanning the system's fonts for a fallback, ~40 ms of CPU —
// and the home screen measures text before it can lay out its first
// frame; on two cores that work can overlap the kiosk's own start-up
// instead. (The bold style is loaded only when the first frame paints; a
// second goroutine loading it early cost more CPU than it saved time.)
// New sets the same theme again and waits for the font before it lays
// out: measuring while it is still loading would parse it a second time.
func Prewarm(app fyne.App, opts Options) {
	app.Settings().SetTheme(&kioskTheme{elderly: opts.Elderly})
	done := make(chan struct{})
	go func() {
		defer close(done)
		measureText("政务服务", theme.TextSize(), fyne.TextStyle{})
	}()
	prewarmed = func() { <-done }
}

// prewarmed waits for Prewarm's font; set only by Prewarm, before New.
var prewarmed = func() {}

// New builds the kiosk window over svc and starts listening to its events.
// Call Window().ShowAndRun() (or Show) to display it.
func New(app fyne.App, svc Services, opts Options) *Kiosk {
	painted := make(chan struct{})
	ready := opts.OnFirstFrame
	opts.OnFirstFrame = func() {
		if ready != nil {
			ready()
		}
		close(painted)
	}
	k := newKiosk(app, svc, opts)
	warmUp(painted, svc)
	go k.pumpEvents()
	go k.runTicker()
	return k
}

func newKiosk(app fyne.App, svc Services, opts Options) *Kiosk {
	if opts.Language != LangEN {
		opts.Language = LangZH
	}
	k := &Kiosk{
		app: app, svc: svc, opts: opts,
		lang: opts.Language, elderly: opts.Elderly,
		th:      &kioskTheme{elderly: opts.Elderly},
		online:  svc.Online(),
		devices: map[string]DeviceState{},
		stop:    make(chan struct{}),
		post:    fyne.Do,
	}
	for _, d := range svc.Devices() {
		k.devices[d.Device] = d
	}
	if th, ok := app.Settings().Theme().(*kioskTheme); ok && *th == *k.th {
		k.th = th // set by Prewarm: setting it again would drop the fonts it loaded
	} else {
		app.Settings().SetTheme(k.th)
	}
	k.win = app.NewWindow(T(k.lang, "app.title"))
	k.win.SetPadded(false)
	// Only the technician's maintenance mode closes the kiosk (Close).
	k.win.SetCloseIntercept(func() {})
	k.win.Resize(opts.Orientation.Size())
	k.win.SetFixedSize(true)
	if opts.Fullscreen {
		k.win.SetFullScreen(true)
	}
	k.top = container.New(colLayout{})
	k.body = container.NewStack()
	k.bottom = container.NewStack()
	k.layer = container.NewStack()
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	k.main = container.NewBorder(k.top, k.bottom, nil, nil, k.body)
	corner := newHotCorner(k.cornerTap)
	free := container.NewWithoutLayout(corner)
	if opts.OnFirstFrame != nil {
		free.Add(newFirstFrameProbe(opts.OnFirstFrame))
	}
	// A screen whose content asks for more than the window (a line that
	// did not wrap, a translation longer than planned) is clipped, never
	// allowed to widen the window: Fyne grows even a fixed-size window to
	// its content's minimum, and the kiosk then stays too wide for good.
	root := fyne.CanvasObject(container.New(capLayout{opts.Orientation.Size()}, container.NewStack(bg, k.main, k.layer, free)))
	if opts.HideCursor {
		root = newNoCursor(root)
	}
	k.win.SetContent(root)
	k.cur = &homeScreen{}
	prewarmed()
	k.render()
	return k
}

// Window is the kiosk's window.
func (k *Kiosk) Window() fyne.Window { return k.win }

// EndSession ends the citizen's session now, wiping everything it held,
// and shows the attract screen (maintenance mode calls it before it
// takes over the screen).
func (k *Kiosk) EndSession() { k.endSession() }

// Close stops listening to events and closes the window. It is for
// maintenance mode and the app's shutdown; citizens cannot reach it.
func (k *Kiosk) Close() {
	k.stopOnce.Do(func() { close(k.stop) })
	k.endSession()
	k.win.SetCloseIntercept(nil)
	k.win.Close()
}

// pumpEvents hands device events to the UI one at a time, in order: the
// next is read only once the last has been handled.
func (k *Kiosk) pumpEvents() {
	events := k.svc.Events()
	for {
		select {
		case <-k.stop:
			return
		case e, ok := <-events:
			if !ok {
				return
			}
			fyne.DoAndWait(func() { k.handle(e) })
		}
	}
}

// runTicker drives the clock on screen and the idle countdown. The tick
// only says "look again"; times come from svc.Clock().
func (k *Kiosk) runTicker() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-k.stop:
			return
		case <-t.C:
			fyne.Do(k.tick)
		}
	}
}

func (k *Kiosk) now() time.Time { return k.svc.Clock().Now() }

// render rebuilds the chrome and the current screen.
func (k *Kiosk) render() {
	k.rendering = true
	k.cat, k.index = k.svc.Catalog()
	prev := k.bodyBar
	k.bodyBar = nil
	c := k.cur.content(k)
	if prev != nil && prev != k.bodyBar {
		prev.Stop()
	}
	k.body.Objects = []fyne.CanvasObject{inset(c, 16, 28)}
	k.renderChrome() // lays the frame out again, the new body with it
	k.rendering = false
	k.flushFocus()
}

func (k *Kiosk) flushFocus() {
	if f := k.focus; f != nil {
		k.focus = nil
		k.win.Canvas().Focus(f)
	}
}

// focusLater focuses f once the screen being built is on the window.
func (k *Kiosk) focusLater(f fyne.Focusable) { k.focus = f }

// open shows s, remembering the current screen for 返回.
func (k *Kiosk) open(s screen) {
	k.touch()
	k.stack = append(k.stack, k.cur)
	k.cur = s
	k.render()
}

// replace shows s instead of the current screen.
func (k *Kiosk) replace(s screen) {
	k.cur = s
	k.render()
}

// back goes to the previous screen (or lets the screen step back itself).
func (k *Kiosk) back() {
	k.touch()
	if b, ok := k.cur.(backHandler); ok && b.back(k) {
		return
	}
	if n := len(k.stack); n > 0 {
		k.cur = k.stack[n-1]
		k.stack = k.stack[:n-1]
		k.render()
		return
	}
	k.goHome()
}

// goHome shows the home screen; the session goes on.
func (k *Kiosk) goHome() {
	k.stack = nil
	k.cur = &homeScreen{}
	k.render()
}
