package transport

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/tarm/serial"
)

// SerialConfig opens a serial port.
type SerialConfig struct {
	Name        string        // /dev/ttyUSB0, /dev/ttyS1, or a pseudo-terminal
	Baud        int           // 9600, 115200, …
	ReadTimeout time.Duration // per Read; DefaultReadTimeout if zero
}

// serialPort wraps github.com/tarm/serial. Two traps of that library are
// handled here: on Linux a read timeout comes back as (0, io.EOF), which we
// turn into ErrTimeout; and closing the port while a Read blocks can hang,
// so the port is always opened with a read timeout (VTIME) and Close waits
// for the current Read to return instead of racing it.
type serialPort struct {
	cfg    SerialConfig
	mu     sync.Mutex // held by Read, so Close never closes under a Read
	port   *serial.Port
	closed bool
	// instantEOF counts reads that returned (0, EOF) at once, the sign of
	// a hang-up rather than a timeout.
	instantEOF int
}

// OpenSerial opens a serial port 8N1 with the given baud rate.
func OpenSerial(cfg SerialConfig) (Port, error) {
	if cfg.Baud <= 0 {
		return nil, fmt.Errorf("serial %s: baud rate %d", cfg.Name, cfg.Baud)
	}
	if cfg.ReadTimeout <= 0 {
		cfg.ReadTimeout = DefaultReadTimeout
	}
	if cfg.ReadTimeout < 100*time.Millisecond {
		// VTIME counts tenths of a second; tarm/serial rounds anything
		// shorter down to 0, which would make Read block forever.
		cfg.ReadTimeout = 100 * time.Millisecond
	}
	p, err := serial.OpenPort(&serial.Config{Name: cfg.Name, Baud: cfg.Baud, ReadTimeout: cfg.ReadTimeout})
	if err != nil {
		return nil, fmt.Errorf("open serial %s: %w", cfg.Name, err)
	}
	return &serialPort{cfg: cfg, port: p}, nil
}

func (s *serialPort) Read(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return 0, ErrClosed
	}
	start := time.Now()
	n, err := s.port.Read(b)
	if n == 0 && errors.Is(err, io.EOF) {
		// A timeout and a hang-up (adapter pulled, pty master gone) both
		// read as (0, EOF); only a timeout takes the timeout to arrive.
		if time.Since(start) < s.cfg.ReadTimeout/4 {
			if s.instantEOF++; s.instantEOF >= 3 {
				return 0, fmt.Errorf("%s: %w", s, ErrDeviceGone)
			}
			return 0, ErrTimeout
		}
		s.instantEOF = 0
		return 0, ErrTimeout
	}
	s.instantEOF = 0
	if err != nil {
		return n, fmt.Errorf("%s: %w", s, err)
	}
	return n, nil
}

func (s *serialPort) Write(b []byte) (int, error) {
	if s.isClosed() {
		return 0, ErrClosed
	}
	n, err := s.port.Write(b)
	if err != nil {
		return n, fmt.Errorf("%s: %w", s, err)
	}
	return n, nil
}

func (s *serialPort) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

func (s *serialPort) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	return s.port.Close()
}

func (s *serialPort) String() string { return fmt.Sprintf("serial(%s@%d)", s.cfg.Name, s.cfg.Baud) }
