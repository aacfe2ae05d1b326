package printer

import (
	"fmt"
	"strings"
)

// Status is the printer's real-time status, decoded from the answers to
// DLE EOT 1-4. Every field is a fault or a warning, so the zero Status is a
// printer that is online with paper and the cover shut.
type Status struct {
	Offline              bool `json:"offline"`                // DLE EOT 1 bit 3
	CoverOpen            bool `json:"cover_open"`             // DLE EOT 2 bit 2
	FeedButton           bool `json:"feed_button"`            // DLE EOT 2 bit 3: paper being fed by the FEED button
	PaperEndStop         bool `json:"paper_end_stop"`         // DLE EOT 2 bit 5: printing stopped at paper end
	Error                bool `json:"error"`                  // DLE EOT 2 bit 6
	CutterError          bool `json:"cutter_error"`           // DLE EOT 3 bit 3: recoverable with DLE ENQ once cleared
	UnrecoverableError   bool `json:"unrecoverable_error"`    // DLE EOT 3 bit 5: needs service
	AutoRecoverableError bool `json:"auto_recoverable_error"` // DLE EOT 3 bit 6: head too hot; clears by itself
	PaperNearEnd         bool `json:"paper_near_end"`         // DLE EOT 4 bits 2-3
	PaperEnd             bool `json:"paper_end"`              // DLE EOT 4 bits 5-6
}

// Every status byte has bit 1 and bit 4 on and bits 0 and 7 off ("Not
// used. Fixed to On/Off" in each of the four tables of DLE EOT in Epson's
// reference, and in the Bixolon SRP-350, Citizen CT-S2000 and CBM1000
// manuals). A byte that breaks them is line noise, a wrong baud rate or
// another device: it is rejected, never read as a status.
const (
	statusFixedMask = 0x93
	statusFixedBits = 0x12
)

// StatusByteError is an answer that is not a valid status byte.
type StatusByteError struct {
	N, B byte
}

func (e *StatusByteError) Error() string {
	if e.N < 1 || e.N > 4 {
		return fmt.Sprintf("printer: DLE EOT %d is not a status request (want 1-4)", e.N)
	}
	return fmt.Sprintf("printer: answer %#02x to DLE EOT %d is not a status byte (fixed bits %08b, want xxx1xx10 with bit 7 off)", e.B, e.N, e.B&statusFixedMask)
}

// DecodeStatus decodes b, the answer to DLE EOT n, into the fields that
// request reports (the others stay false). It returns a *StatusByteError
// for an n outside 1-4 or a byte whose fixed bits are wrong.
//
// Bits from Epson's DLE EOT reference:
//
//	n = 1 printer status:   bit 3 offline
//	n = 2 offline cause:    bit 2 cover open, bit 3 FEED button, bit 5 stopped at paper end, bit 6 error
//	n = 3 error cause:      bit 3 autocutter error, bit 5 unrecoverable, bit 6 auto-recoverable
//	n = 4 roll paper sensor: bits 2-3 near end, bits 5-6 paper end
//
// For n = 4 Epson sets both bits of a pair together; Citizen printers
// report one bit per sensor, so either bit of a pair counts.
func DecodeStatus(n, b byte) (Status, error) {
	if n < 1 || n > 4 || b&statusFixedMask != statusFixedBits {
		return Status{}, &StatusByteError{N: n, B: b}
	}
	var s Status
	switch n {
	case 1:
		s.Offline = b&0x08 != 0
	case 2:
		s.CoverOpen = b&0x04 != 0
		s.FeedButton = b&0x08 != 0
		s.PaperEndStop = b&0x20 != 0
		s.Error = b&0x40 != 0
	case 3:
		s.CutterError = b&0x08 != 0
		s.UnrecoverableError = b&0x20 != 0
		s.AutoRecoverableError = b&0x40 != 0
	case 4:
		s.PaperNearEnd = b&0x0c != 0
		s.PaperEnd = b&0x60 != 0
	}
	return s, nil
}

// merge ORs o into s.
func (s *Status) merge(o Status) {
	s.Offline = s.Offline || o.Offline
	s.CoverOpen = s.CoverOpen || o.CoverOpen
	s.FeedButton = s.FeedButton || o.FeedButton
	s.PaperEndStop = s.PaperEndStop || o.PaperEndStop
	s.Error = s.Error || o.Error
	s.CutterError = s.CutterError || o.CutterError
	s.UnrecoverableError = s.UnrecoverableError || o.UnrecoverableError
	s.AutoRecoverableError = s.AutoRecoverableError || o.AutoRecoverableError
	s.PaperNearEnd = s.PaperNearEnd || o.PaperNearEnd
	s.PaperEnd = s.PaperEnd || o.PaperEnd
}

// Fault is what stops the printer, or "" when it can print. An open cover
// comes first: with the cover up the paper sensor sees no paper either.
func (s Status) Fault() Fault {
	switch {
	case s.CoverOpen:
		return FaultCoverOpen
	case s.PaperEnd || s.PaperEndStop:
		return FaultPaperOut
	case s.CutterError || s.UnrecoverableError || s.AutoRecoverableError || s.Error:
		return FaultError
	case s.Offline:
		return FaultOffline
	}
	return ""
}

// Ready reports whether the printer can print now.
func (s Status) Ready() bool { return s.Fault() == "" }

// Health is the device-manager level: "ok", "warning" (paper near end:
// prints, but the roll needs changing soon) or "failed".
func (s Status) Health() string {
	switch {
	case !s.Ready():
		return "failed"
	case s.PaperNearEnd:
		return "warning"
	}
	return "ok"
}

// String lists the conditions for logs: "online, ready" or
// "offline, cover open, paper end".
func (s Status) String() string {
	var parts []string
	if s.Offline {
		parts = append(parts, "offline")
	} else {
		parts = append(parts, "online")
	}
	for _, c := range []struct {
		on   bool
		name string
	}{
		{s.CoverOpen, "cover open"}, {s.FeedButton, "feed button pressed"},
		{s.PaperEnd, "paper end"}, {s.PaperEndStop && !s.PaperEnd, "stopped at paper end"},
		{s.PaperNearEnd && !s.PaperEnd, "paper near end"}, {s.CutterError, "cutter error"},
		{s.UnrecoverableError, "unrecoverable error"}, {s.AutoRecoverableError, "auto-recoverable error (head hot?)"},
		{s.Error && !s.CutterError && !s.UnrecoverableError && !s.AutoRecoverableError, "error"},
	} {
		if c.on {
			parts = append(parts, c.name)
		}
	}
	if len(parts) == 1 && !s.Offline {
		parts = append(parts, "ready")
	}
	return strings.Join(parts, ", ")
}
