package scanner_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"govkiosk/drivers/scanner"
	"govkiosk/drivers/sim"
)

func TestPOSReassemblesCodesSplitOverReports(t *testing.T) {
	tests := []struct {
		name    string
		aim     string
		code    []byte
		reports int
	}{
		{"short code in one report", "]Q1", []byte("GKCASE:QH0001-20261125-000042-P"), 1},
		{"exactly one report full", "]C0", bytes.Repeat([]byte("7"), 56), 1},
		{"one byte over a report", "]Q1", bytes.Repeat([]byte("x"), 57), 2},
		{"e-ID token over four reports", "]Q1", bytes.Repeat([]byte("AbCd0123-_"), 20), 4},
		{"UTF-8 bytes pass through", "]Q1", []byte("张三 QH0001"), 1},
		{"no AIM identifier sent", "", []byte("6901234567892"), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reports := sim.POSReports(tt.aim, tt.code)
			if len(reports) != tt.reports {
				t.Fatalf("simulator made %d reports, want %d", len(reports), tt.reports)
			}
			got := feedAll(newDecoder(t, scanner.Options{Mode: scanner.ModePOS}), reports)
			if strings.Join(got, "|") != scanLine(string(tt.code), tt.aim) {
				t.Errorf("got %q", got)
			}
		})
	}
}

func posReport(n byte, aim string, more bool) []byte {
	r := make([]byte, 64)
	r[0], r[1] = 0x02, n
	copy(r[2:5], aim)
	for i := 0; i < int(n) && i < 56; i++ {
		r[5+i] = 'z'
	}
	if more {
		r[63] = 0x01
	}
	return r
}

func TestPOSRejectsGarbageAndRecovers(t *testing.T) {
	tests := []struct {
		name    string
		garbage [][]byte
		want    string // "" when the garbage is ignored
	}{
		{"short report", [][]byte{posReport(3, "]Q1", false)[:40]}, "bad-report"},
		{"long report", [][]byte{append(posReport(3, "]Q1", false), 0)}, "bad-report"},
		{"length byte past the data", [][]byte{posReport(57, "]Q1", false)}, "bad-report"},
		{"symbology not AIM", [][]byte{posReport(3, "Q1x", false)}, "bad-report"},
		{"broken continuation drops the rest of its code", [][]byte{posReport(57, "]Q1", true), posReport(3, "]Q1", false)}, "bad-report"},
		{"other report IDs are ignored", [][]byte{{0x04, 1, 2, 3}, append([]byte{0x10}, make([]byte, 63)...)}, ""},
		{"empty final report gives no scan", [][]byte{posReport(0, "", false)}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The rescan comes after a human pause, longer than IdleTimeout:
			// a torn report may have been the first of several, so reports
			// right after it are taken for the rest of its code.
			d := newDecoder(t, scanner.Options{Mode: scanner.ModePOS, IdleTimeout: time.Second})
			got := feedAll(d, tt.garbage)
			for _, r := range sim.POSReports("]E0", []byte("6901234567892")) {
				got = append(got, describe(d.Feed(r, t0.Add(3*time.Second)))...)
			}
			want := []string{scanLine("6901234567892", "]E0")}
			if tt.want != "" {
				want = append([]string{"error: " + tt.want}, want...)
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestPOSBoundsCodeLength(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModePOS, MaxLen: 100})
	for _, tt := range []struct {
		n    int
		want string
	}{
		{100, scanLine(strings.Repeat("q", 100), "]Q1")},
		{101, "error: too-long"},
		{300, "error: too-long"},
		{5, scanLine("qqqqq", "]Q1")},
	} {
		got := feedAll(d, sim.POSReports("]Q1", bytes.Repeat([]byte("q"), tt.n)))
		if strings.Join(got, "|") != tt.want {
			t.Errorf("%d bytes: got %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestPOSContinuationThatNeverEndsTimesOut(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModePOS, IdleTimeout: time.Second})
	if evs := d.Feed(posReport(56, "]Q1", true), t0); len(evs) != 0 {
		t.Fatalf("first report: %v", describe(evs))
	}
	if evs := d.Expire(t0.Add(time.Second)); len(evs) != 0 {
		t.Errorf("expired at exactly IdleTimeout: %v", describe(evs))
	}
	if got := describe(d.Expire(t0.Add(time.Second + 1))); strings.Join(got, "|") != "error: incomplete" {
		t.Errorf("after IdleTimeout: %q", got)
	}
	// The late last report is a new code of its own, not the end of the old one.
	if got := describe(d.Feed(posReport(2, "]Q1", false), t0.Add(time.Hour))); strings.Join(got, "|") != scanLine("zz", "]Q1") {
		t.Errorf("late report: %q", got)
	}
}

func TestPOSLayoutIsValidated(t *testing.T) {
	for _, l := range []scanner.POSLayout{
		{ReportID: 0, Size: 64, LengthAt: 1, AIMAt: 2, DataAt: 5, DataMax: 56, MoreAt: 63, MoreMask: 1},
		{ReportID: 2, Size: 64, LengthAt: 1, AIMAt: 2, DataAt: 5, DataMax: 60, MoreAt: 63, MoreMask: 1},
		{ReportID: 2, Size: 64, LengthAt: 64, AIMAt: 2, DataAt: 5, DataMax: 56, MoreAt: 63, MoreMask: 1},
		{ReportID: 2, Size: 64, LengthAt: 1, AIMAt: 2, DataAt: 5, DataMax: 56, MoreAt: 63, MoreMask: 0},
	} {
		if _, err := scanner.NewDecoder(scanner.Options{Mode: scanner.ModePOS, POSLayout: l}); err == nil || !strings.Contains(err.Error(), "POSLayout") {
			t.Errorf("layout %+v: err = %v", l, err)
		}
	}
}

func TestSymbologyName(t *testing.T) {
	for aim, want := range map[string]string{"]Q1": "QR Code", "]E0": "EAN/UPC", "]d2": "Data Matrix", "]X0": "", "": "", "Q1": ""} {
		if got := scanner.SymbologyName(aim); got != want {
			t.Errorf("SymbologyName(%q) = %q, want %q", aim, got, want)
		}
	}
}
