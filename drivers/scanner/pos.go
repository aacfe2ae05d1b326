package scanner

import (
	"errors"
	"fmt"
	"time"
)

// POSLayout is where the fields of a HID POS scanned-data report sit.
//
// The HID Point of Sale Usage Tables (v1.02, usage page 0x8C Bar Code
// Scanner) define the usages of the Scanned Data Report (0x12): Symbology
// Identifier 1–3 (0xFB–0xFD), Decoded Data (0xFE) and Decoded Data
// Continued (0xFF). They leave byte positions to each device's report
// descriptor, and vendors differ; offsets here are byte indexes in the
// report as hidapi returns it, report ID first.
type POSLayout struct {
	ReportID byte // the scanned-data report's ID
	Size     int  // whole report, report ID included
	LengthAt int  // byte holding the number of data bytes in this report
	AIMAt    int  // three-byte AIM symbology identifier ("]Q1"); -1 if none
	DataAt   int  // first data byte
	DataMax  int  // data bytes one report can carry
	MoreAt   int  // byte whose MoreMask bits say more reports follow; -1: every report is a whole code
	MoreMask byte
}

// CommonPOSLayout is the scanned-data report of Honeywell scanners in
// "USB HID POS" mode, documented byte for byte by Access-IS for its
// readers, and used by WebHID barcode libraries for Honeywell, Zebra and
// Datalogic:
//
//	byte 0      report ID 0x02
//	byte 1      number of data bytes in this report (0–56)
//	bytes 2–4   AIM symbology identifier, ']' then two characters ("]Q1")
//	bytes 5–60  data, zero padded
//	byte 61     vendor symbology identifier (Honeywell Code ID; ignored)
//	byte 62     reserved
//	byte 63     bit 0: the code continues in the next report
//
// A 60-byte code arrives as a report with 56 bytes and bit 0 set, then one
// with 4 bytes and bit 0 clear. Newland scanners use a different layout
// (data from byte 2, their own symbology byte at 62, no continuation
// flag); describe such a device with its own POSLayout.
var CommonPOSLayout = POSLayout{ReportID: 0x02, Size: 64, LengthAt: 1, AIMAt: 2, DataAt: 5, DataMax: 56, MoreAt: 63, MoreMask: 0x01}

func (l POSLayout) validate() error {
	in := func(at, n int) bool { return at >= 1 && at+n <= l.Size }
	switch {
	case l.ReportID == 0:
		return errors.New("ReportID 0 is reserved; scanned-data reports are numbered")
	case l.Size < 3 || l.Size > readSize:
		return fmt.Errorf("Size %d: want 3 to %d bytes", l.Size, readSize)
	case !in(l.LengthAt, 1):
		return fmt.Errorf("LengthAt %d is outside a %d-byte report", l.LengthAt, l.Size)
	case l.AIMAt != -1 && !in(l.AIMAt, 3):
		return fmt.Errorf("AIMAt %d is outside a %d-byte report", l.AIMAt, l.Size)
	case l.DataMax < 1 || l.DataMax > 255 || !in(l.DataAt, l.DataMax):
		return fmt.Errorf("DataAt %d, DataMax %d do not fit a %d-byte report", l.DataAt, l.DataMax, l.Size)
	case l.MoreAt != -1 && (!in(l.MoreAt, 1) || l.MoreMask == 0):
		return fmt.Errorf("MoreAt %d, MoreMask 0x%02x: want a byte inside the report and a non-zero mask", l.MoreAt, l.MoreMask)
	}
	return nil
}

// posDecoder reassembles codes from scanned-data reports. A report that
// breaks the layout loses the code it belongs to, and since a torn report's
// continuation flag cannot be read, reports following it without a pause
// longer than IdleTimeout are dropped as its rest: better one lost scan
// than a code missing its first 56 bytes. A citizen's rescan comes later
// than that and decodes.
type posDecoder struct {
	l      POSLayout
	maxLen int
	idle   time.Duration

	buf     []byte
	aim     string
	active  bool // a continued code is arriving
	discard bool // the current code is broken: drop it up to its last report or idle
	last    time.Time
}

func newPOSDecoder(o Options) *posDecoder {
	return &posDecoder{l: o.POSLayout, maxLen: o.MaxLen, idle: o.IdleTimeout}
}

func (d *posDecoder) Feed(r []byte, now time.Time) []Event {
	evs := d.Expire(now)
	if len(r) > 0 && r[0] != d.l.ReportID {
		return evs // attribute, status or another collection's report
	}
	if len(r) != d.l.Size {
		return d.fail(evs, now, ErrBadReport, fmt.Sprintf("%d-byte scanned-data report, want %d", len(r), d.l.Size))
	}
	more := d.l.MoreAt >= 0 && r[d.l.MoreAt]&d.l.MoreMask != 0
	n := int(r[d.l.LengthAt])
	if n > d.l.DataMax {
		return d.end(d.fail(evs, now, ErrBadReport, fmt.Sprintf("length byte %d, but a report carries at most %d", n, d.l.DataMax)), more)
	}
	aim, ok := d.symbology(r)
	if !ok {
		return d.end(d.fail(evs, now, ErrBadReport, "symbology identifier does not start with ']'"), more)
	}
	if !d.active {
		d.aim = aim
	}
	d.active, d.last = true, now
	switch {
	case d.discard:
	case len(d.buf)+n > d.maxLen:
		evs = d.fail(evs, now, ErrTooLong, fmt.Sprintf("more than %d bytes in one code", d.maxLen))
	default:
		d.buf = append(d.buf, r[d.l.DataAt:d.l.DataAt+n]...)
	}
	if more {
		return evs
	}
	if !d.discard && len(d.buf) > 0 {
		evs = append(evs, Event{Scan: Scan{Code: string(d.buf), Symbology: d.aim, At: now}})
	}
	d.reset()
	return evs
}

// symbology reads the AIM identifier: all zero when the scanner is set not
// to send it, else ']' and two printable characters.
func (d *posDecoder) symbology(r []byte) (string, bool) {
	if d.l.AIMAt < 0 {
		return "", true
	}
	a := r[d.l.AIMAt : d.l.AIMAt+3]
	if a[0] == 0 && a[1] == 0 && a[2] == 0 {
		return "", true
	}
	if a[0] != ']' || a[1] < 0x21 || a[1] > 0x7E || a[2] < 0x21 || a[2] > 0x7E {
		return "", false
	}
	return string(a), true
}

// end finishes a broken report: if it was the code's last, the next report
// starts a new code.
func (d *posDecoder) end(evs []Event, more bool) []Event {
	if !more {
		d.reset()
	}
	return evs
}

func (d *posDecoder) fail(evs []Event, now time.Time, err error, detail string) []Event {
	if !d.discard {
		evs = append(evs, Event{Err: &DecodeError{Mode: ModePOS, Err: err, Detail: detail}})
	}
	d.buf = d.buf[:0]
	d.active, d.discard, d.last = true, true, now
	return evs
}

func (d *posDecoder) reset() {
	d.buf, d.aim = d.buf[:0], ""
	d.active, d.discard = false, false
}

func (d *posDecoder) Expire(now time.Time) []Event {
	if !d.active || now.Sub(d.last) <= d.idle {
		return nil
	}
	var evs []Event
	if !d.discard {
		evs = append(evs, Event{Err: &DecodeError{Mode: ModePOS, Err: ErrIncomplete,
			Detail: fmt.Sprintf("%d bytes, then no report for %v although the last one said more follow", len(d.buf), d.idle)}})
	}
	d.reset()
	return evs
}

// SymbologyName names the symbology of an AIM identifier (ISO/IEC 15424),
// for logs and kioskctl: "]Q1" is "QR Code". Unknown identifiers give "".
func SymbologyName(aim string) string {
	if len(aim) < 2 || aim[0] != ']' {
		return ""
	}
	switch aim[1] {
	case 'A':
		return "Code 39"
	case 'C':
		return "Code 128"
	case 'E':
		return "EAN/UPC"
	case 'F':
		return "Codabar"
	case 'G':
		return "Code 93"
	case 'I':
		return "Interleaved 2 of 5"
	case 'L':
		return "PDF417"
	case 'Q':
		return "QR Code"
	case 'd':
		return "Data Matrix"
	case 'e':
		return "GS1 DataBar"
	case 'z':
		return "Aztec"
	}
	return ""
}
