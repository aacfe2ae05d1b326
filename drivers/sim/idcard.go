package sim

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path"
	"sort"
	"sync"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/kiosk"
)

//go:embed testdata/cards/*.json
var cardFiles embed.FS

// Card is a fixture card the simulated reader can hold.
type Card struct {
	Name     string          `json:"-"` // file name without .json: resident-elderly, foreigner, …
	Label    string          `json:"label"`
	Identity *kiosk.Identity `json:"identity"`
	// Garbled makes the text block unreadable (as a damaged chip reads).
	Garbled bool `json:"garbled,omitempty"`
}

// Cards returns the fixture cards, sorted by name: a valid resident (and an
// elderly one), a foreigner permanent residence card, an HK/Macau/Taiwan
// residence permit, an expired card, a bad check digit and a garbled chip.
// All are fictional people.
func Cards() []Card {
	entries, _ := cardFiles.ReadDir("testdata/cards")
	var out []Card
	for _, e := range entries {
		data, err := cardFiles.ReadFile("testdata/cards/" + e.Name())
		if err != nil {
			panic(err)
		}
		var c Card
		if err := json.Unmarshal(data, &c); err != nil {
			panic(fmt.Sprintf("sim: fixture %s: %v", e.Name(), err))
		}
		c.Name = e.Name()[:len(e.Name())-len(path.Ext(e.Name()))]
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CardByName returns the fixture card with that name.
func CardByName(name string) (Card, bool) {
	for _, c := range Cards() {
		if c.Name == name {
			return c, true
		}
	}
	return Card{}, false
}

// Photo is the fixture card's 1024-byte "photo": deterministic bytes, as
// opaque as the vendor's encrypted WLT data a real SAM returns.
func (c Card) Photo() []byte {
	h := fnv.New64a()
	h.Write([]byte(c.Identity.IDNumber))
	seed := h.Sum64()
	p := make([]byte, idcard.PhotoSize)
	for i := range p {
		seed = seed*6364136223846793005 + 1442695040888963407
		p[i] = byte(seed >> 56)
	}
	copy(p, "WLT")
	return p
}

// Text is the fixture card's 256-byte text block as the SAM returns it.
func (c Card) Text() ([]byte, error) {
	b, err := idcard.EncodeText(c.Identity)
	if err != nil {
		return nil, err
	}
	if c.Garbled {
		// Unpaired surrogates in the name: what a chip read with a bad
		// antenna coupling can produce.
		b[2], b[3], b[6], b[7] = 0x00, 0xD8, 0x34, 0xDC
	}
	return b, nil
}

// IDCardFault makes the simulated reader misbehave, for tests of the
// driver's bad-input handling.
type IDCardFault int

const (
	FaultNone      IDCardFault = iota
	FaultMute                  // never answers
	FaultTorn                  // sends half of each answer, then stops
	FaultNoise                 // sends garbage before each answer
	FaultChecksum              // corrupts each answer's checksum
	FaultReadFails             // the card moves away mid-read (SW 41)
)

// IDCardReader simulates an ID-card reader's security module on a Line.
type IDCardReader struct {
	line *Line
	// Delay is the processing time per command, as a real SAM's (about
	// 0.1 s for find, 1 s for a read); zero answers at once.
	Delay time.Duration

	mu       sync.Mutex
	card     *Card
	selected bool
	fault    IDCardFault
	reads    int
}

// SetDelay changes the processing time per command while serving: a SAM
// that slows down answers after the driver has given up waiting.
func (s *IDCardReader) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Delay = d
}

// NewIDCardReader makes a reader simulator on line.
func NewIDCardReader(line *Line) *IDCardReader { return &IDCardReader{line: line} }

// Port is the path a driver opens to talk to this reader.
func (s *IDCardReader) Port() string { return s.line.Path }

// Place puts a card on the reader.
func (s *IDCardReader) Place(c Card) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.card, s.selected = &c, false
}

// Remove takes the card away.
func (s *IDCardReader) Remove() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.card, s.selected = nil, false
}

// Current is the card on the reader, or nil.
func (s *IDCardReader) Current() *Card {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.card
}

// SetFault sets how the reader misbehaves.
func (s *IDCardReader) SetFault(f IDCardFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fault = f
}

// Reads counts completed card reads.
func (s *IDCardReader) Reads() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reads
}

// SAMID is the simulated module's serial number (16 bytes).
var SAMID = []byte{5, 0, 1, 0, 0x8e, 0x3d, 0x33, 0x01, 0x15, 0xcd, 0x5b, 0x07, 0xd2, 0x02, 0x96, 0x49}

// Serve answers commands until ctx ends or the line closes.
func (s *IDCardReader) Serve(ctx context.Context) error {
	var buf []byte
	chunk := make([]byte, 512)
	for ctx.Err() == nil {
		s.line.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := s.line.Read(chunk)
		buf = append(buf, chunk[:n]...)
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			if ctx.Err() != nil {
				return nil
			}
			return err
		}
		for {
			frame, rest, ok := nextFrame(buf)
			if !ok {
				break
			}
			buf = rest
			if err := s.answer(frame); err != nil {
				return err
			}
		}
		if len(buf) > 4*idcard.MaxFrame {
			buf = buf[len(buf)-len(idcard.Preamble):] // never grow on garbage
		}
	}
	return nil
}

// nextFrame cuts the first whole frame out of buf.
func nextFrame(buf []byte) (frame, rest []byte, ok bool) {
	i := bytes.Index(buf, idcard.Preamble)
	if i < 0 || len(buf) < i+7 {
		return nil, buf, false
	}
	n := int(buf[i+5])<<8 | int(buf[i+6])
	if n < 2 || n > idcard.MaxFrame {
		return nil, buf[i+len(idcard.Preamble):], true
	}
	end := i + 7 + n
	if len(buf) < end {
		return nil, buf, false
	}
	return buf[i:end], buf[end:], true
}

func (s *IDCardReader) answer(frame []byte) error {
	s.mu.Lock()
	fault, delay := s.fault, s.Delay
	s.mu.Unlock()
	if frame == nil || fault == FaultMute {
		return nil
	}
	// The command took its wire time to arrive (the driver's write to the
	// pty was instant), then the module takes its processing time.
	time.Sleep(time.Duration(len(frame))*ByteTime(s.line.Baud) + delay)
	resp := s.respond(frame)
	switch fault {
	case FaultTorn:
		resp = resp[:len(resp)/2]
	case FaultNoise:
		resp = append([]byte{0x13, 0xAA, 0x96, 0x00, 0xAA, 0xAA}, resp...)
	case FaultChecksum:
		resp[len(resp)-1] ^= 0xFF
	}
	_, err := s.line.Write(resp)
	return err
}

func sw(code byte) [3]byte { return [3]byte{0, 0, code} }

func (s *IDCardReader) respond(frame []byte) []byte {
	body, err := idcard.DecodeFrame(frame)
	if errors.Is(err, idcard.ErrChecksum) {
		return idcard.EncodeResponse(sw(idcard.SWChecksum), nil)
	}
	if err != nil || len(body) < 2 {
		return idcard.EncodeResponse(sw(idcard.SWLength), nil)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch [2]byte{body[0], body[1]} {
	case idcard.CmdReset, idcard.CmdSAMStatus:
		s.selected = false
		return idcard.EncodeResponse(sw(idcard.SWSuccess), nil)
	case idcard.CmdSAMID:
		return idcard.EncodeResponse(sw(idcard.SWSuccess), SAMID)
	case idcard.CmdFind:
		if s.card == nil {
			return idcard.EncodeResponse(sw(idcard.SWNoCard), nil)
		}
		return idcard.EncodeResponse(sw(idcard.SWFound), []byte{0, 0, 0, 0})
	case idcard.CmdSelect:
		if s.card == nil {
			return idcard.EncodeResponse(sw(idcard.SWSelectFailed), nil)
		}
		s.selected = true
		return idcard.EncodeResponse(sw(idcard.SWSuccess), []byte{0, 0, 0, 0, 0, 0, 0, 0})
	case idcard.CmdReadBase, idcard.CmdReadFinger:
		if s.card == nil || !s.selected {
			return idcard.EncodeResponse(sw(idcard.SWReadFailed), nil)
		}
		if s.fault == FaultReadFails {
			s.selected = false
			return idcard.EncodeResponse(sw(idcard.SWReadFailed), nil)
		}
		text, err := s.card.Text()
		if err != nil {
			return idcard.EncodeResponse(sw(idcard.SWReadFailed), nil)
		}
		photo := s.card.Photo()
		s.reads++
		data := []byte{byte(len(text) >> 8), byte(len(text)), byte(len(photo) >> 8), byte(len(photo))}
		if body[1] == idcard.CmdReadFinger[1] {
			data = append(data, 0, 0) // no fingerprints on the fixtures
		}
		data = append(append(data, text...), photo...)
		return idcard.EncodeResponse(sw(idcard.SWSuccess), data)
	case idcard.CmdReadAddress:
		return idcard.EncodeResponse(sw(idcard.SWNoContent), nil)
	}
	return idcard.EncodeResponse(sw(idcard.SWCommand), nil)
}
