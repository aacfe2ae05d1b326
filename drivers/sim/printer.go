package sim

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"govkiosk/assets"
)

// PrinterOptions configure a simulated receipt printer.
type PrinterOptions struct {
	Dots int    // printable width: 384 (58 mm, the default) or 576 (80 mm)
	Dir  string // each job's PNG and TXT go here; "" keeps jobs in memory only
	// Paper is the roll length in dots (8 a millimetre); 0 is endless. A
	// roll that ends inside a job stops it there, as a real one does.
	Paper int
	// NearEndDots is where the near-end sensor trips; 0 is 800 (10 cm).
	NearEndDots int
	Font        []byte // CJK TrueType; nil is assets.CJKFont
}

// Job is one print job as it came out of the simulated printer.
type Job struct {
	Seq      int
	Lines    []string // the printed text lines; QR codes as "[QR] data", barcodes as "[CODE128] data"
	Complete bool     // ended with a cut
	Fault    string   // why not: "paper out", "cover open", "no cut", …
	Unknown  []string // commands skipped or not simulated (and a file that could not be written)
	Dots     int      // length of paper used
	PNG, TXT string   // the files, when PrinterOptions.Dir is set
}

// Printer is an ESC/POS receipt printer on the device end of a Line: it
// prints jobs to PNG and text files, answers DLE EOT status requests, and
// can be put out of paper, its cover opened or taken offline, after which
// it discards print data and reports the condition, as a real one does.
type Printer struct {
	line *Line
	opts PrinterOptions
	r    *renderer

	mu      sync.Mutex
	dev     deviceState
	m       *escpos
	jobs    []Job
	seq     int
	changed chan struct{} // closed and replaced when a job is added
	lastPNG string

	stop, done chan struct{}
	once       sync.Once
	err        error
}

// NewPrinter starts a printer simulator on line, serving it in a goroutine
// until Close. It fails only for a font that does not parse or an output
// directory it cannot make.
func NewPrinter(line *Line, opts PrinterOptions) (*Printer, error) {
	if opts.Font == nil {
		opts.Font = assets.CJKFont
	}
	if opts.NearEndDots <= 0 {
		opts.NearEndDots = 800
	}
	if opts.Dots <= 0 {
		opts.Dots = defaultDots
	}
	r, err := newRenderer(opts.Font)
	if err != nil {
		return nil, err
	}
	if opts.Dir != "" {
		if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("sim: printer output: %w", err)
		}
	}
	p := &Printer{line: line, opts: opts, r: r, changed: make(chan struct{}),
		stop: make(chan struct{}), done: make(chan struct{})}
	p.dev = deviceState{paperLeft: -1, nearEndDots: opts.NearEndDots}
	if opts.Paper > 0 {
		p.dev.paperLeft = opts.Paper
	}
	p.m = newESCPOS(opts.Dots, &p.dev)
	go p.serve()
	return p, nil
}

func (p *Printer) String() string {
	return fmt.Sprintf("sim.Printer{%s, %d dots}", p.line.Path, p.opts.Dots)
}

// Port is the path a driver opens to talk to this printer.
func (p *Printer) Port() string { return p.line.Path }

// serve prints what arrives on the line and answers status requests
// until Close or the line fails (then Err says why).
func (p *Printer) serve() {
	defer close(p.done)
	buf := make([]byte, 4096)
	for {
		select {
		case <-p.stop:
			return
		default:
		}
		p.line.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		n, err := p.line.Read(buf)
		if n > 0 {
			p.mu.Lock()
			p.m.write(buf[:n])
			answers, jobs := p.take()
			p.mu.Unlock()
			if len(answers) > 0 {
				if _, err := p.line.Write(answers); err != nil {
					p.fail(err)
					return
				}
			}
			p.finish(jobs)
		}
		if err != nil && !errors.Is(err, os.ErrDeadlineExceeded) {
			p.fail(err)
			return
		}
	}
}

func (p *Printer) fail(err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.stop: // closing: not an error
	default:
		p.err = fmt.Errorf("sim: printer: %w", err)
	}
}

// Err is the error that stopped the printer (the line went away), if any.
func (p *Printer) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

// Close stops the printer and waits for its goroutine. The line stays the
// caller's to close.
func (p *Printer) Close() error {
	p.once.Do(func() { close(p.stop) })
	<-p.done
	return nil
}

// take collects the machine's answers and finished jobs; p.mu is held.
func (p *Printer) take() ([]byte, []parsedJob) {
	a, j := p.m.answers, p.m.done
	p.m.answers, p.m.done = nil, nil
	return a, j
}

// finish draws finished jobs and files them.
func (p *Printer) finish(jobs []parsedJob) {
	for i := range jobs {
		pj := &jobs[i]
		p.mu.Lock()
		p.seq++
		j := Job{Seq: p.seq, Lines: pj.lines, Complete: pj.complete, Fault: pj.fault, Unknown: pj.unknown, Dots: pj.dots}
		p.mu.Unlock()
		if p.opts.Dir != "" {
			base := filepath.Join(p.opts.Dir, fmt.Sprintf("job-%04d", j.Seq))
			if err := p.writeFiles(base, pj, &j); err != nil {
				j.Unknown = append(j.Unknown, "files: "+err.Error())
			}
		}
		p.mu.Lock()
		p.jobs = append(p.jobs, j)
		if j.PNG != "" {
			p.lastPNG = j.PNG
		}
		close(p.changed)
		p.changed = make(chan struct{})
		p.mu.Unlock()
	}
}

func (p *Printer) writeFiles(base string, pj *parsedJob, j *Job) error {
	img := p.r.render(pj, p.opts.Dots)
	if err := writeAtomic(base+".png", func(f *os.File) error { return png.Encode(f, img) }); err != nil {
		return err
	}
	text := strings.Join(pj.lines, "\n") + "\n"
	if !pj.complete {
		text += "[job incomplete: " + pj.fault + "]\n"
	}
	if err := writeAtomic(base+".txt", func(f *os.File) error { _, err := f.WriteString(text); return err }); err != nil {
		return err
	}
	j.PNG, j.TXT = base+".png", base+".txt"
	return nil
}

// writeAtomic writes through a temporary file and renames it, so the demo
// panel watching LastPNG never shows half an image.
func writeAtomic(path string, write func(*os.File) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".job-*")
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	return os.Rename(f.Name(), path)
}

// Jobs returns the jobs printed so far, oldest first.
func (p *Printer) Jobs() []Job {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Job(nil), p.jobs...)
}

// LastPNG is the image of the last job printed, or "" before any (or
// without PrinterOptions.Dir). The demo panel shows it.
func (p *Printer) LastPNG() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.lastPNG
}

// WaitJobs waits until at least n jobs have printed and returns them.
func (p *Printer) WaitJobs(ctx context.Context, n int) ([]Job, error) {
	for {
		p.mu.Lock()
		if len(p.jobs) >= n {
			jobs := append([]Job(nil), p.jobs...)
			p.mu.Unlock()
			return jobs, nil
		}
		ch := p.changed
		p.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return p.Jobs(), fmt.Errorf("sim: waiting for %d jobs, have %d: %w", n, len(p.Jobs()), ctx.Err())
		}
	}
}

// Discarded is how many bytes of print data arrived while the printer was
// stopped and were thrown away.
func (p *Printer) Discarded() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.m.discarded
}

// set changes the device state; a condition that stops the printer ends
// a job in progress there, as a torn receipt.
func (p *Printer) set(change func(d *deviceState)) {
	p.mu.Lock()
	was := p.dev.stopped()
	change(&p.dev)
	if p.dev.stopped() && !was {
		p.m.interrupt()
	}
	jobs := p.m.done
	p.m.done = nil
	p.mu.Unlock()
	p.finish(jobs)
}

// SetPaperOut empties the roll (true) or loads an endless one (false).
func (p *Printer) SetPaperOut(out bool) {
	p.set(func(d *deviceState) {
		d.paperOut = out
		if out {
			d.paperLeft = 0
		} else {
			d.paperLeft = -1
		}
	})
}

// LoadPaper loads a roll of dots (8 a millimetre; 0 is endless) and clears
// paper out.
func (p *Printer) LoadPaper(dots int) {
	p.set(func(d *deviceState) {
		d.paperOut = false
		d.paperLeft = dots
		if dots <= 0 {
			d.paperLeft = -1
		}
	})
}

// SetCoverOpen opens or closes the paper cover.
func (p *Printer) SetCoverOpen(open bool) { p.set(func(d *deviceState) { d.coverOpen = open }) }

// SetOffline takes the printer offline, as a held FEED button or a
// firmware fault does.
func (p *Printer) SetOffline(off bool) { p.set(func(d *deviceState) { d.offline = off }) }

// SetCutterError jams the cutter.
func (p *Printer) SetCutterError(jam bool) { p.set(func(d *deviceState) { d.cutterError = jam }) }

// SetPaperNearEnd trips the near-end sensor: the printer still prints.
func (p *Printer) SetPaperNearEnd(near bool) { p.set(func(d *deviceState) { d.nearEnd = near }) }

// SetFeedButton holds the FEED button down (DLE EOT 2 bit 3).
func (p *Printer) SetFeedButton(held bool) { p.set(func(d *deviceState) { d.feedButton = held }) }

// ParseESCPOS runs data through the simulated printer's parser, with paper
// dots wide and endless, and returns the jobs it makes (a trailing job
// without a cut comes last, incomplete) and the bytes it would answer.
// No files are written; it is for captures, goldens and the fuzzer.
func ParseESCPOS(data []byte, dots int) ([]Job, []byte) {
	dev := deviceState{paperLeft: -1, nearEndDots: 800}
	m := newESCPOS(dots, &dev)
	m.write(data)
	m.flush()
	var jobs []Job
	for i, pj := range m.done {
		jobs = append(jobs, Job{Seq: i + 1, Lines: pj.lines, Complete: pj.complete, Fault: pj.fault, Unknown: pj.unknown, Dots: pj.dots})
	}
	return jobs, m.answers
}
