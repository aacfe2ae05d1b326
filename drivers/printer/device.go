package printer

import (
	"context"
	"errors"
	"fmt"
	iofs "io/fs"

	"govkiosk/drivers/manager"
	"govkiosk/drivers/transport"
)

// Device runs a printer under the device manager: it polls the real-time
// status and maps it to a state (paper near end: warning; paper out, cover
// open, offline, error: failed, with what to do), and reconnects when the
// port fails or the printer stops answering.
type Device struct {
	Dial func() (transport.Port, error)
	Opts *Options

	port transport.Port
	p    *Printer
}

var _ manager.Device = (*Device)(nil)

// Name is "printer".
func (d *Device) Name() string { return "printer" }

// Printer is the open printer, for use inside manager.Use.
func (d *Device) Printer() *Printer { return d.p }

// Open opens the port and checks a printer answers there.
func (d *Device) Open(ctx context.Context) error {
	port, err := d.Dial()
	if err != nil {
		if errors.Is(err, iofs.ErrNotExist) || errors.Is(err, transport.ErrNoDevice) {
			return fmt.Errorf("%w: %v", manager.ErrAbsent, err)
		}
		return err
	}
	p := New(port, d.Opts)
	if _, err := p.Status(ctx); err != nil {
		port.Close()
		return fmt.Errorf("no ESC/POS printer answers on %s: %w", port, err)
	}
	d.port, d.p = port, p
	return nil
}

// Poll asks for the status.
func (d *Device) Poll(ctx context.Context) (manager.Health, error) {
	st, err := d.p.Status(ctx)
	if err != nil {
		return manager.Health{}, err
	}
	f := st.Fault()
	switch {
	case f != "":
		e := &Error{Fault: f, Port: d.port.String(), Status: &st}
		return manager.Health{State: manager.StateFailed, Detail: e.Error(), Message: e.Message()}, nil
	case st.PaperNearEnd:
		return manager.Health{State: manager.StateWarning, Detail: "paper near end: load a new roll soon", Message: ""}, nil
	}
	return manager.Health{State: manager.StateOK, Detail: st.Health()}, nil
}

// Close closes the port.
func (d *Device) Close() error {
	if d.port == nil {
		return nil
	}
	err := d.port.Close()
	d.port, d.p = nil, nil
	return err
}
