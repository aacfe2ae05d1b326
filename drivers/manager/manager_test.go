package manager_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"govkiosk/drivers/manager"
)

// fakeDevice is a device whose behaviour the test sets.
type fakeDevice struct {
	mu       sync.Mutex
	openErr  error
	pollErr  error
	health   manager.Health
	opens    int
	inUse    bool
	overlaps int
}

func (f *fakeDevice) Name() string { return "printer" }

func (f *fakeDevice) Open(context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opens++
	return f.openErr
}

func (f *fakeDevice) Poll(context.Context) (manager.Health, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.inUse {
		f.overlaps++
	}
	return f.health, f.pollErr
}

func (f *fakeDevice) Close() error { return nil }

func (f *fakeDevice) set(fn func(*fakeDevice)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}

func waitFor(t *testing.T, m *manager.Manager, want manager.State) manager.Status {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if st, _ := m.Status("printer"); st.State == want {
			return st
		}
		time.Sleep(5 * time.Millisecond)
	}
	st, _ := m.Status("printer")
	t.Fatalf("state %s (%s), want %s", st.State, st.Detail, want)
	return st
}

func TestStatesAndReconnect(t *testing.T) {
	dev := &fakeDevice{openErr: fmt.Errorf("%w: /dev/ttyUSB1 missing", manager.ErrAbsent), health: manager.Health{State: manager.StateOK}}
	m := manager.New(manager.Options{PollInterval: 5 * time.Millisecond, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond})
	m.Add(dev)
	changes := m.Subscribe()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	waitFor(t, m, manager.StateAbsent)
	if err := m.Use("printer", func(manager.Device) error { return nil }); !errors.Is(err, manager.ErrUnavailable) {
		t.Errorf("Use while absent: %v", err)
	}
	dev.set(func(f *fakeDevice) { f.openErr = errors.New("no answer") })
	waitFor(t, m, manager.StateFailed)
	dev.set(func(f *fakeDevice) { f.openErr = nil })
	waitFor(t, m, manager.StateOK)

	dev.set(func(f *fakeDevice) {
		f.health = manager.Health{State: manager.StateFailed, Detail: "paper out", Message: "打印机缺纸，请联系工作人员"}
	})
	if st := waitFor(t, m, manager.StateFailed); st.Message != "打印机缺纸，请联系工作人员" {
		t.Errorf("message = %q", st.Message)
	}
	// A broken connection: closed, reported absent, reopened.
	opens := dev.opens
	dev.set(func(f *fakeDevice) { f.pollErr = errors.New("EIO"); f.health = manager.Health{State: manager.StateOK} })
	waitFor(t, m, manager.StateAbsent)
	dev.set(func(f *fakeDevice) { f.pollErr = nil })
	waitFor(t, m, manager.StateOK)
	if dev.opens <= opens {
		t.Error("not reopened after the connection broke")
	}
	select {
	case st := <-changes:
		if st.Device != "printer" {
			t.Errorf("change for %s", st.Device)
		}
	default:
		t.Error("no status change delivered")
	}
}

// Use has the device to itself: no poll runs during it.
func TestUseIsExclusive(t *testing.T) {
	dev := &fakeDevice{health: manager.Health{State: manager.StateOK}}
	m := manager.New(manager.Options{PollInterval: time.Millisecond})
	m.Add(dev)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	waitFor(t, m, manager.StateOK)
	for i := 0; i < 20; i++ {
		err := m.Use("printer", func(manager.Device) error {
			dev.set(func(f *fakeDevice) { f.inUse = true })
			time.Sleep(2 * time.Millisecond)
			dev.set(func(f *fakeDevice) { f.inUse = false })
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if dev.overlaps != 0 {
		t.Errorf("%d polls ran inside Use", dev.overlaps)
	}
	if err := m.Use("scanner", func(manager.Device) error { return nil }); !errors.Is(err, manager.ErrUnavailable) {
		t.Errorf("unconfigured device: %v", err)
	}
}
