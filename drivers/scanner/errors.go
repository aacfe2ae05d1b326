package scanner

import (
	"errors"
	"fmt"
)

// What went wrong with a scan. A *DecodeError wraps exactly one of these,
// so callers test with errors.Is.
var (
	// ErrBadReport: an input report of the wrong length or with impossible
	// content (POSTFail, a partial rollover, a length byte past the data).
	ErrBadReport = errors.New("malformed report")
	// ErrRollOver: a keyboard reported ErrorRollOver in every key slot (the
	// HID "phantom state": more keys down than the report holds), so which
	// keys were pressed is unknown.
	ErrRollOver = errors.New("keyboard rollover error (phantom state)")
	// ErrUnknownKey: a key that no character of the US layout table maps to,
	// or a key pressed with Ctrl, Alt or GUI held.
	ErrUnknownKey = errors.New("key not in the US layout table")
	// ErrTooLong: more than Options.MaxLen bytes without a terminator.
	ErrTooLong = errors.New("code too long")
	// ErrIncomplete: a code stopped arriving before its terminator.
	ErrIncomplete = errors.New("code never ended")
)

// DecodeError is a scan that was lost. It is rejected input, not a device
// fault: the Scanner keeps reading, the rest of the broken code is dropped
// (up to its terminator, or until the line has been quiet for
// Options.IdleTimeout), and the next scan decodes normally. The kiosk asks
// the citizen to scan again.
//
// Detail never quotes the scanned content: a code can be an e-ID token or a
// case number, and errors end up in logs.
type DecodeError struct {
	Mode   Mode
	Err    error // ErrBadReport, ErrRollOver, ErrUnknownKey, ErrTooLong or ErrIncomplete
	Detail string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("scanner (%s): %v: %s; scan again", e.Mode, e.Err, e.Detail)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// DeviceError ends a Scanner: reading the port failed for another reason
// than a read timeout (cable pulled, adapter reset, port closed under it).
// It is transient from the kiosk's view: the device manager reopens the
// port and starts a new Scanner.
type DeviceError struct {
	Port string // the port's String()
	Err  error
}

func (e *DeviceError) Error() string {
	return fmt.Sprintf("scanner on %s: device lost: %v; check the cable and reopen the port", e.Port, e.Err)
}

func (e *DeviceError) Unwrap() error { return e.Err }
