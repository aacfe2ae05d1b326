package idcard

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"time"

	"govkiosk/drivers/manager"
	"govkiosk/drivers/transport"
	"govkiosk/kiosk"
)

// EventKind says what happened on the reader.
type EventKind int

const (
	CardPlaced  EventKind = iota + 1 // a card was read: Identity is set
	CardRemoved                      // the card left the field
	CardFailed                       // a card is there but could not be read: Err is set
)

// Event is a card event for the kiosk. Identity is personal data: the
// receiver owns it and must wipe it with its session.
type Event struct {
	Kind     EventKind
	Identity *kiosk.Identity
	Err      error
}

// Device runs a reader under the device manager: it polls for a card,
// reads it when one arrives, and reports placement and removal.
type Device struct {
	// Dial opens the transport (serial port or HID).
	Dial func() (transport.Port, error)
	Opts Options
	// Events receives card events; the device never blocks on it (an event
	// nobody takes in time is dropped and the card read again).
	Events chan<- Event

	reader  *Reader
	present bool
	samID   string
}

var _ manager.Device = (*Device)(nil)

// Name is "idcard".
func (d *Device) Name() string { return "idcard" }

// PollInterval polls faster than other devices: a citizen waits for the
// card to be recognised.
func (d *Device) PollInterval() time.Duration { return 300 * time.Millisecond }

// Open opens the port and asks for the SAM's serial number, so a port with
// another kind of device (or nothing) on it fails here, not mid-session.
func (d *Device) Open(ctx context.Context) error {
	port, err := d.Dial()
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, transport.ErrNoDevice) {
			return fmt.Errorf("%w: %v", manager.ErrAbsent, err)
		}
		return err
	}
	r := New(port, d.Opts)
	id, err := r.SAMID(ctx)
	if err != nil {
		port.Close()
		return fmt.Errorf("no ID-card security module answers on %s: %w", port, err)
	}
	d.reader, d.samID, d.present = r, id, false
	return nil
}

// SAMID is the module's serial number, read at Open.
func (d *Device) SAMID() string { return d.samID }

// Reader is the open reader, for self-tests through manager.Use.
func (d *Device) Reader() *Reader { return d.reader }

// Poll finds a card; a new one is read and reported.
func (d *Device) Poll(ctx context.Context) (manager.Health, error) {
	ok := manager.Health{State: manager.StateOK, Detail: "SAM " + d.samID}
	err := d.reader.Find(ctx)
	var se *StatusError
	switch {
	case errors.As(err, &se) && se.NoCard():
		if d.present {
			d.present = false
			d.emit(Event{Kind: CardRemoved})
		}
		return ok, nil
	case errors.As(err, &se):
		return manager.Health{State: manager.StateWarning, Detail: se.Error(), Message: se.Message()}, nil
	case err != nil:
		return manager.Health{}, err
	}
	if d.present {
		return ok, nil
	}
	d.present = true
	id, err := d.reader.ReadCard(ctx)
	if err != nil {
		if errors.Is(err, ErrMute) || errors.Is(err, transport.ErrClosed) || errors.Is(err, transport.ErrDeviceGone) {
			return manager.Health{}, err
		}
		d.emit(Event{Kind: CardFailed, Err: err})
		var se *StatusError
		if errors.As(err, &se) && se.Code() == SWReadFailed {
			d.present = false // moved mid-read: try again on the next poll
		}
		return ok, nil
	}
	d.emit(Event{Kind: CardPlaced, Identity: id})
	return ok, nil
}

func (d *Device) emit(e Event) {
	if d.Events == nil {
		return
	}
	select {
	case d.Events <- e:
	default:
		if e.Kind == CardPlaced {
			e.Identity.Wipe()
			d.present = false
		}
	}
}

// Close closes the reader.
func (d *Device) Close() error {
	if d.reader == nil {
		return nil
	}
	err := d.reader.Close()
	d.reader = nil
	return err
}
