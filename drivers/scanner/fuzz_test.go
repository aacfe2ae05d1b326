package scanner_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"govkiosk/drivers/scanner"
	"govkiosk/drivers/sim"
	"govkiosk/kiosk"
)

// records splits fuzz input into reports: a length byte, then that many
// bytes, so the fuzzer reaches wrong lengths as easily as right ones.
func records(data []byte) [][]byte {
	var out [][]byte
	for len(data) > 0 {
		n := min(int(data[0]), len(data)-1)
		out = append(out, data[1:1+n])
		data = data[1+n:]
	}
	return out
}

// checkEvents holds for every decoder: errors are typed, codes are
// bounded and never empty.
func checkEvents(t *testing.T, evs []scanner.Event, maxLen int) {
	t.Helper()
	for _, ev := range evs {
		if ev.Err != nil {
			var de *scanner.DecodeError
			if !errors.As(ev.Err, &de) {
				t.Fatalf("error %v is not a *DecodeError", ev.Err)
			}
			if _, known := errorNames[de.Err]; !known {
				t.Fatalf("error %v wraps no known sentinel", ev.Err)
			}
			continue
		}
		if n := len(ev.Scan.Code); n == 0 || n > maxLen {
			t.Fatalf("code of %d bytes (max %d)", n, maxLen)
		}
	}
}

func FuzzKeyboardReports(f *testing.F) {
	const maxLen = 64
	f.Fuzz(func(t *testing.T, data []byte) {
		d := newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard, MaxLen: maxLen})
		now := t0
		for i, r := range records(data) {
			// Every 16th report comes after a pause, to reach the idle timeout.
			now = now.Add(time.Duration(1+i%16/15*2000) * time.Millisecond)
			evs := d.Feed(r, now)
			checkEvents(t, evs, maxLen)
			for _, ev := range evs {
				for _, c := range []byte(ev.Scan.Code) {
					if (c < 0x20 || c > 0x7E) && c != '\t' {
						t.Fatalf("decoded byte 0x%02x no US key types", c)
					}
				}
			}
		}
		checkEvents(t, d.Expire(now.Add(time.Hour)), maxLen)
	})
}

func FuzzPOSReports(f *testing.F) {
	const maxLen = 200
	f.Fuzz(func(t *testing.T, data []byte) {
		d := newDecoder(t, scanner.Options{Mode: scanner.ModePOS, MaxLen: maxLen})
		now := t0
		for i, r := range records(data) {
			now = now.Add(time.Duration(1+i%16/15*2000) * time.Millisecond)
			evs := d.Feed(r, now)
			checkEvents(t, evs, maxLen)
			for _, ev := range evs {
				if s := ev.Scan.Symbology; s != "" && (len(s) != 3 || s[0] != ']') {
					t.Fatalf("symbology %q", s)
				}
			}
		}
		checkEvents(t, d.Expire(now.Add(time.Hour)), maxLen)
	})
}

// Whatever a US-layout scanner can type, in any typing style, decodes to
// itself.
func FuzzKeyboardRoundTrip(f *testing.F) {
	f.Fuzz(func(t *testing.T, code string, style byte) {
		st := sim.KeyboardStyle{RightShift: style&1 != 0, ShiftFirst: style&2 != 0, Rollover: style&4 != 0,
			KeypadDigits: style&8 != 0, KeypadEnter: style&16 != 0}
		reports, err := sim.KeyboardReports(code, st)
		if err != nil || code == "" || len(code) > 4096 {
			return
		}
		got := feedAll(newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard}), reports)
		if len(got) != 1 || got[0] != scanLine(code, "") {
			t.Fatalf("typed %q in style %+v, decoded %q", code, st, got)
		}
	})
}

func FuzzClassify(f *testing.F) {
	f.Fuzz(func(t *testing.T, code string) {
		r := scanner.Classify(code)
		switch r.Class {
		case scanner.ClassRejected:
			if r.Message == "" || r.Reason == "" || r.Value != "" {
				t.Fatalf("rejected without message or reason: %+v", r)
			}
			return
		case scanner.ClassCaseNumber:
			if n, err := kiosk.ParseCaseNumber(r.Value); err != nil || n != r.Value {
				t.Fatalf("case number %q does not re-parse: %v", r.Value, err)
			}
		case scanner.ClassEID:
			if len(r.Value) < scanner.EIDMinLen {
				t.Fatalf("e-ID of %d characters", len(r.Value))
			}
		case scanner.ClassBarcode:
			if strings.ContainsFunc(r.Value, func(c rune) bool { return c < 0x20 || c > 0x7E }) {
				t.Fatalf("barcode %q is not printable ASCII", r.Value)
			}
		}
		if !utf8.ValidString(code) || r.Message != "" || r.Reason != "" {
			t.Fatalf("accepted %q as %+v", code, r)
		}
	})
}
