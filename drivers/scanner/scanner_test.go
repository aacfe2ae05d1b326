package scanner_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"govkiosk/drivers/scanner"
	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
)

// hang bounds every wait for an event; it only turns a hang into a failure.
const hang = 10 * time.Second

func next(t *testing.T, s *scanner.Scanner) scanner.Event {
	t.Helper()
	select {
	case ev, ok := <-s.Events():
		if !ok {
			t.Fatal("events channel closed")
		}
		return ev
	case <-time.After(hang):
		t.Fatal("no event")
	}
	return scanner.Event{}
}

func wantCode(t *testing.T, s *scanner.Scanner, code string) {
	t.Helper()
	if ev := next(t, s); ev.Err != nil || ev.Scan.Code != code {
		t.Fatalf("event = %q, %v; want code %q", ev.Scan.Code, ev.Err, code)
	}
}

func wantErr(t *testing.T, s *scanner.Scanner, target error) {
	t.Helper()
	if ev := next(t, s); !errors.Is(ev.Err, target) {
		t.Fatalf("event = %q, %v; want %v", ev.Scan.Code, ev.Err, target)
	}
}

func wantClosed(t *testing.T, s *scanner.Scanner) {
	t.Helper()
	select {
	case ev, ok := <-s.Events():
		if ok {
			t.Fatalf("event after the end: %+v", ev)
		}
	case <-time.After(hang):
		t.Fatal("events channel not closed")
	}
}

// serialRig is a simulated serial scanner on a pseudo-terminal and a
// Scanner reading it through the real serial transport.
func serialRig(t *testing.T, baud int, o scanner.Options) (*sim.SerialScanner, *scanner.Scanner) {
	t.Helper()
	dev, err := sim.NewSerialScanner(baud)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	port, err := transport.OpenSerial(transport.SerialConfig{Name: dev.Path, Baud: 9600})
	if err != nil {
		t.Fatal(err)
	}
	o.Mode = scanner.ModeSerial
	s, err := scanner.New(context.Background(), port, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return dev, s
}

func TestSerialScannerOverPTY(t *testing.T) {
	codes := []string{"GKCASE:QH0001-20261125-000042-P", "6901234567892", "https://zwfw.example.gov.cn/q/QH0001-20261125-000042-P?v=1&x=%2B"}
	for _, tt := range []struct {
		name       string
		baud       int
		terminator string
	}{
		{"CR at 9600 baud", 9600, "\r"},
		{"LF", 115200, "\n"},
		{"CR LF", 115200, "\r\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			dev, s := serialRig(t, tt.baud, scanner.Options{})
			dev.Terminator = tt.terminator
			for _, c := range codes {
				if err := dev.Scan(c); err != nil {
					t.Fatal(err)
				}
			}
			for _, c := range codes {
				wantCode(t, s, c)
			}
		})
	}
}

func TestSerialScannerRecoversFromGarbageOverPTY(t *testing.T) {
	dev, s := serialRig(t, 115200, scanner.Options{MaxLen: 64, IdleTimeout: 300 * time.Millisecond})
	rnd := rand.NewChaCha8([32]byte{'g', 'k'})

	// Noise that never ends a line: reported once the line goes quiet.
	if err := dev.Garbage(rnd, 40); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s, scanner.ErrIncomplete)
	if err := dev.Scan("after-noise"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s, "after-noise")

	// A line too long to be a code.
	if err := dev.Scan(strings.Repeat("L", 200)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s, scanner.ErrTooLong)
	if err := dev.Scan("after-long"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s, "after-long")

	// A code without its terminator.
	if err := dev.ScanUnterminated("cut"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s, scanner.ErrIncomplete)
	if err := dev.Scan("after-cut"); err != nil {
		t.Fatal(err)
	}
	wantCode(t, s, "after-cut")
}

func TestSerialScannerReportsUnpluggedDevice(t *testing.T) {
	dev, s := serialRig(t, 0, scanner.Options{})
	dev.Close()
	ev := next(t, s)
	var de *scanner.DeviceError
	if !errors.As(ev.Err, &de) || !strings.Contains(de.Port, dev.Path) {
		t.Fatalf("event = %+v, want a *DeviceError naming %s", ev, dev.Path)
	}
	wantClosed(t, s)
	if err := s.Close(); err != nil {
		t.Errorf("Close after the device died: %v", err)
	}
}

func TestScannerCloseEndsEventsAndIsIdempotent(t *testing.T) {
	_, s := serialRig(t, 0, scanner.Options{})
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wantClosed(t, s)
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func TestScannerStopsWhenContextEnds(t *testing.T) {
	dev := sim.NewHIDScanner()
	port := transport.NewReportPort(dev, "sim-hid", nil, 50*time.Millisecond)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := scanner.New(ctx, port, scanner.Options{Mode: scanner.ModeKeyboard})
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	wantClosed(t, s)
	if _, err := port.Read(make([]byte, 8)); err == nil || errors.Is(err, transport.ErrTimeout) {
		t.Errorf("port still open after the context ended: %v", err)
	}
}

// hidRig is a simulated HID device behind the real report transport.
func hidRig(t *testing.T, o scanner.Options) (*sim.HIDScanner, *scanner.Scanner) {
	t.Helper()
	dev := sim.NewHIDScanner()
	s, err := scanner.New(context.Background(), transport.NewReportPort(dev, "sim-hid", nil, 50*time.Millisecond), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return dev, s
}

func TestHIDKeyboardScanner(t *testing.T) {
	dev, s := hidRig(t, scanner.Options{Mode: scanner.ModeKeyboard})
	for _, c := range []string{"GKCASE:QH0001-20261125-000042-P", "Mixed-Case_Q?a=1&b=%2F"} {
		reports, err := sim.KeyboardReports(c, sim.KeyboardStyle{Rollover: true})
		if err != nil {
			t.Fatal(err)
		}
		dev.Send(reports...)
		wantCode(t, s, c)
	}
	dev.Send([]byte{0, 0, 1, 1, 1, 1, 1, 1})
	wantErr(t, s, scanner.ErrRollOver)
	dev.Unplug()
	if ev := next(t, s); !errors.Is(ev.Err, sim.ErrUnplugged) {
		t.Fatalf("after unplug: %+v", ev)
	}
	wantClosed(t, s)
}

func TestHIDPOSScanner(t *testing.T) {
	dev, s := hidRig(t, scanner.Options{Mode: scanner.ModePOS})
	code := "https://zwfw.example.gov.cn/q/QH0001-20261125-000042-P?from=receipt&lang=zh-CN"
	dev.Send(sim.POSReports("]Q1", []byte(code))...)
	ev := next(t, s)
	if ev.Err != nil || ev.Scan.Code != code || ev.Scan.Symbology != "]Q1" || ev.Scan.At.IsZero() {
		t.Fatalf("event = %+v", ev)
	}
}
