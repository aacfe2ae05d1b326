package sim_test

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
)

// kb writes a report the way a hidraw dump shows it.
func kb(mod byte, keys ...byte) string {
	r := make([]byte, 8)
	r[0] = mod
	copy(r[2:], keys)
	return fmt.Sprintf("% x", r)
}

func TestKeyboardReportsAreWhatAScannerSends(t *testing.T) {
	tests := []struct {
		name  string
		code  string
		style sim.KeyboardStyle
		want  []string
	}{
		{"press and release each key, shift with the key", "aA1", sim.KeyboardStyle{},
			[]string{kb(0, 0x04), kb(0), kb(0x02, 0x04), kb(0), kb(0, 0x1E), kb(0), kb(0, 0x28), kb(0)}},
		{"right shift", "?", sim.KeyboardStyle{RightShift: true},
			[]string{kb(0x20, 0x38), kb(0), kb(0, 0x28), kb(0)}},
		{"shift pressed alone first and released last", "B", sim.KeyboardStyle{ShiftFirst: true},
			[]string{kb(0x02), kb(0x02, 0x05), kb(0x02), kb(0), kb(0, 0x28), kb(0)}},
		{"rollover overlaps keys that differ and share shift", "abB", sim.KeyboardStyle{Rollover: true},
			[]string{kb(0, 0x04), kb(0, 0x04, 0x05), kb(0, 0x05), kb(0), kb(0x02, 0x05), kb(0), kb(0, 0x28), kb(0)}},
		{"rollover releases before the same key again, rolls into Enter", "aa", sim.KeyboardStyle{Rollover: true},
			[]string{kb(0, 0x04), kb(0), kb(0, 0x04), kb(0, 0x04, 0x28), kb(0, 0x28), kb(0)}},
		{"keypad digits and keypad enter", "190", sim.KeyboardStyle{KeypadDigits: true, KeypadEnter: true},
			[]string{kb(0, 0x59), kb(0), kb(0, 0x61), kb(0), kb(0, 0x62), kb(0), kb(0, 0x58), kb(0)}},
		{"URL symbols", ":/.-?=&_%+", sim.KeyboardStyle{},
			[]string{kb(0x02, 0x33), kb(0), kb(0, 0x38), kb(0), kb(0, 0x37), kb(0), kb(0, 0x2D), kb(0), kb(0x02, 0x38), kb(0),
				kb(0, 0x2E), kb(0), kb(0x02, 0x24), kb(0), kb(0x02, 0x2D), kb(0), kb(0x02, 0x22), kb(0), kb(0x02, 0x2E), kb(0),
				kb(0, 0x28), kb(0)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reports, err := sim.KeyboardReports(tt.code, tt.style)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range reports {
				got = append(got, fmt.Sprintf("% x", r))
			}
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Errorf("reports:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
		})
	}
}

func TestKeyboardReportsNumbered(t *testing.T) {
	reports, err := sim.KeyboardReports("a", sim.KeyboardStyle{ReportID: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range reports {
		if len(r) != 9 || r[0] != 1 {
			t.Errorf("report % x: want 9 bytes with ID 1 first", r)
		}
	}
}

func TestKeyboardReportsRefuseWhatNoUSKeyTypes(t *testing.T) {
	for _, code := range []string{"张", "a\x00", "a\r", "é"} {
		if _, err := sim.KeyboardReports(code, sim.KeyboardStyle{}); err == nil {
			t.Errorf("KeyboardReports(%q) succeeded", code)
		}
	}
}

func TestPOSReportsSplitAtFiftySixBytes(t *testing.T) {
	code := bytes.Repeat([]byte("0123456789"), 6) // 60 bytes
	reports := sim.POSReports("]Q1", code)
	if len(reports) != 2 {
		t.Fatalf("%d reports, want 2", len(reports))
	}
	for i, want := range []struct {
		n    byte
		more byte
		data []byte
	}{{56, 1, code[:56]}, {4, 0, code[56:]}} {
		r := reports[i]
		if len(r) != 64 || r[0] != 0x02 || r[1] != want.n || string(r[2:5]) != "]Q1" || r[63] != want.more ||
			!bytes.Equal(r[5:5+want.n], want.data) || !bytes.Equal(r[5+want.n:61], make([]byte, 56-int(want.n))) {
			t.Errorf("report %d: % x", i, r)
		}
	}
	if r := sim.POSReports("", nil); len(r) != 1 || r[0][1] != 0 || r[0][63] != 0 {
		t.Errorf("empty code: %v", r)
	}
}

func TestSerialScannerSendsCodeAndTerminator(t *testing.T) {
	dev, err := sim.NewSerialScanner(115200)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	port, err := transport.OpenSerial(transport.SerialConfig{Name: dev.Path, Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	defer port.Close()

	dev.Terminator = "\r\n"
	if err := dev.Scan("GKCASE:QH0001"); err != nil {
		t.Fatal(err)
	}
	if err := dev.ScanUnterminated("cut"); err != nil {
		t.Fatal(err)
	}
	if err := dev.Garbage(rand.NewChaCha8([32]byte{1}), 500); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, len("GKCASE:QH0001\r\ncut")+500)
	if _, err := transport.ReadFull(port, buf, time.Now().Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	if got := string(buf[:18]); got != "GKCASE:QH0001\r\ncut" {
		t.Errorf("line got %q", got)
	}
	if bytes.ContainsAny(buf[18:], "\r\n") {
		t.Error("garbage contains a line end")
	}
}

func TestHIDScannerDeliversOneReportPerRead(t *testing.T) {
	dev := sim.NewHIDScanner()
	port := transport.NewReportPort(dev, "sim-hid", nil, time.Second)
	defer port.Close()
	dev.Send([]byte{1, 2, 3}, make([]byte, 64))
	buf := make([]byte, 64)
	for _, want := range []int{3, 64} {
		if n, err := port.Read(buf); n != want || err != nil {
			t.Errorf("Read = %d, %v; want %d", n, err, want)
		}
	}
	if _, err := port.Write([]byte{9}); err != nil || len(dev.Written()) != 1 {
		t.Errorf("Write: %v, written %v", err, dev.Written())
	}
	dev.Unplug()
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, err := port.Read(buf)
		if errors.Is(err, sim.ErrUnplugged) {
			break
		}
		if !errors.Is(err, transport.ErrTimeout) || time.Now().After(deadline) {
			t.Fatalf("after Unplug: %v", err)
		}
	}
}
