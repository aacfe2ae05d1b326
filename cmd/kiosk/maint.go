package main

import (
	"context"
	"errors"
	"os"
	"sync/atomic"
	"time"

	"govkiosk/drivers/manager"
	"govkiosk/drivers/printer"
	"govkiosk/kiosk"
	kmaint "govkiosk/kiosk/maint"
	"govkiosk/sync/client"
	"govkiosk/ui"
	uimaint "govkiosk/ui/maint"
)

// technician implements the maintenance screens' services over the app.
type technician struct {
	a      *app
	term   *kmaint.Terminal
	events chan ui.Event // device events while maintenance is shown
	mode   *uimaint.Mode // nil when not in maintenance (UI goroutine only)
	// restart is set when a change (enrolment, a device port) needs the
	// kiosk to start again: it restarts on leaving maintenance.
	restart atomic.Bool
}

var _ uimaint.Services = (*technician)(nil)

func newTechnician(a *app, configPath string) *technician {
	host, _ := os.Hostname()
	return &technician{a: a, events: make(chan ui.Event, 16),
		term: &kmaint.Terminal{ConfigPath: configPath, Config: a.cfg, Clock: a.clock, Who: "screen@" + host}}
}

// enter is the technician gesture: the citizen's session ends (nothing of
// it stays on screen or in memory), device events go to maintenance, and
// the PIN screen takes over the window.
func (t *technician) enter(k *ui.Kiosk) {
	if t.mode != nil {
		return
	}
	k.EndSession()
	t.a.inMaint.Store(true)
	t.term.Audit("maintenance_gesture", nil)
	t.a.log.Info("maintenance mode: gesture, asking for the PIN")
	t.mode = uimaint.Open(k.Window(), t, uimaint.Options{OnExit: func() {
		t.mode = nil
		t.a.inMaint.Store(false)
		t.drain()
		t.term.Audit("maintenance_exit", nil)
		t.a.log.Info("maintenance mode left")
		if t.restart.Load() {
			t.a.restart("maintenance changed the configuration or the enrolment")
		}
	}})
}

func (t *technician) Clock() kiosk.Clock { return t.a.clock }

func (t *technician) PINState() (bool, time.Time, error) {
	set, err := t.term.PIN().IsSet()
	if err != nil {
		return false, time.Time{}, err
	}
	until, err := t.term.PIN().Locked()
	return set, until, err
}

func (t *technician) CheckPIN(pin string) error { return t.term.PIN().Check(pin, t.term.Who) }
func (t *technician) SetPIN(pin string) error   { return t.term.PIN().Set(pin, t.term.Who) }

func (t *technician) Devices() []ui.DeviceState          { return t.a.Devices() }
func (t *technician) Events() <-chan ui.Event            { return t.events }
func (t *technician) DevicePorts() map[string]string     { return t.term.DevicePorts() }
func (t *technician) RecentLogs(n int) ([]string, error) { return t.term.RecentLogs(n) }
func (t *technician) USBDirs() []string                  { return t.term.USBDirs() }

func (t *technician) Discover(context.Context) ([]kmaint.Port, error) { return kmaint.Discover() }

func (t *technician) SetDevicePort(device string, p kmaint.Port) error {
	if err := t.term.SetDevicePort(device, p); err != nil {
		return err
	}
	t.restart.Store(true)
	return nil
}

func (t *technician) PrintTestPage(ctx context.Context) error {
	paper := printer.Paper80
	if t.a.cfg.Printer.Width == 58 {
		paper = printer.Paper58
	}
	err := t.a.mgr.Use("printer", func(d manager.Device) error {
		page := printer.TestPage{Port: t.a.cfg.Printer.PortSpec(), Paper: paper, At: t.a.clock.Now()}
		return d.(*printer.Device).Printer().Print(ctx, page.Document())
	})
	if errors.Is(err, manager.ErrUnavailable) {
		return errors.New("打印机未连接或故障：请查看“设备状态”，检查电源、数据线和设备设置中的端口")
	}
	return err
}

func (t *technician) Status(context.Context) uimaint.Status {
	st := uimaint.Status{HallURL: t.a.cfg.HallURL, Online: t.a.Online(), Version: version, TerminalID: t.a.cfg.TerminalID}
	if creds, err := client.LoadCredentials(t.a.cfg.DataDir); err == nil {
		st.Enrolled, st.TerminalID = true, creds.TerminalID
	}
	if t.a.client != nil {
		st.LastError = t.a.client.LastError()
	}
	if c, _ := t.a.Catalog(); c != nil {
		st.CatalogVersion = c.Version
	}
	return st
}

func (t *technician) Enroll(ctx context.Context, code string) (string, error) {
	host, _ := os.Hostname()
	creds, err := t.term.Enroll(ctx, code, host)
	if err != nil {
		return "", err
	}
	t.restart.Store(true)
	return creds.TerminalID, nil
}

func (t *technician) Outbox(ctx context.Context) (uimaint.Outbox, error) {
	st, err := t.a.store.OutboxStats(ctx)
	if err != nil {
		return uimaint.Outbox{}, err
	}
	ob := uimaint.Outbox{Pending: st.Pending, Parked: st.Parked}
	if t.a.client != nil {
		ob.LastError = t.a.client.LastError()
	}
	return ob, nil
}

func (t *technician) SyncNow(ctx context.Context) error {
	if t.a.client == nil {
		return errors.New("终端尚未注册，无法同步：请先在“终端注册”中输入大厅提供的注册码")
	}
	t.term.Audit("sync_now", nil)
	return t.a.client.SyncNow(ctx)
}

func (t *technician) ExportLogs(_ context.Context, dir string) (string, int, error) {
	return t.term.ExportLogs(dir)
}

// drain drops the device events maintenance did not take, wiping any
// card's data: a card read while leaving must not wait in a buffer.
func (t *technician) drain() {
	for {
		select {
		case e := <-t.events:
			if e.Identity != nil {
				e.Identity.Wipe()
			}
		default:
			return
		}
	}
}
