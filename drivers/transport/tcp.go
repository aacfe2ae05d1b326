package transport

import (
	"errors"
	"fmt"
	"net"
	"os"
	"time"
)

// tcpPort is a raw TCP connection, as to a network receipt printer on port
// 9100 (the "JetDirect"/raw port every ESC/POS network printer opens).
type tcpPort struct {
	conn    net.Conn
	addr    string
	timeout time.Duration
}

// DialTCP connects to addr (host:port) within dialTimeout.
func DialTCP(addr string, dialTimeout, readTimeout time.Duration) (Port, error) {
	if readTimeout <= 0 {
		readTimeout = DefaultReadTimeout
	}
	c, err := net.DialTimeout("tcp", addr, dialTimeout)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	return &tcpPort{conn: c, addr: addr, timeout: readTimeout}, nil
}

func (t *tcpPort) Read(b []byte) (int, error) {
	t.conn.SetReadDeadline(time.Now().Add(t.timeout))
	n, err := t.conn.Read(b)
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		if n > 0 {
			return n, nil
		}
		return 0, ErrTimeout
	case errors.Is(err, net.ErrClosed):
		return n, ErrClosed
	}
	return n, fmt.Errorf("%s: %w", t, err)
}

func (t *tcpPort) Write(b []byte) (int, error) {
	// A printer that stopped reading must not block the kiosk forever.
	t.conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	n, err := t.conn.Write(b)
	if errors.Is(err, net.ErrClosed) {
		return n, ErrClosed
	}
	if err != nil {
		return n, fmt.Errorf("%s: %w", t, err)
	}
	return n, nil
}

func (t *tcpPort) Close() error {
	err := t.conn.Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

func (t *tcpPort) String() string { return "tcp(" + t.addr + ")" }
