// Package docscan captures pages of paper materials: document scanners
// through SANE and document cameras (高拍仪, UVC) through V4L2, plus a
// camera simulator fed from image files. Every device returns the raw image
// (PNM from SANE, JPEG from a camera) for kiosk/pages to process.
//
// SANE is driven through Debian's scanimage (sane-utils) as a child process
// with a bounded time, not through a cgo binding: the Go bindings for
// libsane are unmaintained, a wedged backend (the test backend's "no
// documents" status makes scanimage hang) can be killed without taking the
// kiosk down, and scanimage's messages and exit codes are SANE's status
// codes, which map one to one onto the typed errors here.
package docscan

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Device is one scanner or camera as listed for the technician.
type Device struct {
	Name   string // what --device takes: test:0, epjitsu:libusb:001:004, /dev/video0
	Vendor string
	Model  string
	Type   string // flatbed scanner, sheetfed scanner, virtual device, camera
}

// SANE runs scanimage.
type SANE struct {
	// Bin is the scanimage binary; "" is scanimage on PATH.
	Bin string
	// Env is added to the child's environment, e.g. SANE_CONFIG_DIR.
	Env []string
	// Timeout bounds one scan (warm-up, the pass, the transfer); List
	// gets a fifth of it since backends probe the USB bus.
	Timeout time.Duration
}

// MaxImageBytes bounds what one scan may write: an A3 colour page at
// 600 dpi is about 210 MB.
const MaxImageBytes = 256 << 20

func (s *SANE) bin() string {
	if s.Bin == "" {
		return "scanimage"
	}
	return s.Bin
}

func (s *SANE) timeout() time.Duration {
	if s.Timeout <= 0 {
		return 60 * time.Second
	}
	return s.Timeout
}

// List returns the scanners SANE sees.
func (s *SANE) List(ctx context.Context) ([]Device, error) {
	ctx, cancel := context.WithTimeout(ctx, max(s.timeout()/5, 5*time.Second))
	defer cancel()
	out, err := s.run(ctx, "sane", []string{"-f", "%d\t%v\t%m\t%t%n"})
	if err != nil {
		return nil, err
	}
	var ds []Device
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Split(line, "\t")
		if len(f) != 4 || f[0] == "" {
			continue
		}
		ds = append(ds, Device{Name: f[0], Vendor: f[1], Model: f[2], Type: f[3]})
	}
	return ds, nil
}

// ScanOptions are one scan's settings.
type ScanOptions struct {
	Resolution int      // dpi
	Colour     bool     // Color mode, else Gray
	WidthMM    int      // scan area; 0 leaves the device's default (its whole glass)
	HeightMM   int      //
	Extra      []string // backend options, e.g. --source "Automatic Document Feeder"
}

// Scan scans one page on device and returns it as PNM.
func (s *SANE) Scan(ctx context.Context, device string, o ScanOptions) ([]byte, error) {
	if device == "" {
		return nil, &Error{Kind: NoDevice, Device: "sane", Detail: "no device name"}
	}
	if o.Resolution < 50 || o.Resolution > 1200 {
		return nil, &Error{Kind: Failed, Device: device, Detail: fmt.Sprintf("resolution %d dpi: want 50-1200", o.Resolution)}
	}
	mode := "Gray"
	if o.Colour {
		mode = "Color"
	}
	args := []string{"-d", device, "--format=pnm", "--mode", mode, "--resolution", strconv.Itoa(o.Resolution)}
	if o.WidthMM > 0 && o.HeightMM > 0 {
		args = append(args, "-x", strconv.Itoa(o.WidthMM), "-y", strconv.Itoa(o.HeightMM))
	}
	args = append(args, o.Extra...)
	ctx, cancel := context.WithTimeout(ctx, s.timeout())
	defer cancel()
	return s.run(ctx, device, args)
}

// run starts scanimage and waits for it. stderr is watched line by line:
// a SANE status that ends the scan cancels the child at once instead of
// waiting out a backend that never returns.
func (s *SANE) run(ctx context.Context, device string, args []string) ([]byte, error) {
	var cancel context.CancelFunc
	ctx, cancel = context.WithCancel(ctx)
	defer cancel()
	cmd := exec.CommandContext(ctx, s.bin(), args...)
	cmd.Env = append(cmd.Environ(), s.Env...)
	cmd.WaitDelay = 2 * time.Second
	var stdout limitedBuffer
	cmd.Stdout = &stdout
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	var (
		mu     sync.Mutex
		status *Error
		lines  []string
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			line := sc.Text()
			mu.Lock()
			lines = append(lines, line)
			if status == nil {
				if k := classify(line); k != 0 {
					status = &Error{Kind: k, Device: device, Detail: line}
					cancel()
				}
			}
			mu.Unlock()
		}
		io.Copy(io.Discard, pr)
	}()
	err := cmd.Run()
	pw.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	if status != nil {
		return nil, status
	}
	detail := strings.Join(lines, "; ")
	var ee *exec.ExitError
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return nil, &Error{Kind: NoDevice, Device: device, Detail: "scanimage is not installed (Debian package sane-utils): " + err.Error()}
	case ctx.Err() != nil && err != nil:
		return nil, &Error{Kind: Timeout, Device: device, Detail: fmt.Sprintf("no image within the time limit; %s", detail)}
	case errors.As(err, &ee):
		return nil, &Error{Kind: kindOfStatus(ee.ExitCode()), Device: device, Detail: fmt.Sprintf("scanimage exit %d: %s", ee.ExitCode(), detail)}
	case err != nil:
		return nil, &Error{Kind: Failed, Device: device, Detail: err.Error()}
	case stdout.over:
		return nil, &Error{Kind: Failed, Device: device, Detail: fmt.Sprintf("image larger than %d bytes", MaxImageBytes)}
	}
	return stdout.Bytes(), nil
}

// classify recognises scanimage's messages for SANE statuses that end a
// scan (sane_strstatus wording, which scanimage prints verbatim).
func classify(line string) Kind {
	l := strings.ToLower(line)
	switch {
	case strings.Contains(l, "jammed"):
		return Jammed
	case strings.Contains(l, "out of documents"), strings.Contains(l, "no documents"):
		return NoPaper
	case strings.Contains(l, "cover is open"):
		return CoverOpen
	case strings.Contains(l, "device busy"):
		return Busy
	case strings.Contains(l, "error during device i/o"):
		return Unplugged
	case strings.Contains(l, "open of device") && strings.Contains(l, "failed"):
		return NoDevice
	case strings.Contains(l, "access to resource has been denied"):
		return Failed
	}
	return 0
}

// kindOfStatus maps scanimage's exit code, which is the SANE status.
func kindOfStatus(code int) Kind {
	switch code {
	case 3:
		return Busy
	case 6:
		return Jammed
	case 7:
		return NoPaper
	case 8:
		return CoverOpen
	case 9:
		return Unplugged
	}
	return Failed
}

// limitedBuffer keeps at most MaxImageBytes and remembers overflowing.
type limitedBuffer struct {
	bytes.Buffer
	over bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if b.Len()+len(p) > MaxImageBytes {
		b.over = true
		return 0, fmt.Errorf("image larger than %d bytes", MaxImageBytes)
	}
	return b.Buffer.Write(p)
}
