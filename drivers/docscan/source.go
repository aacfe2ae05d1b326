package docscan

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"govkiosk/kiosk/pages"
)

// Source is one capture device as the kiosk uses it: a configured scanner,
// a camera or the simulator.
type Source interface {
	// Capture returns one raw image (PNM or JPEG). It returns within the
	// device's bounded time; errors are *Error.
	Capture(ctx context.Context) ([]byte, error)
	// DPI is the image's resolution, 0 when it has none (a camera).
	DPI() int
	String() string
}

// Scanner is a SANE device with its scan settings.
type Scanner struct {
	SANE   *SANE
	Device string
	Opts   ScanOptions
}

var _ Source = (*Scanner)(nil)

func (s *Scanner) Capture(ctx context.Context) ([]byte, error) {
	return s.SANE.Scan(ctx, s.Device, s.Opts)
}

func (s *Scanner) DPI() int { return s.Opts.Resolution }

func (s *Scanner) String() string { return "SANE{" + s.Device + "}" }

// Simulator is a document camera that returns image files in turn (desk
// photos of pages), for demo mode and tests where no camera is present.
type Simulator struct {
	mu     sync.Mutex
	frames [][]byte
	next   int
}

var _ Source = (*Simulator)(nil)

// NewSimulator cycles through frames (JPEG or PNG files' bytes).
func NewSimulator(frames [][]byte) (*Simulator, error) {
	if len(frames) == 0 {
		return nil, fmt.Errorf("docscan: simulator needs at least one frame")
	}
	return &Simulator{frames: frames}, nil
}

func (s *Simulator) Capture(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, &Error{Kind: Timeout, Device: s.String(), Detail: err.Error()}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.frames[s.next%len(s.frames)]
	s.next++
	return append([]byte(nil), f...), nil
}

func (s *Simulator) DPI() int { return 0 }

func (s *Simulator) String() string { return fmt.Sprintf("camera-simulator{%d frames}", len(s.frames)) }

// OpenOptions configure Open.
type OpenOptions struct {
	SANE                      *SANE
	Scan                      ScanOptions
	CameraWidth, CameraHeight int
	CameraTimeout             time.Duration
}

// SimulatorName names the bundled camera simulator in configuration and
// on kioskctl's command line.
const SimulatorName = "simulator"

// Open returns the source a name stands for: "simulator", a V4L2 node
// (/dev/videoN) or else a SANE device name (test:0, fujitsu:fi-7160:…).
func Open(name string, o OpenOptions) (Source, error) {
	switch {
	case name == "":
		return nil, &Error{Kind: NoDevice, Device: "docscan", Detail: "no device name"}
	case name == SimulatorName:
		frames, err := SimulatorFrames()
		if err != nil {
			return nil, err
		}
		return NewSimulator(frames)
	case strings.HasPrefix(name, "/dev/"):
		return &Camera{Path: name, Width: o.CameraWidth, Height: o.CameraHeight, Timeout: o.CameraTimeout}, nil
	}
	s := o.SANE
	if s == nil {
		s = &SANE{}
	}
	return &Scanner{SANE: s, Device: name, Opts: o.Scan}, nil
}

// CapturePage captures one image from src and processes it as the kiosk
// archives it (o.SourceDPI is taken from the source). Errors are *Error
// (the device) or *pages.Error (the page).
func CapturePage(ctx context.Context, src Source, o pages.Options) (*pages.Page, error) {
	raw, err := src.Capture(ctx)
	if err != nil {
		return nil, err
	}
	img, err := pages.Decode(raw)
	clear(raw) // a citizen's document: do not leave it for the collector
	if err != nil {
		return nil, err
	}
	o.SourceDPI = src.DPI()
	return pages.Process(img, o)
}
