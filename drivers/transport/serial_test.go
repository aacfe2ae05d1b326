package transport_test

import (
	"errors"
	"testing"
	"time"

	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
)

func openPair(t *testing.T, baud int) (*sim.Line, transport.Port) {
	t.Helper()
	line, err := sim.NewLine(baud)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { line.Close() })
	port, err := transport.OpenSerial(transport.SerialConfig{Name: line.Path, Baud: 115200, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	return line, port
}

// tarm/serial reports a read timeout on Linux as (0, io.EOF); the transport
// must turn that into ErrTimeout, not end of stream.
func TestSerialTimeoutIsNotEOF(t *testing.T) {
	_, port := openPair(t, 0)
	buf := make([]byte, 8)
	start := time.Now()
	n, err := port.Read(buf)
	if n != 0 || !errors.Is(err, transport.ErrTimeout) {
		t.Fatalf("Read on a quiet line = %d, %v; want 0, ErrTimeout", n, err)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("timed-out Read took %v", time.Since(start))
	}
}

func TestSerialRoundTripOverPTY(t *testing.T) {
	line, port := openPair(t, 115200)
	if _, err := port.Write([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x0A, 0x0D}); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 7)
	line.SetReadDeadline(time.Now().Add(2 * time.Second))
	if _, err := readAll(line, got); err != nil || got[3] != 0x96 || got[6] != 0x0D {
		t.Fatalf("device got % x, %v (no raw mode?)", got, err)
	}
	if _, err := line.Write([]byte("hello\r\n")); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if n, err := transport.ReadFull(port, buf, time.Now().Add(2*time.Second)); err != nil || string(buf[:n]) != "hello\r\n" {
		t.Fatalf("driver got %q, %v", buf[:n], err)
	}
}

func readAll(l *sim.Line, p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k, err := l.Read(p[n:])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// A torn frame: ReadFull returns what came and ErrTimeout at the deadline.
func TestReadFullTornFrame(t *testing.T) {
	line, port := openPair(t, 0)
	line.Write([]byte{1, 2, 3})
	buf := make([]byte, 10)
	n, err := transport.ReadFull(port, buf, time.Now().Add(300*time.Millisecond))
	if n != 3 || !errors.Is(err, transport.ErrTimeout) {
		t.Fatalf("ReadFull = %d, %v", n, err)
	}
}

// Closing during a read returns promptly (the port was opened with a read
// timeout, so the blocked read ends within it) and later reads say closed.
func TestSerialCloseDuringRead(t *testing.T) {
	_, port := openPair(t, 0)
	done := make(chan error, 1)
	go func() {
		buf := make([]byte, 8)
		for {
			if _, err := port.Read(buf); err != nil && !errors.Is(err, transport.ErrTimeout) {
				done <- err
				return
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	port.Close()
	select {
	case err := <-done:
		if !errors.Is(err, transport.ErrClosed) {
			t.Errorf("read after close: %v", err)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("read did not return after Close")
	}
}

// Pulling the cable (the device end goes away) is an error, not a timeout.
func TestSerialDeviceGone(t *testing.T) {
	line, port := openPair(t, 0)
	line.Close()
	buf := make([]byte, 8)
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		_, err := port.Read(buf)
		if err != nil && !errors.Is(err, transport.ErrTimeout) {
			return
		}
	}
	t.Fatal("no error after the device end closed")
}

func TestPacedLineTakesWireTime(t *testing.T) {
	line, port := openPair(t, 9600)
	payload := make([]byte, 96) // 96 bytes at 9600 baud: 100 ms on the wire
	start := time.Now()
	go line.Write(payload)
	buf := make([]byte, len(payload))
	if _, err := transport.ReadFull(port, buf, time.Now().Add(3*time.Second)); err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el < 90*time.Millisecond {
		t.Errorf("96 bytes at 9600 baud arrived in %v, faster than the wire allows", el)
	}
}
