package transport

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// ReportFraming carries a byte stream in fixed-size HID reports, the way
// HID-to-UART bridges in card readers do: every report is
// [report ID][count][count data bytes][zero padding], ReportSize bytes after
// the report ID.
type ReportFraming struct {
	ReportID   byte
	ReportSize int // bytes after the report ID, count byte included (e.g. 64)
	// Numbered: input reports start with the report ID (hidapi keeps it on
	// devices that use numbered reports).
	Numbered bool
}

// ErrReport is returned for an input report that breaks the framing.
var ErrReport = errors.New("hid report: bad framing")

// EncodeReports splits p into output reports.
func (f *ReportFraming) EncodeReports(p []byte) [][]byte {
	per := f.ReportSize - 1
	var out [][]byte
	for len(p) > 0 || out == nil {
		n := min(per, len(p))
		r := make([]byte, 1+f.ReportSize)
		r[0], r[1] = f.ReportID, byte(n)
		copy(r[2:], p[:n])
		out = append(out, r)
		p = p[n:]
		if n == 0 {
			break
		}
	}
	return out
}

// DecodeReport returns the data bytes of one input report.
func (f *ReportFraming) DecodeReport(r []byte) ([]byte, error) {
	if f.Numbered {
		if len(r) == 0 || r[0] != f.ReportID {
			return nil, fmt.Errorf("%w: report ID", ErrReport)
		}
		r = r[1:]
	}
	if len(r) == 0 {
		return nil, fmt.Errorf("%w: empty report", ErrReport)
	}
	n := int(r[0])
	if n > len(r)-1 || n > f.ReportSize-1 {
		return nil, fmt.Errorf("%w: count %d in a %d-byte report", ErrReport, n, len(r))
	}
	return r[1 : 1+n], nil
}

// framedRW applies a ReportFraming to a report device.
type framedRW struct {
	dev io.ReadWriteCloser
	f   *ReportFraming
	buf []byte
}

func (r *framedRW) Read(b []byte) (int, error) {
	for {
		n, err := r.dev.Read(r.buf)
		if err != nil {
			return 0, err
		}
		data, err := r.f.DecodeReport(r.buf[:n])
		if err != nil {
			return 0, err
		}
		if len(data) > 0 {
			return copy(b, data), nil // data ≤ ReportSize ≤ the pump's buffer
		}
	}
}

func (r *framedRW) Write(b []byte) (int, error) {
	for _, rep := range r.f.EncodeReports(b) {
		if _, err := r.dev.Write(rep); err != nil {
			return 0, err
		}
	}
	return len(b), nil
}

func (r *framedRW) Close() error { return r.dev.Close() }

// NewReportPort makes a Port over a device that reads whole reports, with
// framing (a byte stream) or without (one report per Read). It reads in one
// goroutine, as HID reads block; Close stops it.
func NewReportPort(dev io.ReadWriteCloser, name string, framing *ReportFraming, readTimeout time.Duration) Port {
	var rwc io.ReadWriteCloser = dev
	size := 64
	if framing != nil {
		rwc = &framedRW{dev: dev, f: framing, buf: make([]byte, framing.ReportSize+1)}
		size = framing.ReportSize + 1
	}
	return newAsyncPort(rwc, name, readTimeout, size)
}
