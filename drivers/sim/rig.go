package sim

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// Rig is a full set of simulated kiosk devices on pseudo-terminals, with
// stable links in Dir (idcard, printer, scanner) as udev's by-id links give
// real ones. devsim, the kiosk's demo mode, the end-to-end tests and the
// soak all use it.
type Rig struct {
	Dir     string
	IDCard  *IDCardReader
	Scanner *SerialScanner
	Printer *Printer

	lines []*Line
	wg    sync.WaitGroup
	stop  context.CancelFunc
}

// RigOptions configure a rig.
type RigOptions struct {
	Baud        int    // ID-card reader and printer lines (an 80 mm printer); default 115200
	ScannerBaud int    // default 9600
	PrintDir    string // where the printer writes job PNGs and text; default Dir/prints
}

// NewRig makes the devices and their links in dir, and starts serving.
func NewRig(dir string, opts RigOptions) (*Rig, error) {
	if opts.Baud == 0 {
		opts.Baud = 115200
	}
	if opts.ScannerBaud == 0 {
		opts.ScannerBaud = 9600
	}
	if opts.PrintDir == "" {
		opts.PrintDir = filepath.Join(dir, "prints")
	}
	if err := os.MkdirAll(opts.PrintDir, 0o755); err != nil {
		return nil, err
	}
	r := &Rig{Dir: dir}
	fail := func(err error) (*Rig, error) { r.Close(); return nil, err }
	idLine, err := NewLine(opts.Baud)
	if err != nil {
		return fail(err)
	}
	r.lines = append(r.lines, idLine)
	r.IDCard = NewIDCardReader(idLine)
	if r.Scanner, err = NewSerialScanner(opts.ScannerBaud); err != nil {
		return fail(err)
	}
	r.lines = append(r.lines, r.Scanner.Line)
	prLine, err := NewLine(opts.Baud)
	if err != nil {
		return fail(err)
	}
	r.lines = append(r.lines, prLine)
	if r.Printer, err = NewPrinter(prLine, PrinterOptions{Dots: 576, Dir: opts.PrintDir}); err != nil {
		return fail(err)
	}
	for name, line := range map[string]*Line{"idcard": idLine, "scanner": r.Scanner.Line, "printer": prLine} {
		link := filepath.Join(dir, name)
		os.Remove(link)
		if err := os.Symlink(line.Path, link); err != nil {
			return fail(fmt.Errorf("sim: link %s: %w", link, err))
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.stop = cancel
	r.wg.Add(1)
	go func() { defer r.wg.Done(); r.IDCard.Serve(ctx) }()
	return r, nil
}

// Path is the stable link of a device: idcard, printer or scanner.
func (r *Rig) Path(device string) string { return filepath.Join(r.Dir, device) }

// Close stops the simulators and closes their lines.
func (r *Rig) Close() error {
	if r.stop != nil {
		r.stop()
	}
	r.wg.Wait()
	var errs []error
	if r.Printer != nil {
		errs = append(errs, r.Printer.Close())
	}
	for _, l := range r.lines {
		errs = append(errs, l.Close())
	}
	for _, name := range []string{"idcard", "printer", "scanner"} {
		os.Remove(filepath.Join(r.Dir, name))
	}
	return errors.Join(errs...)
}
