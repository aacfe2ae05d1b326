package maint

import (
	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	kmaint "govkiosk/kiosk/maint"
)

// pinStage is what the PIN screen asks for.
type pinStage int

const (
	pinEnter   pinStage = iota // the PIN, to enter maintenance
	pinNew                     // a new PIN (first entry, or 修改维护密码)
	pinConfirm                 // the new PIN again
)

// pinScreen asks for the PIN on an on-screen keypad; the digits show as
// dots. With no PIN set yet it asks for a new one first.
type pinScreen struct {
	stage   pinStage
	entered string
	first   string // the new PIN, while confirming
	msg     string
	isErr   bool
	inside  bool // 修改维护密码 from the menu: back returns to the menu
	working bool
}

func newPINScreen(m *Mode) *pinScreen {
	p := &pinScreen{}
	set, until, err := m.svc.PINState()
	switch {
	case err != nil:
		p.msg, p.isErr = m.tf("error", err), true
	case !set:
		p.stage, p.msg = pinNew, m.t("pin.first")
	case !until.IsZero():
		p.msg, p.isErr = m.tf("pin.locked", kmaint.MaxFailures, until.Format("15:04:05")), true
	}
	return p
}

func (p *pinScreen) wipe() { p.entered, p.first = "", "" }

func (p *pinScreen) prompt(m *Mode) string {
	switch p.stage {
	case pinNew:
		return m.t("pin.new")
	case pinConfirm:
		return m.t("pin.confirm")
	}
	return m.t("pin.enter")
}

func (p *pinScreen) content(m *Mode) fyne.CanvasObject {
	dots := widget.NewLabelWithStyle(strings.Repeat("●", len(p.entered))+strings.Repeat("○", max(0, 6-len(p.entered))),
		fyne.TextAlignCenter, fyne.TextStyle{})
	dots.SizeName = theme.SizeNameHeadingText
	key := func(label string, f func()) fyne.CanvasObject {
		return container.New(minSize{fyne.NewSize(160, 96)}, button(label, false, func() {
			if !p.working {
				f()
				m.render()
			}
		}))
	}
	var keys []fyne.CanvasObject
	for _, d := range "123456789" {
		keys = append(keys, key(string(d), func() { p.typed(string(d)) }))
	}
	keys = append(keys,
		key(m.t("key.clear"), func() { p.entered = "" }),
		key("0", func() { p.typed("0") }),
		key(m.t("key.back"), func() {
			if p.entered != "" {
				p.entered = p.entered[:len(p.entered)-1]
			}
		}))
	pad := container.New(layout.NewGridLayoutWithColumns(3), keys...)
	ok := touch(button(m.t("ok"), true, func() { p.submit(m) }))
	leave := touch(button(m.t("exit"), false, m.Exit))
	if p.inside {
		leave = touch(button(m.t("cancel"), false, func() { p.wipe(); m.show(&menuScreen{}) }))
	}
	body := container.NewVBox(widget.NewLabel(p.prompt(m)), dots, status(p.msg, p.isErr),
		container.NewCenter(container.New(minSize{fyne.NewSize(560, 0)}, pad)))
	return m.frame(m.t("pin.enter"), body, leave, ok)
}

func (p *pinScreen) typed(d string) {
	if len(p.entered) < 12 {
		p.entered += d
	}
}

// submit checks or stores what was entered. The slow hash runs off the
// UI goroutine.
func (p *pinScreen) submit(m *Mode) {
	if p.working {
		return
	}
	pin := p.entered
	p.entered = ""
	switch p.stage {
	case pinNew:
		if err := kmaint.ValidPIN(pin); err != nil {
			p.msg, p.isErr = m.t("pin.invalid"), true
			m.render()
			return
		}
		p.first, p.stage, p.msg, p.isErr = pin, pinConfirm, "", false
		m.render()
	case pinConfirm:
		first := p.first
		p.first = ""
		if pin != first {
			p.stage, p.msg, p.isErr = pinNew, m.t("pin.mismatch"), true
			m.render()
			return
		}
		var err error
		p.working, p.msg, p.isErr = true, m.t("wait"), false
		m.render()
		m.background(func(_ context.Context) { err = m.svc.SetPIN(pin) }, func() {
			p.working = false
			if err != nil {
				p.stage, p.msg, p.isErr = pinNew, m.tf("error", err), true
				m.render()
				return
			}
			m.show(&menuScreen{msg: m.t("pin.set")})
		})
	default:
		var err error
		p.working, p.msg, p.isErr = true, m.t("wait"), false
		m.render()
		m.background(func(_ context.Context) { err = m.svc.CheckPIN(pin) }, func() {
			p.working = false
			var wrong *kmaint.WrongPINError
			var locked *kmaint.LockedError
			switch {
			case err == nil:
				m.show(&menuScreen{})
				return
			case errors.Is(err, kmaint.ErrNoPIN):
				p.stage, p.msg, p.isErr = pinNew, m.t("pin.first"), false
			case errors.As(err, &wrong):
				p.msg, p.isErr = m.tf("pin.wrong", wrong.Left), true
			case errors.As(err, &locked):
				p.msg, p.isErr = m.tf("pin.locked", kmaint.MaxFailures, locked.Until.Format("15:04:05")), true
			default:
				p.msg, p.isErr = m.tf("error", err), true
			}
			m.render()
		})
	}
}
