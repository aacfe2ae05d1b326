package idcard_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/drivers/manager"
	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
	"govkiosk/kiosk"
)

// plugged is a simulated reader behind a stable path, like udev's
// /dev/serial/by-id links, so it can be unplugged and plugged back.
type plugged struct {
	t      testing.TB
	link   string
	line   *sim.Line
	sim    *sim.IDCardReader
	cancel context.CancelFunc
	done   chan struct{}
}

func plugIn(t testing.TB, link string) *plugged {
	line, err := sim.NewLine(115200)
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(link)
	if err := os.Symlink(line.Path, link); err != nil {
		t.Fatal(err)
	}
	p := &plugged{t: t, link: link, line: line, sim: sim.NewIDCardReader(line), done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	go func() { p.sim.Serve(ctx); close(p.done) }()
	return p
}

func (p *plugged) unplug() {
	os.Remove(p.link)
	p.cancel()
	<-p.done
	p.line.Close()
}

func startManager(t testing.TB, link string, events chan idcard.Event) (*manager.Manager, func()) {
	m := manager.New(manager.Options{MinBackoff: 50 * time.Millisecond, MaxBackoff: 300 * time.Millisecond})
	m.Add(&idcard.Device{
		Dial: func() (transport.Port, error) {
			return transport.OpenSerial(transport.SerialConfig{Name: link, Baud: 115200})
		},
		Opts:   idcard.Options{CommandTimeout: 300 * time.Millisecond, ReadTimeout: time.Second, Clock: kiosk.NewManualClock(now)},
		Events: events,
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	return m, func() { cancel(); <-done }
}

func waitState(t testing.TB, m *manager.Manager, want manager.State) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if st, _ := m.Status("idcard"); st.State == want {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	st, _ := m.Status("idcard")
	t.Fatalf("state %s (%s), want %s", st.State, st.Detail, want)
}

func nextEvent(t *testing.T, events chan idcard.Event) idcard.Event {
	t.Helper()
	select {
	case e := <-events:
		return e
	case <-time.After(10 * time.Second):
		t.Fatal("no card event")
	}
	return idcard.Event{}
}

func TestManagerCardEventsAndReconnect(t *testing.T) {
	link := filepath.Join(t.TempDir(), "idcard")
	dev := plugIn(t, link)
	events := make(chan idcard.Event, 4)
	m, stop := startManager(t, link, events)
	defer stop()
	waitState(t, m, manager.StateOK)

	dev.sim.Place(card(t, "resident-elderly"))
	if e := nextEvent(t, events); e.Kind != idcard.CardPlaced || e.Identity.Name != "林清河" {
		t.Fatalf("event %+v", e)
	}
	dev.sim.Remove()
	if e := nextEvent(t, events); e.Kind != idcard.CardRemoved {
		t.Fatalf("event %+v", e)
	}
	dev.sim.Place(card(t, "bad-check-digit"))
	if e := nextEvent(t, events); e.Kind != idcard.CardFailed || idcard.UserMessage(e.Err) == "" {
		t.Fatalf("event %+v", e)
	}

	dev.unplug()
	waitState(t, m, manager.StateAbsent)
	dev = plugIn(t, link)
	defer dev.unplug()
	waitState(t, m, manager.StateOK)
	dev.sim.Place(card(t, "foreigner"))
	if e := nextEvent(t, events); e.Kind != idcard.CardPlaced || e.Identity.CardType != kiosk.CardForeigner {
		t.Fatalf("after replug: %+v", e)
	}
}

// A port with no reader on it (nothing answers) is failed, not ok.
func TestManagerWrongDeviceOnPort(t *testing.T) {
	link := filepath.Join(t.TempDir(), "idcard")
	dev := plugIn(t, link)
	defer dev.unplug()
	dev.sim.SetFault(sim.FaultMute)
	m, stop := startManager(t, link, nil)
	defer stop()
	waitState(t, m, manager.StateFailed)
}

// BenchmarkReconnect times the manager from a simulated reader's return to
// its state being ok again. Target: ≤ 2 s.
func BenchmarkReconnect(b *testing.B) {
	link := filepath.Join(b.TempDir(), "idcard")
	dev := plugIn(b, link)
	m, stop := startManager(b, link, nil)
	defer stop()
	waitState(b, m, manager.StateOK)
	var total time.Duration
	for b.Loop() {
		dev.unplug()
		waitState(b, m, manager.StateAbsent)
		start := time.Now()
		dev = plugIn(b, link)
		waitState(b, m, manager.StateOK)
		total += time.Since(start)
	}
	dev.unplug()
	b.ReportMetric(total.Seconds()/float64(b.N), "s/reconnect")
}
