package idcard

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"govkiosk/drivers/transport"
	"govkiosk/kiosk"
)

// Options bound each command's wait for an answer.
type Options struct {
	// CommandTimeout bounds the short commands (find, select, SAM ID).
	CommandTimeout time.Duration
	// ReadTimeout bounds reading the text and photo, which takes a real
	// SAM about a second over the air.
	ReadTimeout time.Duration
	// Clock validates the ID number's birth date and the card's validity.
	Clock kiosk.Clock
}

// DefaultOptions suit a reader at 115200 baud.
var DefaultOptions = Options{CommandTimeout: time.Second, ReadTimeout: 4 * time.Second, Clock: kiosk.SystemClock{}}

// Reader drives one ID-card reader. Its methods are safe for concurrent use;
// commands are serialised, as the SAM answers one at a time.
type Reader struct {
	mu   sync.Mutex
	port transport.Port
	opts Options
	// Skipped counts bytes discarded before a preamble since the reader was
	// made: line noise a technician may want to know about.
	Skipped int
	// dirty is set when an exchange failed: the SAM may still answer it,
	// and its late answer must not be taken for the next command's (the
	// protocol has no sequence numbers). The next exchange first waits for
	// the line to stay quiet.
	dirty bool
}

// New returns a reader over port. A zero Options field takes its default.
func New(port transport.Port, opts Options) *Reader {
	if opts.CommandTimeout <= 0 {
		opts.CommandTimeout = DefaultOptions.CommandTimeout
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = DefaultOptions.ReadTimeout
	}
	if opts.Clock == nil {
		opts.Clock = DefaultOptions.Clock
	}
	return &Reader{port: port, opts: opts}
}

func (r *Reader) String() string { return "idcard(" + r.port.String() + ")" }

// Close closes the port.
func (r *Reader) Close() error { return r.port.Close() }

// Exchange sends one command and returns the data of a successful answer;
// a non-success status is a *StatusError.
func (r *Reader) Exchange(ctx context.Context, cmd [2]byte, data []byte, timeout time.Duration, ok ...byte) ([]byte, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dirty {
		limit := time.Now().Add(4 * r.opts.CommandTimeout)
		if d, has := ctx.Deadline(); has && d.Before(limit) {
			limit = d
		}
		n, err := r.settle(limit)
		r.Skipped += n
		if err != nil {
			return nil, err
		}
		r.dirty = false
	}
	deadline := time.Now().Add(timeout)
	if d, has := ctx.Deadline(); has && d.Before(deadline) {
		deadline = d
	}
	if _, err := r.port.Write(EncodeCommand(cmd, data)); err != nil {
		r.dirty = true
		return nil, fmt.Errorf("idcard: send: %w", err)
	}
	for {
		frame, skipped, err := ReadFrame(r.port, deadline)
		r.Skipped += skipped
		if err != nil {
			r.dirty = true
			return nil, err
		}
		body, err := DecodeFrame(frame)
		if err != nil {
			r.dirty = true
			return nil, err
		}
		if len(body) < 3 {
			return nil, fmt.Errorf("%w: response without status", ErrLength)
		}
		sw := [3]byte{body[0], body[1], body[2]}
		if len(ok) == 0 {
			ok = []byte{SWSuccess}
		}
		for _, s := range ok {
			if sw[2] == s {
				return body[3:], nil
			}
		}
		se := &StatusError{SW: sw, Cmd: cmd}
		if se.outOfStep() {
			// Another command's answer: one later than the settle after
			// a failed exchange. Without a settle now, every later
			// command would get its predecessor's answer, for good.
			r.dirty = true
		}
		return nil, se
	}
}

// settle discards what arrives until the line has been quiet for the
// command timeout (a late answer comes within it) or until deadline, and
// returns how many bytes it discarded.
func (r *Reader) settle(deadline time.Time) (int, error) {
	buf := make([]byte, 512)
	total := 0
	quietSince := time.Now()
	for time.Since(quietSince) < r.opts.CommandTimeout {
		if !time.Now().Before(deadline) {
			return total, fmt.Errorf("idcard: the reader keeps sending after a failed command: %w", transport.ErrTimeout)
		}
		n, err := r.port.Read(buf)
		if n > 0 {
			total += n
			quietSince = time.Now()
		}
		if err != nil && !errors.Is(err, transport.ErrTimeout) {
			return total, fmt.Errorf("idcard: %w", err)
		}
	}
	return total, nil
}

// Reset resets the SAM.
func (r *Reader) Reset(ctx context.Context) error {
	_, err := r.Exchange(ctx, CmdReset, nil, r.opts.CommandTimeout)
	return err
}

// SAMID reads the security module's serial number, formatted as the
// reader's label shows it (e.g. 05.01-20101126-0012345678-1234567890).
func (r *Reader) SAMID(ctx context.Context) (string, error) {
	d, err := r.Exchange(ctx, CmdSAMID, nil, r.opts.CommandTimeout)
	if err != nil {
		return "", err
	}
	if len(d) != 16 {
		return "", fmt.Errorf("%w: SAM ID of %d bytes", ErrLength, len(d))
	}
	le32 := func(b []byte) uint32 { return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24 }
	le16 := func(b []byte) uint16 { return uint16(b[0]) | uint16(b[1])<<8 }
	return fmt.Sprintf("%02d.%02d-%08d-%010d-%010d", le16(d[0:2]), le16(d[2:4]), le32(d[4:8]), le32(d[8:12]), le32(d[12:16])), nil
}

// Find looks for a card in the field; no card is a *StatusError whose
// NoCard() is true.
func (r *Reader) Find(ctx context.Context) error {
	_, err := r.Exchange(ctx, CmdFind, nil, r.opts.CommandTimeout, SWFound, SWSuccess)
	return err
}

// Select selects the card found.
func (r *Reader) Select(ctx context.Context) error {
	_, err := r.Exchange(ctx, CmdSelect, nil, r.opts.CommandTimeout)
	return err
}

// ReadBase reads the text block and the photo.
func (r *Reader) ReadBase(ctx context.Context) (text, photo []byte, err error) {
	d, err := r.Exchange(ctx, CmdReadBase, nil, r.opts.ReadTimeout)
	if err != nil {
		return nil, nil, err
	}
	parts, err := splitLengths(d, 2)
	if err != nil {
		return nil, nil, err
	}
	return parts[0], parts[1], nil
}

// ReadWithFingerprint reads the text block, the photo and the fingerprint
// data (cards issued with fingerprints; empty otherwise).
func (r *Reader) ReadWithFingerprint(ctx context.Context) (text, photo, finger []byte, err error) {
	d, err := r.Exchange(ctx, CmdReadFinger, nil, r.opts.ReadTimeout)
	if err != nil {
		return nil, nil, nil, err
	}
	parts, err := splitLengths(d, 3)
	if err != nil {
		return nil, nil, nil, err
	}
	return parts[0], parts[1], parts[2], nil
}

// splitLengths splits "len1 len2 … data1 data2 …" (lengths big-endian).
func splitLengths(d []byte, k int) ([][]byte, error) {
	if len(d) < 2*k {
		return nil, fmt.Errorf("%w: read answer of %d bytes", ErrLength, len(d))
	}
	out := make([][]byte, k)
	off := 2 * k
	for i := 0; i < k; i++ {
		n := int(d[2*i])<<8 | int(d[2*i+1])
		if off+n > len(d) {
			return nil, fmt.Errorf("%w: part %d of %d bytes overruns the answer", ErrLength, i, n)
		}
		out[i] = d[off : off+n]
		off += n
	}
	if off != len(d) {
		return nil, fmt.Errorf("%w: %d stray bytes after the parts", ErrLength, len(d)-off)
	}
	return out, nil
}

// InvalidCardError is a card that was read but whose data fails the rules:
// a bad identity number (which rule is in Err) or an expired card.
type InvalidCardError struct {
	Identity *kiosk.Identity // decoded, for the technician's self-test only
	Err      error
}

func (e *InvalidCardError) Error() string { return "idcard: invalid card: " + e.Err.Error() }
func (e *InvalidCardError) Unwrap() error { return e.Err }

// Message is the plain-Chinese text for a citizen.
func (e *InvalidCardError) Message() string {
	var exp kiosk.ErrCardExpired
	if errors.As(e.Err, &exp) {
		return exp.Message()
	}
	return "无法识别该证件，请使用本人有效身份证或到人工窗口办理"
}

// ReadCard finds, selects and reads the card in the field and validates it:
// the text block's structure, the identity number (GB 11643) and the card's
// validity dates. It returns the identity with its photo.
func (r *Reader) ReadCard(ctx context.Context) (*kiosk.Identity, error) {
	if err := r.Find(ctx); err != nil {
		return nil, err
	}
	if err := r.Select(ctx); err != nil {
		return nil, err
	}
	text, photo, err := r.ReadBase(ctx)
	if err != nil {
		return nil, err
	}
	id, err := DecodeText(text)
	if err != nil {
		return nil, err
	}
	id.Photo = append([]byte(nil), photo...)
	if err := id.Check(r.opts.Clock.Now()); err != nil {
		return nil, &InvalidCardError{Identity: id, Err: err}
	}
	return id, nil
}

// UserMessage is the plain-Chinese text for any error of this package.
func UserMessage(err error) string {
	var se *StatusError
	var ic *InvalidCardError
	switch {
	case errors.As(err, &se):
		return se.Message()
	case errors.As(err, &ic):
		return ic.Message()
	case errors.Is(err, ErrText):
		return "证件信息读取不完整，请重新放置身份证"
	default:
		return "读卡器暂时无法使用，请联系工作人员"
	}
}
