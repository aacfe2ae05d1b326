package maint_test

import (
	"context"
	"image/color"
	"image/png"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	kmaint "govkiosk/kiosk/maint"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
	"govkiosk/ui"
	"govkiosk/ui/maint"
)

// services are the maintenance screens' services for tests: the real
// technician backend (PIN, enrolment, configuration, log export) over a
// temporary data dir and a real hall on loopback, a real store and sync
// client once enrolled, and devices the test drives.
type services struct {
	t       *testing.T
	term    *kmaint.Terminal
	clock   *kiosk.ManualClock
	hall    *hall.Server
	devices []ui.DeviceState
	prints  int
	ports   []kmaint.Port
	usb     []string

	store  *store.Store
	client *client.Client
}

func newServices(t *testing.T) *services {
	t.Helper()
	dir := t.TempDir()
	h, err := hall.Open(context.Background(), hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() { srv.Close(); h.Close() })
	cfgPath := filepath.Join(dir, "kiosk.toml")
	data := filepath.Join(dir, "data")
	os.WriteFile(cfgPath, []byte("terminal_id = \"K0001\"\nhall_url = \""+srv.URL+"\"\ndata_dir = \""+data+"\"\n"), 0o644)
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	clock := kiosk.NewManualClock(time.Date(2026, 3, 2, 9, 30, 0, 0, time.Local))
	s := &services{t: t, clock: clock, hall: h,
		term: &kmaint.Terminal{ConfigPath: cfgPath, Config: cfg, Clock: clock, Who: "test",
			PINParams: kmaint.Params{Memory: 64, Time: 1, Threads: 1}}, // fast; production uses DefaultParams
		devices: []ui.DeviceState{{Device: "idcard", State: "ok"}, {Device: "printer", State: "ok"},
			{Device: "scanner", State: "absent", Message: "扫码器未连接"}},
	}
	t.Cleanup(func() {
		if s.store != nil {
			s.store.Close()
		}
	})
	return s
}

func (s *services) Clock() kiosk.Clock { return s.clock }
func (s *services) PINState() (bool, time.Time, error) {
	set, err := s.term.PIN().IsSet()
	until, _ := s.term.PIN().Locked()
	return set, until, err
}
func (s *services) CheckPIN(pin string) error                       { return s.term.PIN().Check(pin, "test") }
func (s *services) SetPIN(pin string) error                         { return s.term.PIN().Set(pin, "test") }
func (s *services) Devices() []ui.DeviceState                       { return s.devices }
func (s *services) Events() <-chan ui.Event                         { return nil }
func (s *services) DevicePorts() map[string]string                  { return s.term.DevicePorts() }
func (s *services) Discover(context.Context) ([]kmaint.Port, error) { return s.ports, nil }
func (s *services) SetDevicePort(d string, p kmaint.Port) error     { return s.term.SetDevicePort(d, p) }
func (s *services) PrintTestPage(context.Context) error             { s.prints++; return nil }
func (s *services) RecentLogs(n int) ([]string, error)              { return s.term.RecentLogs(n) }
func (s *services) USBDirs() []string {
	if s.usb != nil {
		return s.usb
	}
	return s.term.USBDirs()
}
func (s *services) ExportLogs(_ context.Context, dir string) (string, int, error) {
	return s.term.ExportLogs(dir)
}

func (s *services) Status(context.Context) maint.Status {
	st := maint.Status{HallURL: s.term.Config.HallURL, TerminalID: s.term.Config.TerminalID, Version: "test"}
	if s.client != nil {
		st.Enrolled, st.Online, st.LastError = true, s.client.Online(), s.client.LastError()
	}
	return st
}

// Enroll enrols for real and then opens the store and the sync client the
// kiosk would start with.
func (s *services) Enroll(ctx context.Context, code string) (string, error) {
	creds, err := s.term.Enroll(ctx, code, "测试终端")
	if err != nil {
		return "", err
	}
	sealer, err := creds.NewSealer()
	if err != nil {
		return "", err
	}
	if s.store, err = store.Open(filepath.Join(s.term.Config.DataDir, "kiosk.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer}); err != nil {
		return "", err
	}
	if s.client, err = client.New(client.Config{Credentials: creds, Store: s.store, Log: slog.New(slog.DiscardHandler)}); err != nil {
		return "", err
	}
	return creds.TerminalID, nil
}

func (s *services) Outbox(ctx context.Context) (maint.Outbox, error) {
	if s.store == nil {
		return maint.Outbox{}, nil
	}
	st, err := s.store.OutboxStats(ctx)
	return maint.Outbox{Pending: st.Pending, Parked: st.Parked}, err
}

func (s *services) SyncNow(ctx context.Context) error { return s.client.SyncNow(ctx) }

// mt is maintenance mode on a test window over an "attract screen".
type mt struct {
	t      *testing.T
	s      *services
	m      *maint.Mode
	w      fyne.Window
	exited bool
}

func newMT(t *testing.T, s *services) *mt {
	t.Helper()
	app := test.NewTempApp(t)
	app.Settings().SetTheme(cjkTheme{})
	w := app.NewWindow("kiosk")
	w.SetContent(widget.NewLabel("attract screen"))
	w.Resize(fyne.NewSize(1080, 1400))
	x := &mt{t: t, s: s, w: w}
	x.m = maint.OpenForTest(w, s, maint.Options{OnExit: func() { x.exited = true }})
	return x
}

// tap taps the button labelled label and waits for what it started.
func (x *mt) tap(label string) {
	x.t.Helper()
	var found *widget.Button
	walk(x.w.Canvas().Content(), func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok && b.Text == label && found == nil {
			found = b
		}
	})
	if found == nil {
		x.t.Fatalf("no button %q; on screen: %q", label, x.texts())
	}
	if s := found.Size(); s.Height < 64 || s.Width < 64 {
		x.t.Errorf("button %q is %v: smaller than a finger (64 px)", label, s)
	}
	test.Tap(found)
	x.m.Settle()
}

// typeDigits taps digit keys.
func (x *mt) typeKeys(keys string) {
	x.t.Helper()
	for _, r := range strings.ReplaceAll(keys, "-", "") {
		x.tap(string(r))
	}
}

func (x *mt) texts() string {
	var out []string
	walk(x.w.Canvas().Content(), func(o fyne.CanvasObject) {
		switch v := o.(type) {
		case *widget.Label:
			out = append(out, v.Text)
		case *widget.Button:
			out = append(out, v.Text)
		case *canvas.Text:
			out = append(out, v.Text)
		}
	})
	return strings.Join(out, "\n")
}

// see fails unless every want is on screen.
func (x *mt) see(want ...string) {
	x.t.Helper()
	got := x.texts()
	for _, w := range want {
		if !strings.Contains(got, w) {
			x.t.Errorf("screen lacks %q; it shows:\n%s", w, got)
		}
	}
}

func (x *mt) notSee(bad ...string) {
	x.t.Helper()
	got := x.texts()
	for _, b := range bad {
		if strings.Contains(got, b) {
			x.t.Errorf("screen shows %q:\n%s", b, got)
		}
	}
}

// shot writes the screen to $MAINT_SCREENSHOTS/name.png when that is set
// (scripts to refresh docs/screenshots; tests never write into the repo).
func (x *mt) shot(name string) {
	dir := os.Getenv("MAINT_SCREENSHOTS")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".png"))
	if err != nil {
		x.t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, x.w.Canvas().Capture()); err != nil {
		x.t.Fatal(err)
	}
}

func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	switch v := o.(type) {
	case *fyne.Container:
		for _, c := range v.Objects {
			walk(c, f)
		}
	case *container.Scroll:
		walk(v.Content, f)
	case fyne.Widget:
		if _, ok := v.(*widget.Button); ok {
			return
		}
		if _, ok := v.(*widget.Label); ok {
			return
		}
		for _, c := range test.WidgetRenderer(v).Objects() {
			walk(c, f)
		}
	}
}

// cjkTheme draws Chinese with the kiosk's CJK font and the kiosk's text
// size, so screenshots look like the terminal.
type cjkTheme struct{}

var cjk = fyne.NewStaticResource("cjk.ttf", assets.CJKFont)

func (cjkTheme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return theme.DefaultTheme().Color(n, theme.VariantLight)
}
func (cjkTheme) Font(s fyne.TextStyle) fyne.Resource {
	if s.Monospace || s.Symbol {
		return theme.DefaultTheme().Font(s)
	}
	return cjk
}
func (cjkTheme) Icon(n fyne.ThemeIconName) fyne.Resource { return theme.DefaultTheme().Icon(n) }
func (cjkTheme) Size(n fyne.ThemeSizeName) float32 {
	switch n {
	case theme.SizeNameText:
		return 26
	case theme.SizeNameHeadingText:
		return 40
	case theme.SizeNameInnerPadding:
		return 16
	}
	return theme.DefaultTheme().Size(n)
}

// tapIn taps the button labelled label in the row that shows text.
func (x *mt) tapIn(text, label string) {
	x.t.Helper()
	var found *widget.Button
	walk(x.w.Canvas().Content(), func(o fyne.CanvasObject) {
		c, ok := o.(*fyne.Container)
		if !ok || found != nil {
			return
		}
		var hasText bool
		var b *widget.Button
		for _, child := range c.Objects {
			if l, ok := child.(*widget.Label); ok && strings.HasPrefix(l.Text, text) {
				hasText = true
			}
			walk(child, func(o fyne.CanvasObject) {
				if bb, ok := o.(*widget.Button); ok && bb.Text == label && b == nil {
					b = bb
				}
			})
		}
		if hasText && b != nil {
			found = b
		}
	})
	if found == nil {
		x.t.Fatalf("no %q button beside %q; on screen: %q", label, text, x.texts())
	}
	test.Tap(found)
	x.m.Settle()
}
