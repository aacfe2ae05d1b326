package scanner

import (
	"fmt"
	"time"
)

// lineDecoder splits a serial byte stream into codes. Scanners in serial
// mode end each code with a configurable suffix, CR by default, LF or CR LF
// on some; all three end a code here, and the LF of a CR LF does not make
// an empty one.
//
// Stray bytes are handled so that one bad burst costs one scan at most:
// NUL bytes between codes (USB-serial adapters and level shifters emit
// them at power-up and plug-in) are skipped; bytes that never see a
// terminator end as ErrIncomplete after IdleTimeout; a line past MaxLen is
// ErrTooLong and dropped up to its terminator. Bytes inside a code are
// passed through untouched, control bytes included; Classify rejects them.
type lineDecoder struct {
	maxLen int
	idle   time.Duration

	buf     []byte
	active  bool // a code is arriving
	discard bool // the current line is too long: drop it up to its terminator or idle
	afterCR bool // the last byte was CR: a LF now completes CR LF
	last    time.Time
}

func newLineDecoder(o Options) *lineDecoder {
	return &lineDecoder{maxLen: o.MaxLen, idle: o.IdleTimeout}
}

func (d *lineDecoder) Feed(p []byte, now time.Time) []Event {
	evs := d.Expire(now)
	for _, b := range p {
		if b == '\n' && d.afterCR {
			d.afterCR = false
			continue
		}
		d.afterCR = b == '\r'
		switch {
		case b == '\r' || b == '\n':
			if d.active && !d.discard && len(d.buf) > 0 {
				evs = append(evs, Event{Scan: Scan{Code: string(d.buf), At: now}})
			}
			d.reset()
		case b == 0 && !d.active:
		case d.discard:
			d.last = now
		case len(d.buf) >= d.maxLen:
			evs = append(evs, Event{Err: &DecodeError{Mode: ModeSerial, Err: ErrTooLong,
				Detail: fmt.Sprintf("more than %d bytes without CR or LF", d.maxLen)}})
			d.buf = d.buf[:0]
			d.discard, d.last = true, now
		default:
			d.buf = append(d.buf, b)
			d.active, d.last = true, now
		}
	}
	return evs
}

func (d *lineDecoder) reset() {
	d.buf = d.buf[:0]
	d.active, d.discard = false, false
}

func (d *lineDecoder) Expire(now time.Time) []Event {
	if !d.active || now.Sub(d.last) <= d.idle {
		return nil
	}
	var evs []Event
	if !d.discard && len(d.buf) > 0 {
		evs = append(evs, Event{Err: &DecodeError{Mode: ModeSerial, Err: ErrIncomplete,
			Detail: fmt.Sprintf("%d bytes, then nothing for %v and no CR or LF", len(d.buf), d.idle)}})
	}
	d.reset()
	d.afterCR = false
	return evs
}
