// Package transporttest has fakes of transport.Port for driver tests:
// Playback replays recorded device traffic, as periph.io's i2ctest does.
package transporttest

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sync"

	"govkiosk/drivers/transport"
)

// IO is one exchange: what the driver must write, and what the device
// answers. Either may be empty (a device that speaks first, or one that
// stays silent).
type IO struct {
	W []byte
	R []byte
}

// Playback is a Port that checks the driver writes exactly the recorded
// bytes and answers with the recorded replies. Reads with nothing left to
// answer time out, as a quiet line does. Close reports recorded exchanges
// that never happened.
type Playback struct {
	Ops []IO

	mu      sync.Mutex
	pending []byte // answer bytes not yet read
	written []byte // bytes written towards the current op's W
	err     error
}

var _ transport.Port = (*Playback)(nil)

func (p *Playback) Write(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.Ops) == 0 {
		p.err = fmt.Errorf("playback: unexpected write % x", b)
		return 0, p.err
	}
	p.written = append(p.written, b...)
	want := p.Ops[0].W
	if !bytes.HasPrefix(want, p.written) {
		p.err = fmt.Errorf("playback: wrote % x, want % x", p.written, want)
		return 0, p.err
	}
	if len(p.written) == len(want) {
		p.pending = append(p.pending, p.Ops[0].R...)
		p.Ops, p.written = p.Ops[1:], nil
	}
	return len(b), nil
}

func (p *Playback) Read(b []byte) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.pending) == 0 && len(p.Ops) > 0 && len(p.Ops[0].W) == 0 {
		p.pending, p.Ops = p.Ops[0].R, p.Ops[1:]
	}
	if len(p.pending) == 0 {
		return 0, transport.ErrTimeout
	}
	n := copy(b, p.pending)
	p.pending = p.pending[n:]
	return n, nil
}

// Close fails if an exchange was left over or a write went wrong.
func (p *Playback) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return p.err
	}
	if len(p.Ops) > 0 {
		return fmt.Errorf("playback: %d recorded exchange(s) never happened, next writes % x", len(p.Ops), p.Ops[0].W)
	}
	return nil
}

func (p *Playback) String() string { return fmt.Sprintf("playback(%d)", len(p.Ops)) }

// Recording is the JSON form of recorded traffic kept in testdata/: hex
// strings so a reviewer can read the frames.
type Recording struct {
	Note string `json:"note"`
	Ops  []struct {
		W string `json:"w"`
		R string `json:"r"`
	} `json:"ops"`
}

// Load reads a recording file into a Playback.
func Load(path string) (*Playback, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rec Recording
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	p := &Playback{}
	for i, op := range rec.Ops {
		w, err1 := hex.DecodeString(op.W)
		r, err2 := hex.DecodeString(op.R)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("%s: op %d: bad hex", path, i)
		}
		p.Ops = append(p.Ops, IO{W: w, R: r})
	}
	return p, nil
}

// Save writes ops as a recording file.
func Save(path, note string, ops []IO) error {
	rec := Recording{Note: note}
	for _, op := range ops {
		rec.Ops = append(rec.Ops, struct {
			W string `json:"w"`
			R string `json:"r"`
		}{hex.EncodeToString(op.W), hex.EncodeToString(op.R)})
	}
	data, err := json.MarshalIndent(rec, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(data, '\n'), 0o644)
}

// Recorder wraps a real Port and records its traffic as exchanges: each
// write starts a new exchange and the reads after it are its answer.
type Recorder struct {
	transport.Port
	mu  sync.Mutex
	Ops []IO
}

func (r *Recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	r.Ops = append(r.Ops, IO{W: append([]byte(nil), b...)})
	r.mu.Unlock()
	return r.Port.Write(b)
}

func (r *Recorder) Read(b []byte) (int, error) {
	n, err := r.Port.Read(b)
	if n > 0 {
		r.mu.Lock()
		if len(r.Ops) == 0 {
			r.Ops = append(r.Ops, IO{})
		}
		last := &r.Ops[len(r.Ops)-1]
		last.R = append(last.R, b[:n]...)
		r.mu.Unlock()
	}
	return n, err
}
