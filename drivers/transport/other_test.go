package transport_test

import (
	"bytes"
	"errors"
	"io"
	"net"
	"sync"
	"testing"
	"time"

	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
)

// A network printer's raw port (9100): reads time out, writes go through,
// and a peer that goes away is an error.
func TestTCPPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	got := make(chan []byte, 1)
	var peer net.Conn
	var mu sync.Mutex
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		mu.Lock()
		peer = c
		mu.Unlock()
		buf := make([]byte, 3)
		io.ReadFull(c, buf)
		got <- buf
		c.Write([]byte{0x12})
	}()
	p, err := transport.Open("tcp:"+ln.Addr().String(), 0, 50*time.Millisecond, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if _, err := p.Write([]byte{0x10, 0x04, 0x01}); err != nil {
		t.Fatal(err)
	}
	if b := <-got; !bytes.Equal(b, []byte{0x10, 0x04, 0x01}) {
		t.Errorf("peer got % x", b)
	}
	buf := make([]byte, 4)
	if n, err := transport.ReadFull(p, buf[:1], time.Now().Add(time.Second)); n != 1 || err != nil || buf[0] != 0x12 {
		t.Errorf("read = %d % x %v", n, buf[:n], err)
	}
	if _, err := p.Read(buf); !errors.Is(err, transport.ErrTimeout) {
		t.Errorf("quiet line: %v", err)
	}
	mu.Lock()
	peer.Close()
	mu.Unlock()
	var rerr error
	for i := 0; i < 20; i++ {
		if _, rerr = p.Read(buf); rerr != nil && !errors.Is(rerr, transport.ErrTimeout) {
			break
		}
	}
	if rerr == nil || errors.Is(rerr, transport.ErrTimeout) {
		t.Errorf("closed peer: %v", rerr)
	}
	if _, err := transport.Open("tcp:127.0.0.1:1", 0, 0, nil); err == nil {
		t.Error("dial to a closed port succeeded")
	}
}

// A device file (as /dev/usb/lp0): reads go through the reader goroutine
// with the read timeout, and Close stops it. A pty slave stands in for the
// printer class device.
func TestFilePort(t *testing.T) {
	line, err := sim.NewLine(0)
	if err != nil {
		t.Fatal(err)
	}
	defer line.Close()
	p, err := transport.OpenFile(line.Path, 50*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 8)
	if _, err := p.Read(buf); !errors.Is(err, transport.ErrTimeout) {
		t.Errorf("quiet device: %v", err)
	}
	line.Write([]byte("ok"))
	if n, err := transport.ReadFull(p, buf[:2], time.Now().Add(time.Second)); err != nil || string(buf[:n]) != "ok" {
		t.Errorf("read = %q %v", buf[:n], err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("close: %v", err)
	}
	if _, err := p.Read(buf); !errors.Is(err, transport.ErrClosed) {
		t.Errorf("read after close: %v", err)
	}
	if _, err := transport.OpenFile("/dev/usb/lp-none", 0); err == nil {
		t.Error("opened a missing device file")
	}
}

// fakeHID is a device that reads and writes whole reports.
type fakeHID struct {
	in     chan []byte
	out    [][]byte
	closed chan struct{}
	once   sync.Once
}

func (f *fakeHID) Read(b []byte) (int, error) {
	select {
	case r := <-f.in:
		return copy(b, r), nil
	case <-f.closed:
		return 0, transport.ErrClosed
	}
}

func (f *fakeHID) Write(b []byte) (int, error) {
	f.out = append(f.out, append([]byte(nil), b...))
	return len(b), nil
}

func (f *fakeHID) Close() error { f.once.Do(func() { close(f.closed) }); return nil }

// A byte stream in fixed-size HID reports, as card readers' HID-to-UART
// bridges carry GA 467 frames: split on write, joined on read; a bad count
// is an error, not a crash; Close ends the reader goroutine.
func TestReportFraming(t *testing.T) {
	f := &transport.ReportFraming{ReportID: 0, ReportSize: 8}
	dev := &fakeHID{in: make(chan []byte, 4), closed: make(chan struct{})}
	p := transport.NewReportPort(dev, "hid(test)", f, 50*time.Millisecond)
	msg := []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22}
	if _, err := p.Write(msg); err != nil {
		t.Fatal(err)
	}
	if len(dev.out) != 2 || len(dev.out[0]) != 9 || dev.out[0][1] != 7 || dev.out[1][1] != 3 {
		t.Fatalf("reports = % x", dev.out)
	}
	var joined []byte
	for _, r := range dev.out {
		d, err := f.DecodeReport(r[1:])
		if err != nil {
			t.Fatal(err)
		}
		joined = append(joined, d...)
	}
	if !bytes.Equal(joined, msg) {
		t.Errorf("round trip % x", joined)
	}
	for _, r := range f.EncodeReports([]byte{1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		dev.in <- r[1:]
	}
	buf := make([]byte, 9)
	if n, err := transport.ReadFull(p, buf, time.Now().Add(time.Second)); err != nil || !bytes.Equal(buf[:n], []byte{1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("read % x %v", buf[:n], err)
	}
	if _, err := f.DecodeReport([]byte{200, 1, 2}); !errors.Is(err, transport.ErrReport) {
		t.Errorf("bad count: %v", err)
	}
	numbered := &transport.ReportFraming{ReportID: 2, ReportSize: 8, Numbered: true}
	if _, err := numbered.DecodeReport([]byte{3, 1, 9}); !errors.Is(err, transport.ErrReport) {
		t.Errorf("wrong report id: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
}

func TestParseHIDID(t *testing.T) {
	if v, p, err := transport.ParseHIDID("0483:5750"); err != nil || v != 0x0483 || p != 0x5750 {
		t.Errorf("ParseHIDID = %x %x %v", v, p, err)
	}
	for _, bad := range []string{"0483", "zz:11", "12345:1", ""} {
		if _, _, err := transport.ParseHIDID(bad); err == nil {
			t.Errorf("ParseHIDID(%q) accepted", bad)
		}
	}
}
