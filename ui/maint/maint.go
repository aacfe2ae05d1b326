// Package maint is the kiosk's maintenance mode: the screens a technician
// reaches with the hidden gesture and the PIN. Like package ui it holds
// widgets and no I/O: everything it shows or changes goes through
// Services, which the app (cmd/kiosk) implements; blocking calls run on a
// goroutine and come back with fyne.Do.
package maint

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"govkiosk/assets/i18n"
	"govkiosk/kiosk"
	kmaint "govkiosk/kiosk/maint"
	"govkiosk/ui"
)

// Services is what the maintenance screens ask of the rest of the kiosk.
// Methods taking a context may block (devices, the hall, the disk) and are
// called off the UI goroutine; the others return at once. Errors are shown
// to the technician as they are, so they say what failed and what to do.
type Services interface {
	Clock() kiosk.Clock

	// PINState reports whether a PIN is set and, if wrong tries locked
	// maintenance, until when (zero when not locked).
	PINState() (set bool, lockedUntil time.Time, err error)
	// CheckPIN is nil for the right PIN; it returns a
	// *kiosk/maint.WrongPINError or *LockedError otherwise. Audited.
	CheckPIN(pin string) error
	// SetPIN stores a new PIN (validated: 6 to 12 digits). Audited.
	SetPIN(pin string) error

	// Devices is every configured device's state.
	Devices() []ui.DeviceState
	// Events are the device events while maintenance is shown: the
	// citizen screens do not see them meanwhile.
	Events() <-chan ui.Event
	// DevicePorts is the configured port of each device (idcard, printer,
	// scanner), for the setup screen.
	DevicePorts() map[string]string
	// Discover lists the serial ports and HID devices present.
	Discover(ctx context.Context) ([]kmaint.Port, error)
	// SetDevicePort writes device's port to the configuration (atomic,
	// archived, audited); it takes effect when the kiosk restarts.
	SetDevicePort(device string, p kmaint.Port) error
	// PrintTestPage prints the printer's self-test page.
	PrintTestPage(ctx context.Context) error

	// Status is the terminal's network and hall state.
	Status(ctx context.Context) Status
	// Enroll trades a one-time code from the hall for the terminal's
	// credentials and returns the terminal id. A used code fails.
	Enroll(ctx context.Context, code string) (string, error)
	// Outbox counts what waits for the hall.
	Outbox(ctx context.Context) (Outbox, error)
	// SyncNow uploads, heartbeats and checks the catalogue once.
	SyncNow(ctx context.Context) error

	// RecentLogs is the last n log lines (never personal data: the log
	// redacts it).
	RecentLogs(n int) ([]string, error)
	// USBDirs are the mounted removable drives' folders.
	USBDirs() []string
	// ExportLogs copies the logs into dir, whole or not at all, and
	// returns the folder written and the number of files.
	ExportLogs(ctx context.Context, dir string) (string, int, error)
}

// Status is the network and hall state.
type Status struct {
	TerminalID     string
	HallURL        string
	Enrolled       bool
	Online         bool
	LastError      string
	Version        string
	CatalogVersion int64
}

// Outbox is what waits for the hall.
type Outbox struct {
	Pending, Parked int
	LastError       string
}

// Options configure maintenance mode.
type Options struct {
	// OnExit is called on the UI goroutine once the kiosk's screens are
	// back (the attract screen).
	OnExit func()
}

// minTouch is the least height and width of anything a finger must hit.
const minTouch = 72

// IdleExit is how long maintenance stays open without a touch: a
// technician called away must not leave an unlocked terminal behind.
const IdleExit = 5 * time.Minute

// Mode is maintenance mode shown on a window, in place of the kiosk's
// screens until the technician leaves.
type Mode struct {
	win  fyne.Window
	svc  Services
	opts Options
	prev fyne.CanvasObject

	cur      screen
	body     *fyne.Container
	events   []string // newest last, for the device status screen
	stop     chan struct{}
	stopOnce sync.Once
	wg       sync.WaitGroup
	closed   bool
	touched  time.Time // the last render: every tap that does something renders
	// bar is the screen's animated bar, stopped when the screen is
	// replaced: Fyne animates it until its renderer is destroyed, about a
	// minute after it leaves the window, repainting every frame.
	bar *widget.ProgressBarInfinite
	// post brings a background result to the UI goroutine: fyne.Do, or a
	// queue that tests drain on their own goroutine.
	post func(func())
}

// screen is one maintenance screen, built afresh by content.
type screen interface {
	content(m *Mode) fyne.CanvasObject
}

// eventAware screens react to device events.
type eventAware interface{ event(m *Mode, e ui.Event) }

// Open takes over win with the PIN screen. The caller ends the citizen's
// session first. The kiosk's screens come back on exit.
func Open(win fyne.Window, svc Services, opts Options) *Mode {
	m := open(win, svc, opts, fyne.Do)
	go m.pump()
	return m
}

func open(win fyne.Window, svc Services, opts Options, post func(func())) *Mode {
	m := &Mode{win: win, svc: svc, opts: opts, prev: win.Content(), stop: make(chan struct{}), post: post}
	m.body = container.NewStack()
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameBackground))
	win.SetContent(container.NewStack(bg, container.NewPadded(m.body)))
	m.show(newPINScreen(m))
	return m
}

// Exit leaves maintenance mode: the kiosk's screens come back.
func (m *Mode) Exit() {
	if m.closed {
		return
	}
	m.closed = true
	m.stopOnce.Do(func() { close(m.stop) })
	if m.bar != nil {
		m.bar.Stop()
	}
	if _, ok := m.cur.(*pinScreen); ok {
		m.cur.(*pinScreen).wipe()
	}
	m.win.SetContent(m.prev)
	if m.opts.OnExit != nil {
		m.opts.OnExit()
	}
}

// pump hands device events to the screens on the UI goroutine, and
// leaves maintenance once it has been idle for IdleExit.
func (m *Mode) pump() {
	events := m.svc.Events()
	tick := time.NewTicker(10 * time.Second)
	defer tick.Stop()
	for {
		select {
		case <-m.stop:
			return
		case <-tick.C:
			fyne.DoAndWait(m.CheckIdle)
		case e, ok := <-events:
			if !ok {
				return
			}
			fyne.DoAndWait(func() { m.Handle(e) })
		}
	}
}

// Handle takes one device event on the UI goroutine. The card's identity
// is wiped once shown: maintenance keeps nothing of a citizen's.
func (m *Mode) Handle(e ui.Event) {
	if m.closed {
		if e.Identity != nil {
			e.Identity.Wipe()
		}
		return
	}
	m.logEvent(e)
	if s, ok := m.cur.(eventAware); ok && m.unlocked() {
		s.event(m, e)
	}
	if e.Identity != nil {
		e.Identity.Wipe()
	}
}

func (m *Mode) unlocked() bool {
	_, locked := m.cur.(*pinScreen)
	return !locked
}

func (m *Mode) logEvent(e ui.Event) {
	var s string
	switch e.Kind {
	case ui.EventCardPlaced:
		if e.Identity == nil {
			return
		}
		s = m.tf("ev.cardPlaced", e.Identity.MaskedName())
	case ui.EventCardRemoved:
		s = m.t("ev.cardRemoved")
	case ui.EventCardFailed:
		s = m.tf("ev.cardFailed", e.Message)
	case ui.EventScan:
		s = m.tf("ev.scan", maskCode(e.Code))
	case ui.EventDevice:
		s = m.tf("ev.device", m.t("dev."+e.Device.Device), m.t("state."+e.Device.State), e.Device.Message)
	case ui.EventOnline:
		s = m.tf("ev.online", m.t(map[bool]string{true: "online", false: "offline"}[e.Online]))
	default:
		return
	}
	m.events = append(m.events, m.svc.Clock().Now().Format("15:04:05")+"  "+s)
	if len(m.events) > 12 {
		m.events = m.events[len(m.events)-12:]
	}
}

// maskCode shows an e-ID token's start only: it identifies a citizen.
func maskCode(c ui.ScannedCode) string {
	if c.EID && len(c.Text) > 8 {
		return c.Text[:8] + "…"
	}
	return c.Text
}

// show replaces the current screen.
func (m *Mode) show(s screen) {
	m.cur = s
	m.render()
}

// CheckIdle leaves maintenance if nobody has touched it for IdleExit.
// Call it on the UI goroutine.
func (m *Mode) CheckIdle() {
	if !m.closed && m.svc.Clock().Now().Sub(m.touched) >= IdleExit {
		m.Exit()
	}
}

// render rebuilds the current screen.
func (m *Mode) render() {
	if m.closed {
		return
	}
	m.touched = m.svc.Clock().Now()
	prev := m.bar
	m.bar = nil
	m.body.Objects = []fyne.CanvasObject{m.cur.content(m)}
	if prev != nil && prev != m.bar {
		prev.Stop()
	}
	m.body.Refresh()
}

// busyBar is an animated bar for the screen being built.
func (m *Mode) busyBar() *widget.ProgressBarInfinite {
	m.bar = widget.NewProgressBarInfinite()
	return m.bar
}

// background runs work off the UI goroutine and done back on it.
func (m *Mode) background(work func(ctx context.Context), done func()) {
	m.wg.Add(1)
	go func() {
		defer m.wg.Done()
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		work(ctx)
		cancel()
		m.post(func() {
			if !m.closed {
				done()
			}
		})
	}()
}

var (
	textOnce sync.Once
	texts    map[string]string
)

// t is the maintenance text for key; a missing key shows as itself.
func (m *Mode) t(key string) string {
	textOnce.Do(func() {
		if err := json.Unmarshal(i18n.MaintZH, &texts); err != nil {
			panic(fmt.Sprintf("ui/maint: maint.zh.json: %v", err)) // embedded; a test checks it
		}
	})
	if s, ok := texts[key]; ok {
		return s
	}
	return key
}

func (m *Mode) tf(key string, args ...any) string { return fmt.Sprintf(m.t(key), args...) }

// frame is a screen's common frame: a title, the body and the footer
// with 返回菜单 (or 退出维护 on the menu).
func (m *Mode) frame(title string, body fyne.CanvasObject, footer ...fyne.CanvasObject) fyne.CanvasObject {
	if title != "" {
		title = m.t("title") + " · " + title
	} else {
		title = m.t("title")
	}
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	head.SizeName = theme.SizeNameHeadingText
	foot := container.New(layout.NewGridLayoutWithColumns(max(1, len(footer))), footer...)
	return container.NewBorder(head, foot, nil, nil, container.NewVScroll(body))
}

// button is a large touch target: never under minTouch in either direction.
func button(label string, important bool, tapped func()) *widget.Button {
	b := widget.NewButton(label, tapped)
	if important {
		b.Importance = widget.HighImportance
	}
	return b
}

// touch wraps objects so each is at least minTouch high.
func touch(o fyne.CanvasObject) fyne.CanvasObject {
	return container.New(minSize{fyne.NewSize(minTouch, minTouch)}, o)
}

// minSize lays out one object over the whole area and asks for at least s.
type minSize struct{ s fyne.Size }

func (l minSize) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(size)
	}
}

func (l minSize) MinSize(objs []fyne.CanvasObject) fyne.Size {
	out := l.s
	for _, o := range objs {
		out = out.Max(o.MinSize())
	}
	return out
}

// backButton goes to the menu.
func (m *Mode) backButton() fyne.CanvasObject {
	return touch(button(m.t("back"), false, func() { m.show(&menuScreen{}) }))
}

// status is a line of feedback: plain, or an error in the error colour.
func status(text string, isErr bool) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	if isErr {
		l.Importance = widget.DangerImportance
	}
	return l
}

// rows is label–value pairs.
func rows(pairs ...string) fyne.CanvasObject {
	var objs []fyne.CanvasObject
	for i := 0; i+1 < len(pairs); i += 2 {
		k := widget.NewLabelWithStyle(pairs[i], fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		v := widget.NewLabel(pairs[i+1])
		v.Wrapping = fyne.TextWrapWord
		objs = append(objs, k, v)
	}
	return container.New(layout.NewFormLayout(), objs...)
}
