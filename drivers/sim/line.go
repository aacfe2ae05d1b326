// Package sim has simulators for every device the kiosk drives. Each speaks
// the exact bytes of the real device on a pseudo-terminal, paced at the
// configured baud rate as a real UART would be, so drivers, kioskctl and the
// demo run against them unchanged.
package sim

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// Line is the device end of a simulated serial line: a pseudo-terminal
// whose other end (Path) a driver opens as a serial port.
type Line struct {
	Path string // /dev/pts/N: what the driver opens
	Baud int    // pacing; 0 delivers instantly

	master *os.File
	slave  *os.File // kept open so the master never reads EIO between driver opens
	wmu    sync.Mutex
	closed chan struct{}
	once   sync.Once
}

// NewLine opens a pseudo-terminal in raw mode (no echo, no CR/LF
// translation: the bytes are binary frames).
func NewLine(baud int) (*Line, error) {
	master, slave, err := pty.Open()
	if err != nil {
		return nil, fmt.Errorf("sim: open pty: %w", err)
	}
	if _, err := term.MakeRaw(int(slave.Fd())); err != nil {
		master.Close()
		slave.Close()
		return nil, fmt.Errorf("sim: raw pty: %w", err)
	}
	// The master comes back in blocking mode, outside Go's poller, so read
	// deadlines would not work and a Read could never be interrupted. A
	// non-blocking duplicate is registered with the poller by os.NewFile.
	fd, err := unix.Dup(int(master.Fd()))
	if err == nil {
		err = unix.SetNonblock(fd, true)
	}
	master.Close()
	if err != nil {
		slave.Close()
		return nil, fmt.Errorf("sim: pty master: %w", err)
	}
	master = os.NewFile(uintptr(fd), "ptmx")
	return &Line{Path: slave.Name(), Baud: baud, master: master, slave: slave, closed: make(chan struct{})}, nil
}

// ByteTime is how long one byte takes on the wire: 10 bits (start, 8 data,
// stop) at the line's baud rate.
func ByteTime(baud int) time.Duration {
	if baud <= 0 {
		return 0
	}
	return time.Duration(10 * int64(time.Second) / int64(baud))
}

// Write sends p to the driver paced at the baud rate: a pty alone delivers
// instantly, which would hide timing bugs a real UART exposes.
func (l *Line) Write(p []byte) (int, error) {
	l.wmu.Lock()
	defer l.wmu.Unlock()
	if l.Baud <= 0 {
		return l.master.Write(p)
	}
	start := time.Now()
	bt := ByteTime(l.Baud)
	const chunk = 16
	for i := 0; i < len(p); i += chunk {
		j := min(i+chunk, len(p))
		// A byte arrives when its stop bit has gone by: wait, then deliver.
		if wait := time.Until(start.Add(time.Duration(j) * bt)); wait > 0 {
			select {
			case <-time.After(wait):
			case <-l.closed:
				return i, os.ErrClosed
			}
		}
		if _, err := l.master.Write(p[i:j]); err != nil {
			return i, err
		}
	}
	return len(p), nil
}

// Read reads what the driver wrote.
func (l *Line) Read(p []byte) (int, error) { return l.master.Read(p) }

// SetReadDeadline bounds the next Read.
func (l *Line) SetReadDeadline(t time.Time) error { return l.master.SetReadDeadline(t) }

// Close closes both ends; a driver reading the line then gets an error, as
// when a USB-serial adapter is pulled.
func (l *Line) Close() error {
	l.once.Do(func() { close(l.closed) })
	return errors.Join(l.master.Close(), l.slave.Close())
}
