package sim

import (
	"errors"
	"fmt"
	"io"
	"sync"
)

// SerialScanner is a barcode scanner in serial (COM port) mode on a
// simulated line: each scan is the code's bytes and then the terminator.
// A driver opens Path with transport.OpenSerial.
type SerialScanner struct {
	*Line
	// Terminator ends each scan: "\r" (the usual factory setting), "\n"
	// or "\r\n".
	Terminator string
}

// NewSerialScanner opens a line paced at baud with a CR terminator.
func NewSerialScanner(baud int) (*SerialScanner, error) {
	l, err := NewLine(baud)
	if err != nil {
		return nil, err
	}
	return &SerialScanner{Line: l, Terminator: "\r"}, nil
}

// Scan sends code and the terminator in one burst, as a scanner does after
// a good read.
func (s *SerialScanner) Scan(code string) error {
	_, err := s.Write([]byte(code + s.Terminator))
	return err
}

// ScanUnterminated sends code without a terminator: a scanner configured
// with no suffix, or a burst cut short.
func (s *SerialScanner) ScanUnterminated(code string) error {
	_, err := s.Write([]byte(code))
	return err
}

// Garbage sends n bytes from rnd with CR and LF replaced, so they form no
// line of their own: line noise, or a scanner at the wrong baud rate.
func (s *SerialScanner) Garbage(rnd io.Reader, n int) error {
	p := make([]byte, n)
	if _, err := io.ReadFull(rnd, p); err != nil {
		return fmt.Errorf("sim: garbage: %w", err)
	}
	for i, b := range p {
		if b == '\r' || b == '\n' {
			p[i] = 0xFF
		}
	}
	_, err := s.Write(p)
	return err
}

// KeyboardStyle is how a keyboard-mode scanner types. Scanners differ, and a
// driver must read them all; the zero value is the plainest: each character
// is one press report (Left Shift in the modifier byte where the US layout
// needs it) and one all-zero release report, then Enter the same way.
type KeyboardStyle struct {
	RightShift   bool // hold Right Shift instead of Left Shift
	ShiftFirst   bool // press Shift in a report of its own before the key
	Rollover     bool // press the next key before releasing this one (n-key rollover)
	KeypadDigits bool // type digits on the keypad ("emulate keypad")
	KeypadEnter  bool // end with keypad Enter instead of Return
	ReportID     byte // non-zero: numbered reports, this ID first (9 bytes)
}

// kbKey is a key of the US layout and whether Shift is held for it.
type kbKey struct {
	code  byte
	shift bool
}

// kbUSLayout maps the printable ASCII characters and Tab to keys (HID Usage
// Tables §10, Keyboard/Keypad page), written out here independently of the
// driver's table so each checks the other.
var kbUSLayout = func() map[byte]kbKey {
	m := map[byte]kbKey{'\t': {0x2B, false}, ' ': {0x2C, false}}
	for c := byte('a'); c <= 'z'; c++ {
		m[c] = kbKey{0x04 + c - 'a', false}
		m[c-'a'+'A'] = kbKey{0x04 + c - 'a', true}
	}
	for i, c := range []byte("1234567890") {
		m[c] = kbKey{0x1E + byte(i), false}
	}
	for i, c := range []byte("!@#$%^&*()") {
		m[c] = kbKey{0x1E + byte(i), true}
	}
	for i, c := range []byte("-=[]\\") {
		m[c] = kbKey{0x2D + byte(i), false}
		m["_+{}|"[i]] = kbKey{0x2D + byte(i), true}
	}
	for i, c := range []byte(";'`,./") {
		m[c] = kbKey{0x33 + byte(i), false}
		m[`:"~<>?`[i]] = kbKey{0x33 + byte(i), true}
	}
	return m
}()

const (
	kbReturn      = 0x28
	kbKeypadEnter = 0x58
	kbLeftShift   = 0x02
	kbRightShift  = 0x20
)

// KeyboardReports returns the exact boot-keyboard input reports a
// keyboard-mode scanner sends to type code and press Enter. It fails for a
// character the US layout cannot type.
func KeyboardReports(code string, st KeyboardStyle) ([][]byte, error) {
	keys := make([]kbKey, 0, len(code)+1)
	for i := 0; i < len(code); i++ {
		k, ok := kbUSLayout[code[i]]
		if !ok {
			return nil, fmt.Errorf("sim: keyboard: byte 0x%02x at %d has no key on the US layout", code[i], i)
		}
		if st.KeypadDigits && code[i] >= '0' && code[i] <= '9' {
			k = kbKey{0x59 + code[i] - '1', false}
			if code[i] == '0' {
				k.code = 0x62
			}
		}
		keys = append(keys, k)
	}
	enter := kbKey{kbReturn, false}
	if st.KeypadEnter {
		enter.code = kbKeypadEnter
	}
	keys = append(keys, enter)

	shiftBit := byte(kbLeftShift)
	if st.RightShift {
		shiftBit = kbRightShift
	}
	var out [][]byte
	emit := func(mod byte, down ...byte) {
		r := make([]byte, 8)
		r[0] = mod
		copy(r[2:], down)
		if st.ReportID != 0 {
			r = append([]byte{st.ReportID}, r...)
		}
		out = append(out, r)
	}
	var held *kbKey // a key still down, in rollover style
	for i := range keys {
		k := keys[i]
		mod := byte(0)
		if k.shift {
			mod = shiftBit
		}
		// Overlap only keys that share the Shift state and differ: the
		// same key must come up before it can go down again.
		if held != nil && (!st.Rollover || held.shift != k.shift || held.code == k.code) {
			emit(0)
			held = nil
		}
		if held == nil && st.ShiftFirst && k.shift {
			emit(mod)
		}
		if held != nil {
			emit(mod, held.code, k.code)
			emit(mod, k.code)
		} else {
			emit(mod, k.code)
		}
		if st.Rollover {
			held = &keys[i]
			continue
		}
		if st.ShiftFirst && k.shift {
			emit(mod)
		}
		emit(0)
	}
	if held != nil {
		emit(0)
	}
	return out, nil
}

// POSReports returns the HID POS scanned-data reports a scanner sends for
// code, in the common layout (report ID 0x02, 64 bytes: length, AIM
// identifier such as "]Q1", 56 data bytes, vendor byte, reserved, and a
// continuation flag in bit 0 of the last byte). An empty aim sends zeros
// there, as a scanner set not to transmit it.
func POSReports(aim string, code []byte) [][]byte {
	const per = 56
	var out [][]byte
	for first := true; first || len(code) > 0; first = false {
		n := min(per, len(code))
		r := make([]byte, 64)
		r[0], r[1] = 0x02, byte(n)
		copy(r[2:5], aim)
		copy(r[5:], code[:n])
		code = code[n:]
		if len(code) > 0 {
			r[63] = 0x01
		}
		out = append(out, r)
	}
	return out
}

// ErrUnplugged is what a HIDScanner's Read returns after Unplug.
var ErrUnplugged = errors.New("sim: hid device unplugged")

// HIDScanner is a scanner on USB HID, in keyboard or POS mode, for
// transport.NewReportPort: each Read returns one queued input report (made
// with KeyboardReports or POSReports, or garbage), as hidapi does, and
// blocks while there is none. Writes (output reports) are recorded.
type HIDScanner struct {
	mu      sync.Mutex
	queue   [][]byte
	ready   chan struct{} // signalled when the queue grows or the device ends
	closed  bool
	gone    bool
	written [][]byte
}

// NewHIDScanner returns a scanner with no reports queued.
func NewHIDScanner() *HIDScanner { return &HIDScanner{ready: make(chan struct{}, 1)} }

// Send queues input reports for the driver to read.
func (d *HIDScanner) Send(reports ...[]byte) {
	d.mu.Lock()
	for _, r := range reports {
		d.queue = append(d.queue, append([]byte(nil), r...))
	}
	d.mu.Unlock()
	d.signal()
}

// Unplug makes the next Read fail with ErrUnplugged once the queued
// reports are read, as pulling the cable does.
func (d *HIDScanner) Unplug() {
	d.mu.Lock()
	d.gone = true
	d.mu.Unlock()
	d.signal()
}

func (d *HIDScanner) signal() {
	select {
	case d.ready <- struct{}{}:
	default:
	}
}

// Read returns the next report, truncated to len(p) as hidapi does.
func (d *HIDScanner) Read(p []byte) (int, error) {
	for {
		d.mu.Lock()
		switch {
		case d.closed:
			d.mu.Unlock()
			return 0, io.EOF
		case len(d.queue) > 0:
			r := d.queue[0]
			d.queue = d.queue[1:]
			d.mu.Unlock()
			return copy(p, r), nil
		case d.gone:
			d.mu.Unlock()
			return 0, ErrUnplugged
		}
		d.mu.Unlock()
		<-d.ready
	}
}

// Write records an output report.
func (d *HIDScanner) Write(p []byte) (int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return 0, io.ErrClosedPipe
	}
	d.written = append(d.written, append([]byte(nil), p...))
	return len(p), nil
}

// Written returns the output reports written so far.
func (d *HIDScanner) Written() [][]byte {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([][]byte(nil), d.written...)
}

// Close ends a blocked Read. It is idempotent.
func (d *HIDScanner) Close() error {
	d.mu.Lock()
	d.closed = true
	d.mu.Unlock()
	d.signal()
	return nil
}
