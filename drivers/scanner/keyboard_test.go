package scanner_test

import (
	"strings"
	"testing"
	"time"

	"govkiosk/drivers/scanner"
	"govkiosk/drivers/sim"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// feedAll feeds reports a few milliseconds apart, as a scanner types.
func feedAll(d scanner.Decoder, reports [][]byte) []string {
	var got []string
	now := t0
	for _, r := range reports {
		now = now.Add(3 * time.Millisecond)
		got = append(got, describe(d.Feed(r, now))...)
	}
	return got
}

func rep(mod byte, keys ...byte) []byte {
	r := make([]byte, 8)
	r[0] = mod
	copy(r[2:], keys)
	return r
}

// Every way scanners type decodes to the same code.
func TestKeyboardDecodesEveryTypingStyle(t *testing.T) {
	const code = `GKCASE:qh0001-20261125-000042-P https://a.B/q?x=1&y=%2B_~!@#$^*()[]{}\|;:'",.<>/` + "`"
	styles := []struct {
		name  string
		style sim.KeyboardStyle
	}{
		{"shift with the key, release after each", sim.KeyboardStyle{}},
		{"right shift", sim.KeyboardStyle{RightShift: true}},
		{"shift pressed alone first", sim.KeyboardStyle{ShiftFirst: true}},
		{"n-key rollover", sim.KeyboardStyle{Rollover: true}},
		{"rollover with shift first", sim.KeyboardStyle{Rollover: true, ShiftFirst: true}},
		{"keypad digits and keypad enter", sim.KeyboardStyle{KeypadDigits: true, KeypadEnter: true}},
		{"numbered reports", sim.KeyboardStyle{ReportID: 1}},
	}
	for _, tt := range styles {
		t.Run(tt.name, func(t *testing.T) {
			reports, err := sim.KeyboardReports(code, tt.style)
			if err != nil {
				t.Fatal(err)
			}
			d := newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard, KeyboardReportID: tt.style.ReportID})
			got := feedAll(d, reports)
			if len(got) != 1 || got[0] != scanLine(code, "") {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestKeyboardCountsAKeyOncePerPress(t *testing.T) {
	tests := []struct {
		name    string
		reports [][]byte
		want    string
	}{
		{"held key is not repeated", [][]byte{rep(0, 0x04), rep(0, 0x04), rep(0, 0x04), rep(0), rep(0, 0x28)}, "a"},
		{"same key twice needs a release between", [][]byte{rep(0, 0x04), rep(0), rep(0, 0x04), rep(0), rep(0, 0x28)}, "aa"},
		{"rollover takes the newly down key", [][]byte{rep(0, 0x04), rep(0, 0x04, 0x05), rep(0, 0x05), rep(0, 0x05, 0x06), rep(0), rep(0, 0x28)}, "abc"},
		{"new keys in one report are taken in slot order", [][]byte{rep(0, 0x06, 0x04, 0x05), rep(0), rep(0, 0x28)}, "cab"},
		{"shift applies to the report the key appears in", [][]byte{rep(0x02), rep(0x02, 0x04), rep(0, 0x04), rep(0, 0x04, 0x05), rep(0), rep(0, 0x28)}, "Ab"},
		{"shift arriving while a key is held does not retype it", [][]byte{rep(0, 0x04), rep(0x02, 0x04), rep(0), rep(0, 0x28)}, "a"},
		{"right shift", [][]byte{rep(0x20, 0x1E), rep(0), rep(0, 0x28)}, "!"},
		{"keypad enter ends the code", [][]byte{rep(0, 0x59), rep(0), rep(0, 0x58)}, "1"},
		{"enter with keys still down ends the code", [][]byte{rep(0, 0x04), rep(0, 0x04, 0x28)}, "a"},
		{"duplicate key in one report counts once", [][]byte{rep(0, 0x04, 0x04), rep(0), rep(0, 0x28)}, "a"},
		{"reserved byte is ignored", [][]byte{{0, 0xAA, 0x04, 0, 0, 0, 0, 0}, rep(0), rep(0, 0x28)}, "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feedAll(newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard}), tt.reports)
			if len(got) != 1 || got[0] != scanLine(tt.want, "") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestKeyboardIgnoresEmptyEnter(t *testing.T) {
	got := feedAll(newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard}), [][]byte{rep(0, 0x28), rep(0), rep(0, 0x58), rep(0)})
	if len(got) != 0 {
		t.Errorf("Enter alone gave %q", got)
	}
}

// Garbage loses the code it hits, is reported once with a typed error, and
// the next scan decodes.
func TestKeyboardRejectsGarbageAndRecovers(t *testing.T) {
	tests := []struct {
		name    string
		garbage [][]byte
		want    string
	}{
		{"short report", [][]byte{{0, 0, 0x04}}, "bad-report"},
		{"long report", [][]byte{make([]byte, 9)}, "bad-report"},
		{"empty report", [][]byte{{}}, "bad-report"},
		{"64-byte report (a POS-mode device)", [][]byte{make([]byte, 64)}, "bad-report"},
		{"phantom state", [][]byte{rep(0, 1, 1, 1, 1, 1, 1)}, "rollover"},
		{"rollover in some slots only", [][]byte{rep(0, 0x04, 1)}, "bad-report"},
		{"POSTFail", [][]byte{rep(0, 0x02)}, "bad-report"},
		{"ErrorUndefined", [][]byte{rep(0, 0x03)}, "bad-report"},
		{"F1", [][]byte{rep(0, 0x3A)}, "unknown-key"},
		{"backspace", [][]byte{rep(0, 0x2A)}, "unknown-key"},
		{"modifier usage in the key array", [][]byte{rep(0, 0xE1)}, "unknown-key"},
		{"ctrl chord", [][]byte{rep(0x01, 0x04)}, "unknown-key"},
		{"alt chord", [][]byte{rep(0x40, 0x04)}, "unknown-key"},
		{"garbage repeated is one error", [][]byte{rep(0, 0x3A), rep(0), {1, 2, 3}, rep(0, 1, 1, 1, 1, 1, 1)}, "unknown-key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reports [][]byte
			reports = append(reports, rep(0, 0x04), rep(0)) // "a" before the garbage
			reports = append(reports, tt.garbage...)
			reports = append(reports, rep(0, 0x05), rep(0), rep(0, 0x28), rep(0)) // rest of the broken code
			good, _ := sim.KeyboardReports("Next-1", sim.KeyboardStyle{})
			reports = append(reports, good...)
			got := feedAll(newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard}), reports)
			want := []string{"error: " + tt.want, scanLine("Next-1", "")}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// In the phantom state which keys are down is unknown; the last known
// state stands, so a key held through it is not typed again when the
// phantom state clears (here in the report whose Enter ends the lost code).
func TestKeyboardPhantomStateKeepsKeyState(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard})
	got := feedAll(d, [][]byte{rep(0, 0x04), rep(0, 1, 1, 1, 1, 1, 1), rep(0, 0x28, 0x04), rep(0), rep(0, 0x05), rep(0), rep(0, 0x28)})
	if strings.Join(got, "|") != "error: rollover|"+scanLine("b", "") {
		t.Errorf("got %q", got)
	}
}

func TestKeyboardNumberedReportsSkipOtherReportIDs(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard, KeyboardReportID: 1})
	other := []byte{3, 0xE9, 0} // a consumer-control report of the same device
	got := feedAll(d, [][]byte{append([]byte{1}, rep(0, 0x04)...), other, append([]byte{1}, rep(0)...), append([]byte{1}, rep(0, 0x28)...)})
	if strings.Join(got, "|") != scanLine("a", "") {
		t.Errorf("got %q", got)
	}
}

func TestKeyboardBoundsCodeLength(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard, MaxLen: 8})
	for _, tt := range []struct {
		code string
		want string
	}{
		{"12345678", scanLine("12345678", "")},
		{"123456789", "error: too-long"},
		{"after", scanLine("after", "")},
	} {
		reports, _ := sim.KeyboardReports(tt.code, sim.KeyboardStyle{})
		if got := strings.Join(feedAll(d, reports), "|"); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.code, got, tt.want)
		}
	}
}

func TestKeyboardCodeWithoutEnterTimesOut(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard, IdleTimeout: time.Second})
	reports, _ := sim.KeyboardReports("abc", sim.KeyboardStyle{})
	reports = reports[:len(reports)-2] // no Enter
	last := t0
	for _, r := range reports {
		last = last.Add(time.Millisecond)
		if evs := d.Feed(r, last); len(evs) != 0 {
			t.Fatalf("events before Enter: %v", describe(evs))
		}
	}
	if evs := d.Expire(last.Add(time.Second)); len(evs) != 0 {
		t.Errorf("expired at exactly IdleTimeout: %v", describe(evs))
	}
	if got := describe(d.Expire(last.Add(time.Second + 1))); strings.Join(got, "|") != "error: incomplete" {
		t.Errorf("after IdleTimeout: %q", got)
	}
	if evs := d.Expire(last.Add(time.Hour)); len(evs) != 0 {
		t.Errorf("expired twice: %v", describe(evs))
	}
	// A late Enter does not resurrect the expired code.
	if evs := d.Feed(rep(0, 0x28), last.Add(time.Hour)); len(evs) != 0 {
		t.Errorf("late Enter: %v", describe(evs))
	}
}

// A scan that resumes after a long gap without a read timeout in between
// (a port with a long read timeout) still splits at the gap.
func TestKeyboardFeedAfterGapExpiresFirst(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeKeyboard, IdleTimeout: time.Second})
	d.Feed(rep(0, 0x04), t0)
	d.Feed(rep(0), t0)
	got := describe(append(d.Feed(rep(0, 0x05), t0.Add(5*time.Second)), d.Feed(rep(0, 0x28), t0.Add(5*time.Second))...))
	if strings.Join(got, "|") != "error: incomplete|"+scanLine("b", "") {
		t.Errorf("got %q", got)
	}
}
