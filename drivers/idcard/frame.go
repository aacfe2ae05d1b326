// Package idcard drives second-generation ID-card readers through the
// security module (SAM) protocol of GA 467: find card, select card, read
// the text block and photo, and decode them for the resident ID card, the
// foreigner permanent residence card ('I') and the HK/Macau/Taiwan residence
// permit ('J').
//
// Frame layout (公安部身份证阅读器 SAM 模块通讯协议, as vendors publish it,
// e.g. the 东信/华视 SAM_V protocol notes):
//
//	command:  AA AA AA 96 69 | LEN(2, big-endian) | CMD | PARA | DATA… | CHK
//	response: AA AA AA 96 69 | LEN(2, big-endian) | SW1 | SW2 | SW3 | DATA… | CHK
//
// LEN counts everything after itself, CHK included. CHK is the XOR of every
// byte after the preamble (LEN included) except CHK itself. The finder
// command is therefore AA AA AA 96 69 00 03 20 01 22.
package idcard

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"govkiosk/drivers/transport"
)

// Preamble starts every frame: three sync bytes and the frame start.
var Preamble = []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69}

// MaxFrame bounds LEN: the largest answer (text, photo and fingerprints)
// is about 2.3 KB; anything larger is a corrupt length, not a frame.
const MaxFrame = 4096

// Commands (CMD, PARA).
var (
	CmdReset       = [2]byte{0x10, 0xFF}
	CmdSAMStatus   = [2]byte{0x11, 0xFF}
	CmdSAMID       = [2]byte{0x12, 0xFF}
	CmdFind        = [2]byte{0x20, 0x01}
	CmdSelect      = [2]byte{0x20, 0x02}
	CmdReadBase    = [2]byte{0x30, 0x01}
	CmdReadFinger  = [2]byte{0x30, 0x10}
	CmdReadAddress = [2]byte{0x30, 0x03}
)

// Frame errors.
var (
	ErrChecksum = errors.New("idcard: frame checksum mismatch")
	ErrLength   = errors.New("idcard: frame length out of range")
	ErrTorn     = errors.New("idcard: frame cut off")
	ErrMute     = errors.New("idcard: reader does not answer")
)

// EncodeCommand builds a command frame.
func EncodeCommand(cmd [2]byte, data []byte) []byte {
	n := 2 + len(data) + 1
	f := make([]byte, 0, len(Preamble)+2+n)
	f = append(f, Preamble...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, cmd[0], cmd[1])
	f = append(f, data...)
	return append(f, xor(f[len(Preamble):]))
}

// EncodeResponse builds a response frame (used by the simulator).
func EncodeResponse(sw [3]byte, data []byte) []byte {
	n := 3 + len(data) + 1
	f := make([]byte, 0, len(Preamble)+2+n)
	f = append(f, Preamble...)
	f = append(f, byte(n>>8), byte(n))
	f = append(f, sw[0], sw[1], sw[2])
	f = append(f, data...)
	return append(f, xor(f[len(Preamble):]))
}

func xor(b []byte) byte {
	var x byte
	for _, c := range b {
		x ^= c
	}
	return x
}

// DecodeFrame checks one complete frame (preamble included) and returns its
// body: CMD PARA DATA for a command, SW1 SW2 SW3 DATA for a response.
func DecodeFrame(f []byte) ([]byte, error) {
	if len(f) < len(Preamble)+3 || !bytes.HasPrefix(f, Preamble) {
		return nil, fmt.Errorf("%w: %d bytes", ErrTorn, len(f))
	}
	n := int(f[5])<<8 | int(f[6])
	if n < 2 || n > MaxFrame {
		return nil, fmt.Errorf("%w: %d", ErrLength, n)
	}
	if len(f) != len(Preamble)+2+n {
		return nil, fmt.Errorf("%w: LEN says %d, have %d", ErrLength, n, len(f)-len(Preamble)-2)
	}
	if got, want := f[len(f)-1], xor(f[len(Preamble):len(f)-1]); got != want {
		return nil, fmt.Errorf("%w: got %02x, want %02x", ErrChecksum, got, want)
	}
	return f[len(Preamble)+2 : len(f)-1], nil
}

// ReadFrame reads the next frame from port before deadline. Bytes before a
// preamble (line noise, the tail of an earlier answer) are skipped and
// counted. Silence gives ErrMute; a frame that stops part-way gives ErrTorn.
func ReadFrame(port transport.Port, deadline time.Time) (frame []byte, skipped int, err error) {
	var win []byte
	b := make([]byte, 1)
	got := 0
	for !bytes.HasSuffix(win, Preamble) {
		n, err := port.Read(b)
		if errors.Is(err, transport.ErrTimeout) {
			if time.Now().After(deadline) {
				if got == 0 {
					return nil, skipped, ErrMute
				}
				return nil, skipped, ErrTorn
			}
			continue
		}
		if err != nil {
			return nil, skipped, err
		}
		if n == 0 {
			continue
		}
		got++
		win = append(win, b[0])
		if len(win) > len(Preamble) {
			skipped++
			win = win[1:]
		}
	}
	head := make([]byte, 2)
	if _, err := transport.ReadFull(port, head, deadline); err != nil {
		return nil, skipped, tornOr(err)
	}
	n := int(head[0])<<8 | int(head[1])
	if n < 2 || n > MaxFrame {
		return nil, skipped, fmt.Errorf("%w: %d", ErrLength, n)
	}
	frame = make([]byte, len(Preamble)+2+n)
	copy(frame, Preamble)
	copy(frame[5:], head)
	if _, err := transport.ReadFull(port, frame[7:], deadline); err != nil {
		return nil, skipped, tornOr(err)
	}
	return frame, skipped, nil
}

func tornOr(err error) error {
	if errors.Is(err, transport.ErrTimeout) {
		return ErrTorn
	}
	return err
}
