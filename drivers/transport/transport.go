// Package transport opens the byte streams that device drivers speak over:
// serial ports (github.com/tarm/serial), HID devices
// (github.com/karalabe/hid), device files (USB printer class /dev/usb/lp*)
// and raw TCP (printer port 9100). Every transport reads with a bounded wait,
// so a mute or unplugged device never hangs a driver, and each library stays
// behind the Port interface so it can be swapped without touching a driver.
package transport

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Port is an open connection to one device.
type Port interface {
	// Read reads up to len(p) bytes, waiting at most the port's read
	// timeout. It returns (0, ErrTimeout) when nothing arrived in time;
	// any other error means the connection is gone (ErrClosed after Close).
	Read(p []byte) (int, error)
	// Write writes all of p or returns an error.
	Write(p []byte) (int, error)
	// Close releases the device. It is safe to call more than once and
	// wakes a Read blocked in another goroutine.
	Close() error
	// String names the device for logs: serial(/dev/ttyUSB0@115200).
	String() string
}

var (
	// ErrTimeout is returned by Read when the read timeout passed with no data.
	ErrTimeout = errors.New("transport: read timeout")
	// ErrClosed is returned by Read and Write after Close.
	ErrClosed = errors.New("transport: port closed")
	// ErrDeviceGone is returned when the device went away (cable pulled).
	ErrDeviceGone = errors.New("transport: device gone")
)

// DefaultReadTimeout bounds each Read when an opener is given zero.
const DefaultReadTimeout = 100 * time.Millisecond

// ReadFull reads exactly len(p) bytes before deadline, looping over read
// timeouts. It returns the bytes read and ErrTimeout if the deadline passed
// first, so a driver can tell a torn frame (some bytes) from silence (none).
func ReadFull(port Port, p []byte, deadline time.Time) (int, error) {
	n := 0
	for n < len(p) {
		k, err := port.Read(p[n:])
		n += k
		switch {
		case err == nil:
		case errors.Is(err, ErrTimeout):
			if !time.Now().Before(deadline) {
				return n, ErrTimeout
			}
		default:
			return n, err
		}
	}
	return n, nil
}

// Drain discards whatever the device has already sent, up to max bytes,
// returning when the line has been quiet for one read timeout. Drivers call
// it before a command so a late answer to an earlier one cannot be taken for
// the answer to this one.
func Drain(port Port, max int) (int, error) {
	buf := make([]byte, 256)
	total := 0
	for total < max {
		n, err := port.Read(buf)
		total += n
		if errors.Is(err, ErrTimeout) {
			return total, nil
		}
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// asyncPort adapts a reader whose Read blocks without a timeout (a HID
// device, a device file) to Port: one goroutine per device reads into a
// channel, and Read waits on the channel with the read timeout. Close closes
// the device, which ends the goroutine's blocked Read.
type asyncPort struct {
	rwc     io.ReadWriteCloser
	name    string
	timeout time.Duration
	chunks  chan []byte
	errc    chan error
	done    chan struct{}
	pending []byte
	closed  chan struct{}
}

func newAsyncPort(rwc io.ReadWriteCloser, name string, timeout time.Duration, bufSize int) *asyncPort {
	if timeout <= 0 {
		timeout = DefaultReadTimeout
	}
	p := &asyncPort{rwc: rwc, name: name, timeout: timeout, chunks: make(chan []byte, 16),
		errc: make(chan error, 1), done: make(chan struct{}), closed: make(chan struct{})}
	go p.pump(bufSize)
	return p
}

func (p *asyncPort) pump(bufSize int) {
	defer close(p.done)
	for {
		buf := make([]byte, bufSize)
		n, err := p.rwc.Read(buf)
		if n > 0 {
			select {
			case p.chunks <- buf[:n]:
			case <-p.closed:
				return
			}
		}
		if err != nil {
			p.errc <- err
			return
		}
	}
}

func (p *asyncPort) Read(b []byte) (int, error) {
	select {
	case <-p.closed:
		// Checked first: after Close the reader goroutine's own error
		// ("file already closed") races the closed channel in the select.
		return 0, ErrClosed
	default:
	}
	if len(p.pending) == 0 {
		t := time.NewTimer(p.timeout)
		defer t.Stop()
		select {
		case c := <-p.chunks:
			p.pending = c
		case <-p.closed:
			return 0, ErrClosed
		case err := <-p.errc:
			p.errc <- err // keep reporting it
			select {
			case <-p.closed:
				return 0, ErrClosed
			default:
			}
			return 0, fmt.Errorf("%s: %w", p.name, err)
		case <-t.C:
			return 0, ErrTimeout
		}
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

func (p *asyncPort) Write(b []byte) (int, error) {
	select {
	case <-p.closed:
		return 0, ErrClosed
	default:
	}
	return p.rwc.Write(b)
}

// closeWait bounds how long Close waits for the reader goroutine. A device
// file that is not pollable keeps its read blocked until the device answers;
// the goroutine then ends by itself, and Close need not hang meanwhile.
const closeWait = time.Second

func (p *asyncPort) Close() error {
	select {
	case <-p.closed:
		return nil
	default:
	}
	close(p.closed)
	err := p.rwc.Close()
	select {
	case <-p.done:
	case <-time.After(closeWait):
	}
	return err
}

func (p *asyncPort) String() string { return p.name }
