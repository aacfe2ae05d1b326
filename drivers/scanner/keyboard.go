package scanner

import (
	"fmt"
	"time"
)

// The boot-keyboard input report (HID 1.11 Appendix B.1; keycodes from HID
// Usage Tables §10, Keyboard/Keypad page 0x07) is 8 bytes:
//
//	byte 0  modifier bitmap: bit 0 LeftCtrl, 1 LeftShift, 2 LeftAlt,
//	        3 LeftGUI, 4 RightCtrl, 5 RightShift, 6 RightAlt, 7 RightGUI
//	        (usages 0xE0–0xE7, one bit each)
//	byte 1  reserved (OEM use; ignored)
//	bytes 2–7  up to six keycodes of the keys now down, 0 for none
//
// A report says which keys are down, not which were pressed: a key counts
// once, in the first report it appears in, and not again while later
// reports still list it (n-key rollover typing sends "a" as [a], [a b], [b]
// …). An all-zero report releases every key. When more keys are down than
// the report holds, the keyboard fills all six slots with ErrorRollOver
// (0x01) and the key state is unknown (the "phantom state").
const (
	keyboardReportLen = 8

	modShift     = 0x02 | 0x20 // LeftShift, RightShift
	modOtherMods = 0xFF &^ modShift

	keyErrorRollOver  = 0x01
	keyPOSTFail       = 0x02
	keyErrorUndefined = 0x03
	keyEnter          = 0x28
	keyKeypadEnter    = 0x58
)

// usKeys maps a keycode to its character without and with Shift on the US
// layout. Only keys a scanner types for a printable code are here; anything
// else (arrows, F-keys, Backspace, Caps Lock) is ErrUnknownKey. The keypad
// types its legend whether Shift is held or not (Num Lock assumed on, as
// scanners that "emulate keypad" expect). Tab is kept as '\t' so a
// scanner configured with a Tab suffix shows up as a rejected code rather
// than a decode error.
var usKeys = func() (m [256][2]byte) {
	for i := byte(0); i < 26; i++ {
		m[0x04+i] = [2]byte{'a' + i, 'A' + i}
	}
	digits, shifted := "1234567890", "!@#$%^&*()"
	for i := 0; i < 10; i++ {
		m[0x1E+i] = [2]byte{digits[i], shifted[i]}
	}
	for k, pair := range map[byte]string{
		0x2B: "\t\t", 0x2C: "  ", 0x2D: "-_", 0x2E: "=+", 0x2F: "[{", 0x30: "]}", 0x31: `\|`,
		0x33: ";:", 0x34: `'"`, 0x35: "`~", 0x36: ",<", 0x37: ".>", 0x38: "/?",
		0x54: "//", 0x55: "**", 0x56: "--", 0x57: "++", 0x63: "..",
	} {
		m[k] = [2]byte{pair[0], pair[1]}
	}
	for i := byte(0); i < 9; i++ {
		m[0x59+i] = [2]byte{'1' + i, '1' + i}
	}
	m[0x62] = [2]byte{'0', '0'}
	return m
}()

// keyboardDecoder decodes boot-keyboard reports into codes ending at Enter
// or keypad Enter.
type keyboardDecoder struct {
	maxLen   int
	idle     time.Duration
	reportID byte

	down    [6]byte // keys down in the last good report
	buf     []byte
	active  bool // a code (or the rest of a broken one) is arriving
	discard bool // the current code is broken: drop it up to Enter or idle
	last    time.Time
}

func newKeyboardDecoder(o Options) *keyboardDecoder {
	return &keyboardDecoder{maxLen: o.MaxLen, idle: o.IdleTimeout, reportID: o.KeyboardReportID}
}

func (d *keyboardDecoder) Feed(r []byte, now time.Time) []Event {
	evs := d.Expire(now)
	if d.reportID != 0 {
		if len(r) > 0 && r[0] != d.reportID {
			return evs // another collection of the same device
		}
		if len(r) > 0 {
			r = r[1:]
		}
	}
	if len(r) != keyboardReportLen {
		return d.fail(evs, now, ErrBadReport, fmt.Sprintf("%d-byte keyboard report, want %d", len(r), keyboardReportLen))
	}
	if d.active {
		d.last = now
	}
	mod, keys := r[0], r[2:keyboardReportLen]
	rollover := 0
	for _, k := range keys {
		switch k {
		case keyErrorRollOver:
			rollover++
		case keyPOSTFail, keyErrorUndefined:
			return d.fail(evs, now, ErrBadReport, fmt.Sprintf("keyboard reports error usage 0x%02x", k))
		}
	}
	switch {
	case rollover == len(keys):
		// The state is unknown, so keep the last known one: keys still
		// down when the phantom state clears are not typed twice.
		return d.fail(evs, now, ErrRollOver, "more keys down than the report holds")
	case rollover > 0:
		return d.fail(evs, now, ErrBadReport, "ErrorRollOver in some key slots only")
	}
	for i, k := range keys {
		if k == 0 || d.isDown(k) || contains(keys[:i], k) {
			continue
		}
		evs = d.press(evs, k, mod, now)
	}
	copy(d.down[:], keys)
	return evs
}

func (d *keyboardDecoder) isDown(k byte) bool { return contains(d.down[:], k) }

func contains(keys []byte, k byte) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// press handles a key that went down: Enter ends the code, anything else
// adds its character. Keys newly down in the same report are taken in slot
// order, which is press order on the keyboards we know.
func (d *keyboardDecoder) press(evs []Event, k, mod byte, now time.Time) []Event {
	if k == keyEnter || k == keyKeypadEnter {
		if d.active && !d.discard && len(d.buf) > 0 {
			evs = append(evs, Event{Scan: Scan{Code: string(d.buf), At: now}})
		}
		d.reset()
		return evs
	}
	if mod&modOtherMods != 0 {
		return d.fail(evs, now, ErrUnknownKey, fmt.Sprintf("key 0x%02x with Ctrl, Alt or GUI held (modifiers 0x%02x)", k, mod))
	}
	c := usKeys[k][0]
	if mod&modShift != 0 {
		c = usKeys[k][1]
	}
	if c == 0 {
		return d.fail(evs, now, ErrUnknownKey, fmt.Sprintf("keycode 0x%02x", k))
	}
	d.active, d.last = true, now
	if d.discard {
		return evs
	}
	if len(d.buf) >= d.maxLen {
		return d.fail(evs, now, ErrTooLong, fmt.Sprintf("more than %d characters without Enter", d.maxLen))
	}
	d.buf = append(d.buf, c)
	return evs
}

// fail drops the code in progress and reports why, once per broken code:
// a device stuck sending garbage yields one error, not one per report.
func (d *keyboardDecoder) fail(evs []Event, now time.Time, err error, detail string) []Event {
	if !d.discard {
		evs = append(evs, Event{Err: &DecodeError{Mode: ModeKeyboard, Err: err, Detail: detail}})
	}
	d.buf = d.buf[:0]
	d.active, d.discard, d.last = true, true, now
	return evs
}

func (d *keyboardDecoder) reset() {
	d.buf = d.buf[:0]
	d.active, d.discard = false, false
}

func (d *keyboardDecoder) Expire(now time.Time) []Event {
	if !d.active || now.Sub(d.last) <= d.idle {
		return nil
	}
	var evs []Event
	if !d.discard && len(d.buf) > 0 {
		evs = append(evs, Event{Err: &DecodeError{Mode: ModeKeyboard, Err: ErrIncomplete,
			Detail: fmt.Sprintf("%d characters, then no key for %v and no Enter", len(d.buf), d.idle)}})
	}
	d.reset()
	return evs
}
