package maint

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"govkiosk/kiosk"
	"govkiosk/kiosk/logging"
	kmaint "govkiosk/kiosk/maint"
	"govkiosk/ui"
)

// menuScreen lists the maintenance screens.
type menuScreen struct{ msg string }

func (s *menuScreen) content(m *Mode) fyne.CanvasObject {
	item := func(key string, open func() screen) fyne.CanvasObject {
		return container.New(minSize{fyne.NewSize(minTouch, 120)}, button(m.t(key), false, func() { m.show(open()) }))
	}
	grid := container.New(layout.NewGridLayoutWithColumns(2),
		item("menu.devices", func() screen { return &devicesScreen{} }),
		item("menu.setup", func() screen { return newSetupScreen(m) }),
		item("menu.selftest", func() screen { return &selfTestScreen{} }),
		item("menu.network", func() screen { return newNetworkScreen(m) }),
		item("menu.enroll", func() screen { return &enrollScreen{} }),
		item("menu.outbox", func() screen { return newOutboxScreen(m) }),
		item("menu.logs", func() screen { return newLogsScreen(m) }),
		item("menu.pin", func() screen { return &pinScreen{stage: pinNew, inside: true} }),
	)
	return m.frame("", container.NewVBox(status(s.msg, false), grid), touch(button(m.t("exit"), true, m.Exit)))
}

// devicesScreen is every device's state and the live event list.
type devicesScreen struct{}

func (s *devicesScreen) event(m *Mode, _ ui.Event) { m.render() }

func (s *devicesScreen) content(m *Mode) fyne.CanvasObject {
	var pairs []string
	for _, d := range m.svc.Devices() {
		pairs = append(pairs, m.t("dev."+d.Device), strings.TrimSpace(m.t("state."+d.State)+"  "+d.Message))
	}
	evs := m.t("dev.noEvents")
	if len(m.events) > 0 {
		evs = strings.Join(m.events, "\n")
	}
	body := container.NewVBox(rows(pairs...), widget.NewSeparator(),
		widget.NewLabelWithStyle(m.t("dev.events"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		widget.NewLabel(evs))
	return m.frame(m.t("menu.devices"), body, m.backButton())
}

// setupScreen discovers ports and assigns them to devices.
type setupScreen struct {
	ports []kmaint.Port
	msg   string
	isErr bool
}

func newSetupScreen(m *Mode) *setupScreen {
	s := &setupScreen{}
	s.discover(m)
	return s
}

func (s *setupScreen) discover(m *Mode) {
	m.background(func(ctx context.Context) {
		var err error
		if s.ports, err = m.svc.Discover(ctx); err != nil {
			s.msg, s.isErr = m.tf("error", err), true
		}
	}, m.render)
}

func (s *setupScreen) content(m *Mode) fyne.CanvasObject {
	cur := m.svc.DevicePorts()
	devs := []string{"idcard", "printer", "scanner"}
	var current []string
	for _, d := range devs {
		current = append(current, m.t("dev."+d), cur[d])
	}
	body := container.NewVBox(rows(current...), status(s.msg, s.isErr), widget.NewSeparator())
	for _, kind := range []string{"serial", "hid"} {
		body.Add(widget.NewLabelWithStyle(m.t("setup."+kind), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		n := 0
		for _, p := range s.ports {
			if p.Kind != kind {
				continue
			}
			n++
			line := []fyne.CanvasObject{widget.NewLabel(strings.TrimSpace(p.Path + "  " + p.Label))}
			for _, d := range devs {
				line = append(line, touch(button(m.t("dev."+d), false, func() {
					if err := m.svc.SetDevicePort(d, p); err != nil {
						s.msg, s.isErr = m.tf("error", err), true
					} else {
						s.msg, s.isErr = m.tf("setup.saved", m.t("dev."+d), p.Path), false
					}
					m.render()
				})))
			}
			body.Add(container.New(layout.NewGridLayoutWithColumns(4), line...))
		}
		if n == 0 {
			body.Add(widget.NewLabel(m.t("setup.none")))
		}
	}
	return m.frame(m.t("menu.setup"), body, m.backButton(),
		touch(button(m.t("setup.discover"), false, func() { s.discover(m) })))
}

// selfTestScreen reads a card, prints a test page, takes a scan.
type selfTestScreen struct {
	waiting string // "card" or "scan" while waiting for one
	result  fyne.CanvasObject
	msg     string
	isErr   bool
}

func (s *selfTestScreen) event(m *Mode, e ui.Event) {
	switch {
	case s.waiting == "card" && e.Kind == ui.EventCardPlaced && e.Identity != nil:
		s.waiting, s.result, s.msg, s.isErr = "", cardRows(m, e.Identity), "", false
	case s.waiting == "card" && e.Kind == ui.EventCardFailed:
		s.waiting, s.result, s.msg, s.isErr = "", nil, m.tf("ev.cardFailed", e.Message), true
	case s.waiting == "scan" && e.Kind == ui.EventScan:
		s.waiting, s.result, s.msg, s.isErr = "", nil, m.tf("ev.scan", maskCode(e.Code)), false
	default:
		return
	}
	m.render()
}

// cardRows shows a card's decoded fields, masked as a receipt would: the
// technician checks the reader decodes, not who the citizen is.
func cardRows(m *Mode, id *kiosk.Identity) fyne.CanvasObject {
	return rows(m.t("field.type"), m.t("card."+string(id.CardType)), m.t("field.name"), id.MaskedName(),
		m.t("field.gender"), id.Gender, m.t("field.birth"), id.BirthDate[:min(4, len(id.BirthDate))]+"-**-**",
		m.t("field.number"), kiosk.MaskIDNumber(id.IDNumber), m.t("field.valid"), id.ValidFrom+" – "+id.ValidUntil)
}

func (s *selfTestScreen) content(m *Mode) fyne.CanvasObject {
	msg := s.msg
	switch s.waiting {
	case "card":
		msg = m.t("selftest.cardWait")
	case "scan":
		msg = m.t("selftest.scanWait")
	}
	body := container.NewVBox(
		container.New(layout.NewGridLayoutWithColumns(3),
			touch(button(m.t("selftest.card"), false, func() { s.waiting, s.result, s.msg = "card", nil, ""; m.render() })),
			touch(button(m.t("selftest.print"), false, func() { s.print(m) })),
			touch(button(m.t("selftest.scan"), false, func() { s.waiting, s.result, s.msg = "scan", nil, ""; m.render() })),
		),
		status(msg, s.isErr))
	if s.result != nil {
		body.Add(s.result)
	}
	return m.frame(m.t("menu.selftest"), body, m.backButton())
}

func (s *selfTestScreen) print(m *Mode) {
	s.waiting, s.result, s.msg, s.isErr = "", nil, m.t("selftest.printing"), false
	m.render()
	var err error
	m.background(func(ctx context.Context) { err = m.svc.PrintTestPage(ctx) }, func() {
		if err != nil {
			s.msg, s.isErr = m.tf("error", err), true
		} else {
			s.msg = m.t("selftest.printed")
		}
		m.render()
	})
}

// networkScreen is the hall connection.
type networkScreen struct {
	st     Status
	loaded bool
}

func newNetworkScreen(m *Mode) *networkScreen {
	s := &networkScreen{}
	m.background(func(ctx context.Context) { s.st = m.svc.Status(ctx) }, func() { s.loaded = true; m.render() })
	return s
}

func (s *networkScreen) event(m *Mode, e ui.Event) {
	if e.Kind == ui.EventOnline {
		s.st.Online = e.Online
		m.render()
	}
}

func (s *networkScreen) content(m *Mode) fyne.CanvasObject {
	if !s.loaded {
		return m.frame(m.t("menu.network"), m.busyBar(), m.backButton())
	}
	yes := func(b bool, y, n string) string {
		if b {
			return m.t(y)
		}
		return m.t(n)
	}
	last := s.st.LastError
	if last == "" {
		last = m.t("none")
	}
	body := rows(m.t("net.terminal"), s.st.TerminalID, m.t("net.hall"), s.st.HallURL,
		m.t("net.enrolled"), yes(s.st.Enrolled, "yes.enrolled", "no.enrolled"),
		m.t("net.online"), yes(s.st.Online, "online", "offline"), m.t("net.lastError"), last,
		m.t("net.version"), s.st.Version, m.t("net.catalog"), fmt.Sprint(s.st.CatalogVersion))
	return m.frame(m.t("menu.network"), body, m.backButton())
}

// codeAlphabet is the hall's enrolment code alphabet (no 0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// enrollScreen takes an enrolment code on an on-screen keypad.
type enrollScreen struct {
	code    string
	msg     string
	isErr   bool
	working bool
}

func (s *enrollScreen) content(m *Mode) fyne.CanvasObject {
	shown := s.code
	if len(shown) > 4 {
		shown = shown[:4] + "-" + shown[4:]
	}
	codeLabel := widget.NewLabelWithStyle(shown+strings.Repeat("_", max(0, 8-len(s.code))), fyne.TextAlignCenter, fyne.TextStyle{Monospace: true})
	var keys []fyne.CanvasObject
	for _, r := range codeAlphabet {
		keys = append(keys, touch(button(string(r), false, func() {
			if len(s.code) < 8 && !s.working {
				s.code += string(r)
				m.render()
			}
		})))
	}
	keys = append(keys, touch(button(m.t("key.back"), false, func() {
		if s.code != "" && !s.working {
			s.code = s.code[:len(s.code)-1]
			m.render()
		}
	})))
	body := container.NewVBox(widget.NewLabel(m.t("enroll.prompt")), codeLabel, status(s.msg, s.isErr),
		container.New(layout.NewGridLayoutWithColumns(8), keys...))
	return m.frame(m.t("menu.enroll"), body, m.backButton(), touch(button(m.t("enroll.do"), true, func() { s.enroll(m) })))
}

func (s *enrollScreen) enroll(m *Mode) {
	if s.working {
		return
	}
	s.working, s.msg, s.isErr = true, m.t("enroll.working"), false
	m.render()
	code := s.code
	var id string
	var err error
	m.background(func(ctx context.Context) { id, err = m.svc.Enroll(ctx, code) }, func() {
		s.working = false
		if err != nil {
			s.msg, s.isErr = m.tf("error", err), true
		} else {
			s.code, s.msg = "", m.tf("enroll.done", id)
		}
		m.render()
	})
}

// outboxScreen is what waits for the hall, and 立即同步.
type outboxScreen struct {
	ob      Outbox
	err     error
	msg     string
	working bool
}

func newOutboxScreen(m *Mode) *outboxScreen {
	s := &outboxScreen{}
	s.load(m, "")
	return s
}

func (s *outboxScreen) load(m *Mode, msg string) {
	m.background(func(ctx context.Context) { s.ob, s.err = m.svc.Outbox(ctx) }, func() { s.msg = msg; m.render() })
}

func (s *outboxScreen) content(m *Mode) fyne.CanvasObject {
	last := s.ob.LastError
	if last == "" {
		last = m.t("none")
	}
	body := container.NewVBox(rows(m.t("outbox.pending"), fmt.Sprint(s.ob.Pending), m.t("outbox.parked"), fmt.Sprint(s.ob.Parked),
		m.t("net.lastError"), last))
	if s.err != nil {
		body.Add(status(m.tf("error", s.err), true))
	} else {
		body.Add(status(s.msg, false))
	}
	return m.frame(m.t("menu.outbox"), body, m.backButton(), touch(button(m.t("outbox.sync"), true, func() {
		if s.working {
			return
		}
		s.working, s.msg = true, m.t("outbox.syncing")
		m.render()
		var err error
		m.background(func(ctx context.Context) { err = m.svc.SyncNow(ctx) }, func() {
			s.working = false
			if err != nil {
				s.load(m, m.tf("error", err))
				return
			}
			s.load(m, m.t("outbox.synced"))
		})
	})))
}

// logsScreen shows the last log lines and exports them to a USB stick.
type logsScreen struct {
	lines []string
	usb   []string
	msg   string
	isErr bool
}

func newLogsScreen(m *Mode) *logsScreen {
	s := &logsScreen{usb: m.svc.USBDirs()}
	var err error
	if s.lines, err = m.svc.RecentLogs(20); err != nil {
		s.msg, s.isErr = m.tf("error", err), true
	}
	sort.Strings(s.usb)
	return s
}

func (s *logsScreen) content(m *Mode) fyne.CanvasObject {
	logText := widget.NewLabel(strings.Join(s.lines, "\n"))
	logText.Wrapping = fyne.TextWrapBreak
	logText.TextStyle.Monospace = true
	body := container.NewVBox(status(s.msg, s.isErr))
	if len(s.usb) == 0 {
		body.Add(widget.NewLabel(m.t("logs.noUSB")))
	}
	for _, dir := range s.usb {
		body.Add(touch(button(m.tf("logs.export", dir), true, func() { s.export(m, dir) })))
	}
	body.Add(widget.NewLabelWithStyle(m.t("logs.recent"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	body.Add(logText)
	return m.frame(m.t("menu.logs"), body, m.backButton())
}

func (s *logsScreen) export(m *Mode, dir string) {
	s.msg, s.isErr = m.t("logs.exporting"), false
	m.render()
	var out string
	var n int
	var err error
	m.background(func(ctx context.Context) { out, n, err = m.svc.ExportLogs(ctx, dir) }, func() {
		switch {
		case errors.Is(err, logging.ErrNoSpace):
			s.msg, s.isErr = m.tf("logs.full", err), true
		case err != nil:
			s.msg, s.isErr = m.tf("error", err), true
		default:
			s.msg, s.isErr = m.tf("logs.exported", n, out), false
		}
		m.render()
	})
}
