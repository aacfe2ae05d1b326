package printer_test

import (
	"errors"
	"testing"

	"govkiosk/drivers/printer"
)

// Answers as the manuals' bit tables give them (Epson DLE EOT; Bixolon
// SRP-350; Citizen CT-S2000): 0x12 is "all clear" for every n.
func TestDecodeStatus(t *testing.T) {
	tests := []struct {
		name string
		n, b byte
		want printer.Status
	}{
		{"online", 1, 0x12, printer.Status{}},
		{"offline", 1, 0x1a, printer.Status{Offline: true}},
		{"drawer pin high means nothing to a kiosk", 1, 0x16, printer.Status{}},
		{"cover open", 2, 0x16, printer.Status{CoverOpen: true}},
		{"FEED button held", 2, 0x1a, printer.Status{FeedButton: true}},
		{"stopped at paper end", 2, 0x32, printer.Status{PaperEndStop: true}},
		{"error", 2, 0x52, printer.Status{Error: true}},
		{"cover open, paper end stop and error together", 2, 0x76, printer.Status{CoverOpen: true, PaperEndStop: true, Error: true}},
		{"autocutter error", 3, 0x1a, printer.Status{CutterError: true}},
		{"unrecoverable error", 3, 0x32, printer.Status{UnrecoverableError: true}},
		{"head overheated", 3, 0x52, printer.Status{AutoRecoverableError: true}},
		{"paper adequate", 4, 0x12, printer.Status{}},
		{"paper near end (Epson sets bits 2 and 3)", 4, 0x1e, printer.Status{PaperNearEnd: true}},
		{"paper near end (Citizen: one sensor, one bit)", 4, 0x16, printer.Status{PaperNearEnd: true}},
		{"paper end", 4, 0x72, printer.Status{PaperEnd: true}},
		{"paper end without near end", 4, 0x52, printer.Status{PaperEnd: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := printer.DecodeStatus(tt.n, tt.b)
			if err != nil || got != tt.want {
				t.Errorf("DecodeStatus(%d, %#02x) = %+v, %v; want %+v", tt.n, tt.b, got, err, tt.want)
			}
		})
	}
}

// Bytes that break the fixed bits (1 and 4 on, 0 and 7 off) are noise, a
// wrong baud rate or an XON/XOFF, never a status.
func TestDecodeStatusRejectsGarbage(t *testing.T) {
	tests := []struct {
		name string
		n, b byte
	}{
		{"zero byte", 1, 0x00},
		{"all ones", 2, 0xff},
		{"bit 0 on", 3, 0x13},
		{"bit 1 off", 4, 0x10},
		{"bit 4 off", 1, 0x02},
		{"bit 7 on", 2, 0x92},
		{"XON", 1, 0x11},
		{"XOFF", 1, 0x13},
		{"n = 0 is no request", 0, 0x12},
		{"n = 5 is no request we send", 5, 0x12},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := printer.DecodeStatus(tt.n, tt.b)
			var se *printer.StatusByteError
			if !errors.As(err, &se) {
				t.Errorf("DecodeStatus(%d, %#02x) = %v, want a *StatusByteError", tt.n, tt.b, err)
			}
		})
	}
}

func TestStatusFault(t *testing.T) {
	tests := []struct {
		name   string
		s      printer.Status
		fault  printer.Fault
		health string
	}{
		{"ready", printer.Status{}, "", "ok"},
		{"near end still prints", printer.Status{PaperNearEnd: true}, "", "warning"},
		{"FEED button alone still prints", printer.Status{FeedButton: true}, "", "ok"},
		{"paper end", printer.Status{Offline: true, PaperEnd: true, PaperEndStop: true, PaperNearEnd: true}, printer.FaultPaperOut, "failed"},
		{"an open cover hides the paper: cover first", printer.Status{Offline: true, CoverOpen: true, PaperEnd: true}, printer.FaultCoverOpen, "failed"},
		{"cutter jam", printer.Status{Offline: true, Error: true, CutterError: true}, printer.FaultError, "failed"},
		{"offline with no cause given", printer.Status{Offline: true}, printer.FaultOffline, "failed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f := tt.s.Fault(); f != tt.fault {
				t.Errorf("Fault() = %q, want %q", f, tt.fault)
			}
			if h := tt.s.Health(); h != tt.health {
				t.Errorf("Health() = %q, want %q", h, tt.health)
			}
		})
	}
}

func TestStatusString(t *testing.T) {
	tests := []struct {
		s    printer.Status
		want string
	}{
		{printer.Status{}, "online, ready"},
		{printer.Status{PaperNearEnd: true}, "online, paper near end"},
		{printer.Status{Offline: true, CoverOpen: true}, "offline, cover open"},
		{printer.Status{Offline: true, PaperEnd: true, PaperEndStop: true, PaperNearEnd: true}, "offline, paper end"},
	}
	for _, tt := range tests {
		if got := tt.s.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.s, got, tt.want)
		}
	}
}

func TestErrorSpeaksToCitizensAndTechnicians(t *testing.T) {
	err := error(&printer.Error{Fault: printer.FaultPaperOut, Port: "serial(/dev/ttyUSB0@9600)", Detail: "offline, paper end"})
	var pe *printer.Error
	if !errors.As(err, &pe) || !errors.Is(err, printer.ErrPaperOut) || errors.Is(err, printer.ErrCoverOpen) {
		t.Fatalf("errors.Is/As do not see the fault of %v", err)
	}
	if pe.Message() != "打印机缺纸，请联系工作人员" {
		t.Errorf("Message() = %q", pe.Message())
	}
	if want := "printer serial(/dev/ttyUSB0@9600): paper out: offline, paper end; load a new roll"; !startsWith(err.Error(), want) {
		t.Errorf("Error() = %q, want it to start %q", err.Error(), want)
	}
	partial := &printer.Error{Fault: printer.FaultCoverOpen, Partial: true}
	if partial.Message() != "凭条未打印完整。打印机纸仓盖未关好，请联系工作人员补打" {
		t.Errorf("partial Message() = %q", partial.Message())
	}
}

func startsWith(s, p string) bool { return len(s) >= len(p) && s[:len(p)] == p }

// FuzzDecodeStatus: every byte is either rejected with a
// *StatusByteError or decoded, and decoded only when its fixed bits are
// right; a decoded status sets only fields its request reports.
func FuzzDecodeStatus(f *testing.F) {
	for _, seed := range [][2]byte{{1, 0x12}, {1, 0x1a}, {2, 0x76}, {3, 0x7a}, {4, 0x7e}, {4, 0x16}, {1, 0x11}, {0, 0}, {9, 0xff}} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, n, b byte) {
		s, err := printer.DecodeStatus(n, b)
		valid := n >= 1 && n <= 4 && b&0x93 == 0x12
		if err != nil {
			var se *printer.StatusByteError
			if !errors.As(err, &se) || se.N != n || se.B != b {
				t.Fatalf("DecodeStatus(%d, %#x): untyped error %v", n, b, err)
			}
			if valid {
				t.Fatalf("DecodeStatus(%d, %#x) rejected a valid byte: %v", n, b, err)
			}
			if s != (printer.Status{}) {
				t.Fatalf("DecodeStatus(%d, %#x) returned %+v with its error", n, b, s)
			}
			return
		}
		if !valid {
			t.Fatalf("DecodeStatus(%d, %#x) accepted a byte with wrong fixed bits: %+v", n, b, s)
		}
		owned := map[byte]printer.Status{
			1: {Offline: s.Offline},
			2: {CoverOpen: s.CoverOpen, FeedButton: s.FeedButton, PaperEndStop: s.PaperEndStop, Error: s.Error},
			3: {CutterError: s.CutterError, UnrecoverableError: s.UnrecoverableError, AutoRecoverableError: s.AutoRecoverableError},
			4: {PaperNearEnd: s.PaperNearEnd, PaperEnd: s.PaperEnd},
		}
		if s != owned[n] {
			t.Fatalf("DecodeStatus(%d, %#x) = %+v sets fields DLE EOT %d does not report", n, b, s, n)
		}
		meaningful := map[byte]byte{1: 0x08, 2: 0x6c, 3: 0x68, 4: 0x6c}[n]
		if (s == printer.Status{}) != (b&meaningful == 0) {
			t.Fatalf("DecodeStatus(%d, %#x) = %+v: a status bit was lost or invented", n, b, s)
		}
	})
}
