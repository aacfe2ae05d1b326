package scanner

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sync"

	"govkiosk/drivers/manager"
	"govkiosk/drivers/transport"
)

// Device runs a scanner under the device manager: it opens the port, hands
// every scan to Scans, and reports the scanner gone when its port dies so
// the manager reconnects.
type Device struct {
	Dial func() (transport.Port, error)
	Opts Options
	// Scans receives decoded scans and decode errors (never the device
	// error that ends a connection: that goes to the manager).
	Scans chan<- Event

	sc   *Scanner
	mu   sync.Mutex
	dead error
}

var _ manager.Device = (*Device)(nil)

// Name is "scanner".
func (d *Device) Name() string { return "scanner" }

// Open opens the port and starts reading.
func (d *Device) Open(ctx context.Context) error {
	port, err := d.Dial()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, transport.ErrNoDevice) {
			return fmt.Errorf("%w: %v", manager.ErrAbsent, err)
		}
		return err
	}
	sc, err := New(context.WithoutCancel(ctx), port, d.Opts)
	if err != nil {
		port.Close()
		return err
	}
	d.mu.Lock()
	d.sc, d.dead = sc, nil
	d.mu.Unlock()
	go d.forward(sc)
	return nil
}

func (d *Device) forward(sc *Scanner) {
	for ev := range sc.Events() {
		var de *DeviceError
		if errors.As(ev.Err, &de) {
			d.mu.Lock()
			d.dead = de
			d.mu.Unlock()
			continue
		}
		if d.Scans != nil {
			d.Scans <- ev
		}
	}
}

// Poll reports the scanner healthy until its port fails.
func (d *Device) Poll(context.Context) (manager.Health, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.dead != nil {
		return manager.Health{}, d.dead
	}
	return manager.Health{State: manager.StateOK, Detail: d.sc.String()}, nil
}

// Close stops reading and closes the port.
func (d *Device) Close() error {
	d.mu.Lock()
	sc := d.sc
	d.sc = nil
	d.mu.Unlock()
	if sc == nil {
		return nil
	}
	return sc.Close()
}
