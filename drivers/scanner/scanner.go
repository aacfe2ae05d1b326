// Package scanner drives barcode and QR scanners in their three usual
// connections, decodes what they send into codes, and classifies a code the
// way the kiosk uses it (receipt case number, e-ID, plain barcode, or
// rejected):
//
//   - HID keyboard: the scanner types the code as USB boot-keyboard input
//     reports and presses Enter (keyboard.go).
//   - HID POS: the HID Point of Sale barcode scanner page (0x8C); the code
//     arrives in scanned-data reports with its symbology (pos.go).
//   - Serial: the code's bytes end in CR, LF or CR LF (line.go).
//
// A Scanner reads a transport.Port in one goroutine and delivers Events on a
// channel. Decoders are pure state machines fed with what one Read returned
// and the time, so tests drive them without a device and without sleeping.
package scanner

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"govkiosk/drivers/transport"
)

// Mode is how the scanner is connected.
type Mode int

const (
	modeUnset Mode = iota
	// ModeSerial: a serial port (RS-232, USB CDC-ACM or a USB-serial
	// adapter); each code ends in CR, LF or CR LF.
	ModeSerial
	// ModeKeyboard: HID boot-keyboard reports, opened as raw reports
	// (transport.OpenHID with nil Framing); each code ends with Enter.
	ModeKeyboard
	// ModePOS: HID Point of Sale scanned-data reports.
	ModePOS
)

func (m Mode) String() string {
	switch m {
	case ModeSerial:
		return "serial"
	case ModeKeyboard:
		return "hid-keyboard"
	case ModePOS:
		return "hid-pos"
	}
	return fmt.Sprintf("mode(%d)", int(m))
}

// ParseMode reads a mode as technicians write it: serial, keyboard
// (hid-keyboard) or pos (hid-pos).
func ParseMode(s string) (Mode, error) {
	switch s {
	case "serial":
		return ModeSerial, nil
	case "keyboard", "hid-keyboard":
		return ModeKeyboard, nil
	case "pos", "hid-pos":
		return ModePOS, nil
	}
	return modeUnset, fmt.Errorf("scanner mode %q: want serial, keyboard or pos", s)
}

// Clock is the time source (tailscale's tstime.Clock idea);
// kiosk.SystemClock and kiosk.ManualClock satisfy it.
type Clock interface{ Now() time.Time }

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Options configures decoding. Zero fields other than Mode take the values
// of DefaultOptions.
type Options struct {
	// Mode must be set: a scanner in the wrong mode sends nothing that
	// decodes, so guessing would only hide a wiring mistake.
	Mode Mode
	// MaxLen bounds one code in bytes; a longer one is dropped with
	// ErrTooLong. The largest QR code (version 40, level L) holds 2953
	// bytes, so 4096 loses nothing real and bounds memory against a stuck
	// or hostile device.
	MaxLen int
	// IdleTimeout ends a code that stops arriving before its terminator
	// (Enter, CR/LF, the last HID POS report) with ErrIncomplete, so a code
	// cut short is reported instead of being glued to the next scan.
	// Scanners send a code in one burst (keyboard mode: a key every few
	// milliseconds), so a second of silence means it will not end.
	IdleTimeout time.Duration
	// KeyboardReportID is the report ID of keyboard reports for a device
	// that numbers its reports (the report is then 9 bytes, ID first, and
	// reports with other IDs are ignored). 0: unnumbered 8-byte reports,
	// as boot keyboards send.
	KeyboardReportID byte
	// POSLayout describes the HID POS scanned-data report. Zero: the common
	// layout (CommonPOSLayout).
	POSLayout POSLayout
	// Clock stamps scans and times IdleTimeout. Nil: the wall clock.
	Clock Clock
}

// DefaultOptions returns the defaults, with Mode still to be chosen.
func DefaultOptions() Options {
	return Options{MaxLen: 4096, IdleTimeout: time.Second, POSLayout: CommonPOSLayout, Clock: systemClock{}}
}

// withDefaults fills zero fields and checks the rest, naming the field.
func (o Options) withDefaults() (Options, error) {
	d := DefaultOptions()
	if o.MaxLen == 0 {
		o.MaxLen = d.MaxLen
	}
	if o.IdleTimeout == 0 {
		o.IdleTimeout = d.IdleTimeout
	}
	if o.POSLayout == (POSLayout{}) {
		o.POSLayout = d.POSLayout
	}
	if o.Clock == nil {
		o.Clock = d.Clock
	}
	switch {
	case o.Mode != ModeSerial && o.Mode != ModeKeyboard && o.Mode != ModePOS:
		return o, fmt.Errorf("scanner: Options.Mode: %v; want ModeSerial, ModeKeyboard or ModePOS", o.Mode)
	case o.MaxLen < 1 || o.MaxLen > 1<<20:
		return o, fmt.Errorf("scanner: Options.MaxLen: %d; want 1 to %d bytes", o.MaxLen, 1<<20)
	case o.IdleTimeout < 0:
		return o, fmt.Errorf("scanner: Options.IdleTimeout: %v is negative", o.IdleTimeout)
	}
	if o.Mode == ModePOS {
		if err := o.POSLayout.validate(); err != nil {
			return o, fmt.Errorf("scanner: Options.POSLayout: %w", err)
		}
	}
	return o, nil
}

// Scan is one decoded code.
type Scan struct {
	// Code is the scanned bytes as sent, without terminator. It is not
	// necessarily valid UTF-8 (serial and HID POS pass bytes through);
	// Classify checks it.
	Code string
	// Symbology is the AIM symbology identifier ("]Q1" for a QR code) when
	// the device sends one (HID POS), else empty. See SymbologyName.
	Symbology string
	At        time.Time
}

// Event is what a Scanner delivers: a scan, or an error. Err is a
// *DecodeError (a lost scan; reading goes on) or a *DeviceError (the last
// event; the channel closes after it).
type Event struct {
	Scan Scan
	Err  error
}

// Decoder turns what a port delivers into scans. A decoder is not safe for
// concurrent use; a Scanner owns one.
type Decoder interface {
	// Feed takes what one Read returned (one HID input report, or serial
	// bytes) at time now, and returns the scans and decode errors it
	// completed, in order. It first expires a code left idle too long.
	Feed(p []byte, now time.Time) []Event
	// Expire ends a code that has been quiet for more than IdleTimeout at
	// now: an ErrIncomplete event if it had content. The Scanner calls it
	// whenever a Read times out.
	Expire(now time.Time) []Event
}

// NewDecoder returns the decoder for opts.Mode.
func NewDecoder(opts Options) (Decoder, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	switch o.Mode {
	case ModeKeyboard:
		return newKeyboardDecoder(o), nil
	case ModePOS:
		return newPOSDecoder(o), nil
	}
	return newLineDecoder(o), nil
}

var (
	_ Decoder = (*keyboardDecoder)(nil)
	_ Decoder = (*posDecoder)(nil)
	_ Decoder = (*lineDecoder)(nil)
)

// readSize is the buffer for one Read: a whole HID report (transport's
// report pump reads 64 bytes at a time), or a burst of serial bytes.
const readSize = 512

// Scanner reads one scanner in its own goroutine and delivers Events.
type Scanner struct {
	port   transport.Port
	mode   Mode
	clock  Clock
	dec    Decoder
	events chan Event

	once     sync.Once
	stop     chan struct{}
	exited   chan struct{}
	closeErr error
}

// New starts reading port. The Scanner owns the port: it closes it when ctx
// ends, on Close, or when the device fails (after delivering a
// *DeviceError). In every case the Events channel is then closed. New fails
// only for invalid options, and then leaves the port to the caller.
func New(ctx context.Context, port transport.Port, opts Options) (*Scanner, error) {
	o, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	dec, _ := NewDecoder(o)
	s := &Scanner{port: port, mode: o.Mode, clock: o.Clock, dec: dec,
		events: make(chan Event, 16), stop: make(chan struct{}), exited: make(chan struct{})}
	go s.run(ctx)
	return s, nil
}

// Events delivers scans and errors in the order the device sent them. A
// slow reader holds the device back rather than losing scans.
func (s *Scanner) Events() <-chan Event { return s.events }

// Close stops reading and closes the port, then waits for the reading
// goroutine (at most one port read timeout). It is idempotent and returns
// the port's Close error.
func (s *Scanner) Close() error {
	s.shutdown()
	<-s.exited
	return s.closeErr
}

// shutdown closes the port so a blocked Read returns at once.
func (s *Scanner) shutdown() {
	s.once.Do(func() {
		close(s.stop)
		s.closeErr = s.port.Close()
	})
}

func (s *Scanner) String() string { return fmt.Sprintf("scanner(%s on %s)", s.mode, s.port) }

func (s *Scanner) run(ctx context.Context) {
	defer close(s.exited)
	defer close(s.events)
	defer s.shutdown()
	unwatch := context.AfterFunc(ctx, s.shutdown)
	defer unwatch()

	buf := make([]byte, readSize)
	for {
		n, err := s.port.Read(buf)
		now := s.clock.Now()
		var evs []Event
		if n > 0 {
			evs = s.dec.Feed(buf[:n], now)
		}
		switch {
		case err == nil:
		case errors.Is(err, transport.ErrTimeout):
			evs = append(evs, s.dec.Expire(now)...)
		default:
			if s.stopping() {
				return
			}
			evs = append(evs, Event{Err: &DeviceError{Port: s.port.String(), Err: err}})
		}
		for _, ev := range evs {
			select {
			case s.events <- ev:
			case <-s.stop:
				return
			}
		}
		if err != nil && !errors.Is(err, transport.ErrTimeout) {
			return
		}
		if s.stopping() {
			return
		}
	}
}

func (s *Scanner) stopping() bool {
	select {
	case <-s.stop:
		return true
	default:
		return false
	}
}
