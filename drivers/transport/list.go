package transport

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// SerialPort is a serial port found on the system.
type SerialPort struct {
	Path    string // /dev/ttyUSB0
	Driver  string // ftdi_sio, cp210x, pl2303, cdc_acm, serial8250 …
	USB     string // vendor:product of a USB adapter, if any
	Product string // the USB product string, if any
}

// ListSerial lists serial ports from /sys/class/tty (tarm/serial cannot
// enumerate). Only ttys backed by a device are listed; legacy 8250 ports
// with no UART behind them are skipped.
func ListSerial() ([]SerialPort, error) {
	return listSerial("/sys/class/tty", "/dev")
}

func listSerial(sys, dev string) ([]SerialPort, error) {
	entries, err := os.ReadDir(sys)
	if err != nil {
		return nil, err
	}
	var out []SerialPort
	for _, e := range entries {
		base := filepath.Join(sys, e.Name())
		devDir, err := filepath.EvalSymlinks(filepath.Join(base, "device"))
		if err != nil {
			continue // virtual console, pty: no device behind it
		}
		drv, _ := filepath.EvalSymlinks(filepath.Join(devDir, "driver"))
		p := SerialPort{Path: filepath.Join(dev, e.Name()), Driver: filepath.Base(drv)}
		if p.Driver == "serial8250" && !has8250UART(base) {
			continue
		}
		// USB adapters: idVendor/idProduct sit a directory or two above.
		for d := devDir; d != "/" && d != "."; d = filepath.Dir(d) {
			v, err1 := os.ReadFile(filepath.Join(d, "idVendor"))
			pr, err2 := os.ReadFile(filepath.Join(d, "idProduct"))
			if err1 == nil && err2 == nil {
				p.USB = strings.TrimSpace(string(v)) + ":" + strings.TrimSpace(string(pr))
				if name, err := os.ReadFile(filepath.Join(d, "product")); err == nil {
					p.Product = strings.TrimSpace(string(name))
				}
				break
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// has8250UART reports whether a legacy serial port has a UART behind it
// (type is 0, "unknown", for the phantom ttyS ports every PC kernel makes).
func has8250UART(base string) bool {
	t, err := os.ReadFile(filepath.Join(base, "type"))
	return err == nil && strings.TrimSpace(string(t)) != "0"
}
