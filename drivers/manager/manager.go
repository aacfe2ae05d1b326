// Package manager keeps the kiosk's devices running: it opens each
// configured device, polls its health, reconnects with backoff after an
// unplug or I/O error, serialises access, and tells the UI and the hall
// what state every device is in.
//
// States follow XFS4IoT's device status, folded to what a kiosk screen and a
// fleet dashboard need: ok (online), warning (online, needs attention soon:
// paper near end), failed (present but unusable: hardwareError, userError
// such as paper out or cover open) and absent (noDevice: unplugged or never
// found).
package manager

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/retry"
)

// State is a device's condition.
type State string

const (
	StateOK      State = "ok"
	StateWarning State = "warning"
	StateFailed  State = "failed"
	StateAbsent  State = "absent"
)

// Health is what a poll found.
type Health struct {
	State   State
	Detail  string // for the technician: what exactly, in English
	Message string // for the citizen, in plain Chinese; empty when ok
}

// Device is one managed device. The manager calls Open, Poll and Close from
// one goroutine per device, never concurrently with Use on the same device.
type Device interface {
	Name() string // "idcard", "printer", "scanner"
	// Open connects to the device. An error wrapping ErrAbsent means the
	// device is not there (unplugged, port missing), any other that it is
	// there but failing.
	Open(ctx context.Context) error
	// Poll checks the device. An error means the connection is broken and
	// the manager should close and reconnect; a Health with state failed
	// means the device answers but cannot serve (paper out).
	Poll(ctx context.Context) (Health, error)
	Close() error
}

// A Device may also implement PollInterval() time.Duration to be polled at
// its own pace (an ID-card reader waiting for a card polls fast).

// ErrAbsent marks an Open error as "no device here".
var ErrAbsent = errors.New("device absent")

// Status is a device's current state as the manager reports it.
type Status struct {
	Device string
	Health
	Since time.Time // when it entered this state
}

// Options tune polling and reconnecting.
type Options struct {
	PollInterval time.Duration // between health polls; default 1 s
	// Backoff bounds reconnect attempts; default 200 ms up to 10 s.
	MinBackoff, MaxBackoff time.Duration
	Clock                  kiosk.Clock
	Log                    *slog.Logger
}

// Manager runs devices. Create it with New, add devices, then Run.
type Manager struct {
	opts    Options
	mu      sync.Mutex
	devices map[string]*managed
	order   []string
	subs    []chan Status
}

type managed struct {
	dev    Device
	use    sync.Mutex // held during Poll and Use: one conversation at a time
	open   bool
	status Status
	kick   chan struct{} // wakes the loop early (after Use saw an error)
}

// New makes a manager.
func New(opts Options) *Manager {
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.MinBackoff <= 0 {
		opts.MinBackoff = 200 * time.Millisecond
	}
	if opts.MaxBackoff <= 0 {
		opts.MaxBackoff = 10 * time.Second
	}
	if opts.Clock == nil {
		opts.Clock = kiosk.SystemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	return &Manager{opts: opts, devices: map[string]*managed{}}
}

// Add registers a device before Run. Its state starts absent.
func (m *Manager) Add(d Device) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.devices[d.Name()] = &managed{dev: d, kick: make(chan struct{}, 1),
		status: Status{Device: d.Name(), Health: Health{State: StateAbsent, Detail: "not opened yet"}, Since: m.opts.Clock.Now()}}
	m.order = append(m.order, d.Name())
}

// Subscribe returns a channel of status changes. Slow readers miss
// intermediate changes, never the latest: the channel holds the newest.
func (m *Manager) Subscribe() <-chan Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := make(chan Status, 16)
	m.subs = append(m.subs, c)
	return c
}

// Statuses returns every device's current status, in the order added.
func (m *Manager) Statuses() []Status {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Status, 0, len(m.order))
	for _, n := range m.order {
		out = append(out, m.devices[n].status)
	}
	return out
}

// Status returns one device's status.
func (m *Manager) Status(name string) (Status, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	d, ok := m.devices[name]
	if !ok {
		return Status{}, false
	}
	return d.status, true
}

// ErrUnavailable is returned by Use when the device is not open.
var ErrUnavailable = errors.New("device unavailable")

// Use runs f with exclusive access to an open device: no poll or other Use
// runs meanwhile. If f fails with a broken connection (report it by
// returning an error wrapping ErrBroken) the manager reconnects.
func (m *Manager) Use(name string, f func(Device) error) error {
	m.mu.Lock()
	d, ok := m.devices[name]
	m.mu.Unlock()
	if !ok {
		return fmt.Errorf("%s: %w: not configured", name, ErrUnavailable)
	}
	d.use.Lock()
	defer d.use.Unlock()
	if !d.open {
		st, _ := m.Status(name)
		return fmt.Errorf("%s: %w: %s", name, ErrUnavailable, st.Detail)
	}
	err := f(d.dev)
	if errors.Is(err, ErrBroken) {
		select {
		case d.kick <- struct{}{}:
		default:
		}
	}
	return err
}

// ErrBroken marks an error from Use as a broken connection.
var ErrBroken = errors.New("connection broken")

// Run runs every device until ctx ends, then closes them all.
func (m *Manager) Run(ctx context.Context) {
	var wg sync.WaitGroup
	m.mu.Lock()
	for _, n := range m.order {
		d := m.devices[n]
		wg.Add(1)
		go func() { defer wg.Done(); m.loop(ctx, d) }()
	}
	m.mu.Unlock()
	wg.Wait()
}

func (m *Manager) loop(ctx context.Context, d *managed) {
	bo := retry.Backoff{Min: m.opts.MinBackoff, Max: m.opts.MaxBackoff}
	defer func() {
		d.use.Lock()
		if d.open {
			d.dev.Close()
			d.open = false
		}
		d.use.Unlock()
	}()
	for ctx.Err() == nil {
		if !d.open {
			d.use.Lock()
			err := d.dev.Open(ctx)
			d.open = err == nil
			d.use.Unlock()
			if err != nil {
				state := StateFailed
				if errors.Is(err, ErrAbsent) {
					state = StateAbsent
				}
				m.set(d, Health{State: state, Detail: err.Error(), Message: "设备暂时无法使用，请联系工作人员"})
				m.wait(ctx, d, bo.Next())
				continue
			}
			m.opts.Log.Info("device open", "device", d.dev.Name(), "attempts", bo.Attempts())
			bo.Reset()
		}
		d.use.Lock()
		h, err := d.dev.Poll(ctx)
		if err != nil {
			d.dev.Close()
			d.open = false
		}
		d.use.Unlock()
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			m.opts.Log.Warn("device lost", "device", d.dev.Name(), "err", err)
			m.set(d, Health{State: StateAbsent, Detail: err.Error(), Message: "设备暂时无法使用，请联系工作人员"})
			m.wait(ctx, d, bo.Next())
			continue
		}
		m.set(d, h)
		interval := m.opts.PollInterval
		if p, ok := d.dev.(interface{ PollInterval() time.Duration }); ok {
			interval = p.PollInterval()
		}
		m.wait(ctx, d, interval)
	}
}

// wait sleeps for d, or until ctx ends or the device is kicked.
func (m *Manager) wait(ctx context.Context, d *managed, dur time.Duration) {
	t := time.NewTimer(dur)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-d.kick:
	}
}

func (m *Manager) set(d *managed, h Health) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d.status.Health == h {
		return
	}
	d.status = Status{Device: d.dev.Name(), Health: h, Since: m.opts.Clock.Now()}
	for _, c := range m.subs {
		select {
		case c <- d.status:
		default: // full: drop the oldest, keep the newest
			select {
			case <-c:
			default:
			}
			c <- d.status
		}
	}
}
