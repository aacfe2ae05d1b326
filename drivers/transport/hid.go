package transport

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/karalabe/hid"
)

// HIDDevice is a HID device found by enumeration.
type HIDDevice struct {
	Path         string
	VendorID     uint16
	ProductID    uint16
	Manufacturer string
	Product      string
	Serial       string
	Interface    int
}

// ListHID enumerates HID devices; vendor or product 0 match any. On Linux
// karalabe/hid goes through libusb, which detaches the kernel driver of a
// device while it is open: a HID keyboard-mode scanner opened here stops
// typing into the desktop until it is closed.
func ListHID(vendor, product uint16) ([]HIDDevice, error) {
	if !hid.Supported() {
		return nil, errors.New("hid: not supported on this platform")
	}
	infos, err := hid.Enumerate(vendor, product)
	if err != nil {
		return nil, fmt.Errorf("hid: enumerate: %w", err)
	}
	out := make([]HIDDevice, 0, len(infos))
	for _, i := range infos {
		out = append(out, HIDDevice{Path: i.Path, VendorID: i.VendorID, ProductID: i.ProductID,
			Manufacturer: i.Manufacturer, Product: i.Product, Serial: i.Serial, Interface: i.Interface})
	}
	return out, nil
}

// HIDConfig opens a HID device.
type HIDConfig struct {
	VendorID, ProductID uint16
	// Framing turns the device's reports into a byte stream (for protocols
	// such as GA 467 carried over HID). Nil gives raw reports: each Read
	// returns one input report (keyboard-mode scanners).
	Framing     *ReportFraming
	ReadTimeout time.Duration
}

// OpenHID opens the first HID device with the configured vendor and product.
func OpenHID(cfg HIDConfig) (Port, error) {
	devs, err := hid.Enumerate(cfg.VendorID, cfg.ProductID)
	if err != nil {
		return nil, fmt.Errorf("hid %04x:%04x: %w", cfg.VendorID, cfg.ProductID, err)
	}
	if len(devs) == 0 {
		return nil, fmt.Errorf("hid %04x:%04x: %w", cfg.VendorID, cfg.ProductID, ErrNoDevice)
	}
	dev, err := devs[0].Open()
	if err != nil {
		return nil, fmt.Errorf("hid %04x:%04x: open: %w", cfg.VendorID, cfg.ProductID, err)
	}
	name := fmt.Sprintf("hid(%04x:%04x)", cfg.VendorID, cfg.ProductID)
	return NewReportPort(&hidReader{dev: dev}, name, cfg.Framing, cfg.ReadTimeout), nil
}

// ErrNoDevice is returned when no device matches.
var ErrNoDevice = errors.New("no such device")

// hidReader makes karalabe/hid safe to close from another goroutine. A
// blocking hid_read while hid_close frees the handle is a use-after-free in
// hidapi, so reads poll with a short timeout and Close waits for the read in
// progress to return before closing.
type hidReader struct {
	dev    hid.Device
	mu     sync.Mutex
	closed bool
}

const hidPoll = 50 // ms

func (h *hidReader) Read(b []byte) (int, error) {
	for {
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			return 0, ErrClosed
		}
		n, err := h.dev.ReadTimeout(b, hidPoll)
		h.mu.Unlock()
		if err != nil || n > 0 {
			return n, err
		}
	}
}

func (h *hidReader) Write(b []byte) (int, error) { return h.dev.Write(b) }

func (h *hidReader) Close() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil
	}
	h.closed = true
	return h.dev.Close()
}
