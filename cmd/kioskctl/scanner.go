package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"

	"govkiosk/drivers/scanner"
	"govkiosk/drivers/transport"
	"govkiosk/kiosk/config"
)

var scannerCommand = &command{
	summary: "test the barcode/QR scanner and the document scanners",
	sub: map[string]*command{
		"doc": scannerDocCommand,
		"listen": {
			summary: "print each scan and what the kiosk makes of it",
			usage:   "[--port P] [--baud B] [--mode serial|keyboard|pos] [--json] [--count N] [--timeout D]",
			example: "kioskctl scanner listen --port /dev/ttyACM0 --count 1 --timeout 30s\n" +
				"  kioskctl scanner listen --port hid:0c2e:0b8f --mode pos --json\n" +
				"  kioskctl scanner listen --count 1   # the scanner in [scanner] of the configuration",
			flags: func(fs *flag.FlagSet) {
				fs.String("port", "", "serial port (/dev/ttyUSB0, /dev/ttyACM0) or hid:VID:PID in hex for a USB HID scanner; default: [scanner] in the configuration")
				fs.Int("baud", 9600, "serial baud rate (most scanners ship at 9600)")
				fs.String("mode", "", "serial, keyboard (HID keyboard) or pos (HID POS); default serial for a port, keyboard for hid:, or [scanner] mode when --port is not given")
				fs.Bool("json", false, "print one JSON object per scan")
				fs.Int("count", 0, "stop after N scans; 0 listens until interrupted or --timeout")
				fs.Duration("timeout", 0, "give up after D (e.g. 30s); with --count, fewer scans than N is a failure")
			},
			run: scannerListen,
		},
	},
}

// scannerScanJSON is one line of `scanner listen --json`.
type scannerScanJSON struct {
	N             int    `json:"n"`
	Class         string `json:"class"`
	Value         string `json:"value,omitempty"`
	Format        string `json:"format,omitempty"`
	Code          string `json:"code"` // as scanned; e-ID tokens masked
	Bytes         int    `json:"bytes"`
	Symbology     string `json:"symbology,omitempty"`
	SymbologyName string `json:"symbology_name,omitempty"`
	Reason        string `json:"reason,omitempty"`
	Message       string `json:"message,omitempty"`
}

func scannerListen(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	get := func(name string) any { return e.fs.Lookup(name).Value.(flag.Getter).Get() }
	count, timeout := get("count").(int), get("timeout").(time.Duration)
	jsonOut := get("json").(bool)
	spec, baud, cfg, err := devicePort(e, "scanner", func(c *config.Config) config.Device { return c.Scanner.Device })
	if err != nil {
		return err
	}
	modeName := get("mode").(string)
	if cfg != nil && modeName == "" {
		modeName = cfg.Scanner.Mode
	}
	switch {
	case count < 0:
		return usagef("--count must be 0 or more")
	case timeout < 0:
		return usagef("--timeout must not be negative")
	}
	vid, pid, isHID, err := scannerParseHID(spec)
	if err != nil {
		return usageError{err.Error()}
	}
	mode := scanner.ModeSerial
	if isHID {
		mode = scanner.ModeKeyboard
	}
	if m := modeName; m != "" {
		if mode, err = scanner.ParseMode(m); err != nil {
			return usageError{err.Error()}
		}
	}
	if isHID == (mode == scanner.ModeSerial) {
		return usagef("--mode %s does not fit --port %s: serial mode needs a serial port, keyboard and pos need hid:VID:PID", mode, spec)
	}

	var port transport.Port
	if isHID {
		port, err = transport.OpenHID(transport.HIDConfig{VendorID: vid, ProductID: pid})
		if err != nil {
			return fmt.Errorf("%w\n(is the scanner plugged in and set to USB HID %s mode? lsusb shows VID:PID; without root a udev rule must grant access)", err, mode)
		}
		if mode == scanner.ModeKeyboard {
			fmt.Fprintln(e.err, "(while kioskctl listens, the scanner no longer types into the desktop)")
		}
	} else {
		port, err = transport.OpenSerial(transport.SerialConfig{Name: spec, Baud: baud})
		if err != nil {
			return fmt.Errorf("%w\n(check the name with ls /dev/ttyUSB* /dev/ttyACM*, and that this user is in the dialout group)", err)
		}
	}

	lctx := ctx
	if timeout > 0 {
		var cancel context.CancelFunc
		lctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	s, err := scanner.New(lctx, port, scanner.Options{Mode: mode})
	if err != nil {
		port.Close()
		return err
	}
	defer s.Close()
	fmt.Fprintf(e.err, "listening on %s (%s); scan a code, Ctrl-C to stop\n", port, mode)

	n := 0
	var lost error
	for ev := range s.Events() {
		var de *scanner.DecodeError
		switch {
		case errors.As(ev.Err, &de):
			fmt.Fprintf(e.err, "scan lost: %v\n", de)
			continue
		case ev.Err != nil:
			lost = ev.Err
			continue
		}
		n++
		if err := scannerPrint(e, n, ev.Scan, jsonOut); err != nil {
			return err
		}
		if count > 0 && n >= count {
			return nil
		}
	}
	switch {
	case lost != nil:
		return lost
	case count == 0:
		return nil
	case ctx.Err() != nil:
		return fmt.Errorf("interrupted after %d of %d scans", n, count)
	}
	return fmt.Errorf("got %d of %d scans in %v; check --mode and --baud match the scanner's settings (scan its configuration codes), and that it beeps on a good read", n, count, timeout)
}

// scannerParseHID reads hid:VID:PID (hex, as lsusb prints them).
func scannerParseHID(spec string) (vid, pid uint16, ok bool, err error) {
	rest, ok := strings.CutPrefix(spec, "hid:")
	if !ok {
		return 0, 0, false, nil
	}
	v, p, found := strings.Cut(rest, ":")
	vv, err1 := strconv.ParseUint(strings.TrimPrefix(v, "0x"), 16, 16)
	pp, err2 := strconv.ParseUint(strings.TrimPrefix(p, "0x"), 16, 16)
	if !found || err1 != nil || err2 != nil || vv == 0 || pp == 0 {
		return 0, 0, true, fmt.Errorf("--port %s: want hid:VID:PID with vendor and product in hex, e.g. hid:0c2e:0b8f (see lsusb)", spec)
	}
	return uint16(vv), uint16(pp), true, nil
}

func scannerPrint(e *env, n int, sc scanner.Scan, jsonOut bool) error {
	r := scanner.Classify(sc.Code)
	code, value := sc.Code, r.Value
	if r.Class == scanner.ClassEID {
		// An e-ID token identifies a person: show enough to recognise it.
		code = scannerMask(sc.Code)
		value = code
	}
	if jsonOut {
		return json.NewEncoder(e.out).Encode(scannerScanJSON{
			N: n, Class: r.Class.String(), Value: value, Format: r.Format, Code: code, Bytes: len(sc.Code),
			Symbology: sc.Symbology, SymbologyName: scanner.SymbologyName(sc.Symbology), Reason: r.Reason, Message: r.Message,
		})
	}
	sym := ""
	if sc.Symbology != "" {
		sym = ", " + strings.TrimSpace(scanner.SymbologyName(sc.Symbology)+" "+sc.Symbology)
	}
	var err error
	switch r.Class {
	case scanner.ClassRejected:
		q := code
		if len(q) > 80 {
			q = q[:80] + "…"
		}
		_, err = fmt.Fprintf(e.out, "#%d  %-11s  %s  (%d bytes%s)\n      %s\n      %s\n", n, r.Class, strconv.Quote(q), len(sc.Code), sym, r.Reason, r.Message)
	default:
		_, err = fmt.Fprintf(e.out, "#%d  %-11s  %s  (%s%s)\n", n, r.Class, value, r.Format, sym)
	}
	return err
}

func scannerMask(s string) string {
	if len(s) <= 8 {
		return strings.Repeat("*", len(s))
	}
	return fmt.Sprintf("%s…%s (%d chars)", s[:4], s[len(s)-4:], len(s))
}
