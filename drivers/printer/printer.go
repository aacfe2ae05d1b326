package printer

import (
	"context"
	"errors"
	"fmt"
	"time"

	"govkiosk/drivers/transport"
)

// Options configure a Printer. Zero fields take DefaultOptions' values.
type Options struct {
	Paper Paper
	// StatusTimeout bounds the wait for each status byte. A printer
	// answers DLE EOT within milliseconds; a USB-serial adapter's latency
	// timer adds up to 16 ms.
	StatusTimeout time.Duration
	// ChunkSize is how many bytes go out between two status checks while
	// a job prints, so paper running out mid-receipt is caught and
	// reported as a partial print.
	ChunkSize int
}

// DefaultOptions are the options New uses for zero fields.
var DefaultOptions = Options{Paper: Paper58, StatusTimeout: 500 * time.Millisecond, ChunkSize: 1024}

// Printer is an ESC/POS receipt printer on a port. Its methods are safe
// for concurrent use: calls are serialised, so a status poll from the
// device manager never lands inside a job's bytes. The port stays the
// caller's to close.
type Printer struct {
	port transport.Port
	opts Options
	sem  chan struct{} // a lock that a waiting caller can give up on (ctx)
	// dirty is set when an exchange failed: a late answer may still be on
	// the line, so the next one drains it first.
	dirty bool
}

// New returns a driver for the printer on port. opts may be nil.
func New(port transport.Port, opts *Options) *Printer {
	o := DefaultOptions
	if opts != nil {
		if opts.Paper.Columns > 0 {
			o.Paper = opts.Paper
		}
		if opts.StatusTimeout > 0 {
			o.StatusTimeout = opts.StatusTimeout
		}
		if opts.ChunkSize > 0 {
			o.ChunkSize = opts.ChunkSize
		}
	}
	return &Printer{port: port, opts: o, sem: make(chan struct{}, 1), dirty: true}
}

// Paper is the roll the printer was set up with.
func (p *Printer) Paper() Paper { return p.opts.Paper }

func (p *Printer) String() string { return fmt.Sprintf("Printer{%s, %s}", p.port, p.opts.Paper) }

func (p *Printer) lock(ctx context.Context) error {
	select {
	case p.sem <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Printer) unlock() { <-p.sem }

// Status asks the printer for its real-time status (DLE EOT 1, 2, 3, 4).
// Each answer is awaited at most StatusTimeout; silence is an *Error with
// FaultNoAnswer, an answer that is not a status byte one with
// FaultGarbled. A printer that answers with a fault is not an error here:
// the fault is in the Status (see Status.Fault).
func (p *Printer) Status(ctx context.Context) (Status, error) {
	if err := p.lock(ctx); err != nil {
		return Status{}, err
	}
	defer p.unlock()
	return p.status(ctx)
}

func (p *Printer) status(ctx context.Context) (Status, error) {
	st, err := p.queryStatus(ctx)
	var pe *Error
	if errors.As(err, &pe) && pe.Fault == FaultGarbled {
		// One stray byte (noise on the line, a late answer) costs one
		// retry, after the line has been drained.
		st, err = p.queryStatus(ctx)
	}
	return st, err
}

func (p *Printer) queryStatus(ctx context.Context) (Status, error) {
	if p.dirty {
		if _, err := transport.Drain(p.port, 4096); err != nil {
			return Status{}, p.ioError(err, false)
		}
		p.dirty = false
	}
	var st Status
	for n := byte(1); n <= 4; n++ {
		if _, err := p.port.Write(cmdStatus(n)); err != nil {
			p.dirty = true
			return Status{}, p.ioError(err, false)
		}
		b, err := p.readAnswer(ctx)
		if err != nil {
			p.dirty = true
			if errors.Is(err, transport.ErrTimeout) {
				return Status{}, &Error{Fault: FaultNoAnswer, Port: p.port.String(),
					Detail: fmt.Sprintf("no answer to DLE EOT %d within %v", n, p.opts.StatusTimeout)}
			}
			if ctx.Err() != nil {
				return Status{}, err
			}
			return Status{}, p.ioError(err, false)
		}
		part, err := DecodeStatus(n, b)
		if err != nil {
			p.dirty = true
			return Status{}, &Error{Fault: FaultGarbled, Port: p.port.String(), Err: err}
		}
		st.merge(part)
	}
	return st, nil
}

// XON and XOFF: a printer set to software flow control sends them
// unasked. Neither is a valid status byte (bit 0 is on), so they are
// skipped while waiting for an answer.
const (
	xon  = 0x11
	xoff = 0x13
)

// readAnswer waits for one status byte until StatusTimeout or ctx ends.
// The port's own read timeout (100 ms by default) is the granularity.
func (p *Printer) readAnswer(ctx context.Context) (byte, error) {
	deadline := time.Now().Add(p.opts.StatusTimeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	var buf [1]byte
	for {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		n, err := p.port.Read(buf[:])
		switch {
		case n == 1 && buf[0] != xon && buf[0] != xoff:
			return buf[0], nil
		case err == nil || n == 1:
		case errors.Is(err, transport.ErrTimeout):
			if !time.Now().Before(deadline) {
				if ctx.Err() != nil {
					return 0, ctx.Err()
				}
				return 0, transport.ErrTimeout
			}
		default:
			return 0, err
		}
	}
}

func (p *Printer) ioError(err error, partial bool) error {
	return &Error{Fault: FaultIO, Port: p.port.String(), Partial: partial, Err: err}
}

// Print prints doc. It checks the status first and prints nothing when
// the printer is faulted (an *Error: errors.Is(err, ErrPaperOut), …;
// Message() says it in Chinese for the citizen). It sends the job in
// chunks of about ChunkSize bytes, split only between whole commands, and
// checks the status after each: a fault during the job stops sending and
// returns an *Error with Partial set. A document that cannot print on
// this paper returns an error wrapping ErrDocument before anything is
// sent.
//
// DLE EOT is answered in real time, ahead of data still in the printer's
// buffer; so the last check sees the printer as the job's tail is being
// printed, and a roll that ends after it is caught by the next job's
// first check.
func (p *Printer) Print(ctx context.Context, doc *Document) error {
	var e encoder
	data, err := e.encode(doc, p.opts.Paper)
	if err != nil {
		return err
	}
	if err := p.lock(ctx); err != nil {
		return err
	}
	defer p.unlock()
	if err := p.checkReady(ctx, false); err != nil {
		return err
	}
	for sent := 0; sent < len(data); {
		end := nextSplit(e.splits, sent, p.opts.ChunkSize, len(data))
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("printer %s: job stopped after %d of %d bytes: %w", p.port, sent, len(data), err)
		}
		if _, err := p.port.Write(data[sent:end]); err != nil {
			p.dirty = true
			return p.ioError(err, sent > 0)
		}
		sent = end
		if err := p.checkReady(ctx, true); err != nil {
			return err
		}
	}
	return nil
}

// checkReady turns a faulted status into an *Error.
func (p *Printer) checkReady(ctx context.Context, partial bool) error {
	st, err := p.status(ctx)
	if err != nil {
		var pe *Error
		if errors.As(err, &pe) {
			pe.Partial = partial
		}
		return err
	}
	if f := st.Fault(); f != "" {
		return &Error{Fault: f, Port: p.port.String(), Status: &st, Partial: partial, Detail: st.String()}
	}
	return nil
}

// nextSplit returns the end of the chunk that starts at from: the last
// split point within size bytes, or the first one past it when a single
// command (a QR code's data) is longer than size.
func nextSplit(splits []int, from, size, total int) int {
	end := -1
	for _, s := range splits {
		if s <= from {
			continue
		}
		if s-from > size && end != -1 {
			break
		}
		end = s
		if s-from >= size {
			break
		}
	}
	if end == -1 {
		return total
	}
	return end
}
