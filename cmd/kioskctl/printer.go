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

	"govkiosk/drivers/printer"
	"govkiosk/drivers/transport"
	"govkiosk/kiosk/config"
)

var printerCommand = &command{
	summary: "check and test the receipt printer",
	sub: map[string]*command{
		"status": {
			summary: "ask the printer for its real-time status: paper, cover, errors",
			usage:   "[--port P] [--baud B] [--json]",
			example: "kioskctl printer status --port /dev/ttyUSB0 --baud 9600 --json\n" +
				"  kioskctl printer status --port tcp:192.168.1.50:9100\n" +
				"  kioskctl printer status --port /dev/usb/lp0\n" +
				"  kioskctl printer status   # the printer in [printer] of the configuration",
			flags: func(fs *flag.FlagSet) {
				printerPortFlags(fs)
				fs.Bool("json", false, "print the status as one JSON object")
			},
			run: printerStatus,
		},
		"test": {
			summary: "check the status, then print the self-test page",
			usage:   "[--port P] [--baud B] [--paper 58|80]",
			example: "kioskctl printer test --port /dev/ttyUSB0 --baud 9600\n" +
				"  kioskctl printer test --port tcp:192.168.1.50:9100 --paper 80\n" +
				"  kioskctl printer test   # the printer in [printer] of the configuration",
			flags: func(fs *flag.FlagSet) {
				printerPortFlags(fs)
				fs.String("paper", "58", "paper width in mm: 58 or 80 (default: [printer] width when --port is not given)")
			},
			run: printerTest,
		},
	},
}

func printerPortFlags(fs *flag.FlagSet) {
	fs.String("port", "", "printer port: a serial port (/dev/ttyUSB0), the USB printer device (/dev/usb/lp0) or tcp:HOST:PORT (raw port 9100); default: [printer] in the configuration")
	fs.Int("baud", 9600, "serial baud rate (the printer's self-test page shows it); default: [printer] baud when --port is not given")
	fs.Duration("timeout", time.Second, "how long to wait for each status answer")
}

// openPrinter opens the port named by --port (or [printer] in the
// configuration, whose width then sets the paper unless --paper is given),
// choosing the transport by its form, and the driver on it. The caller
// closes the port.
func openPrinter(e *env, paper printer.Paper) (*openedPrinter, error) {
	spec, baud, cfg, err := devicePort(e, "printer", func(c *config.Config) config.Device { return c.Printer.Device })
	if err != nil {
		return nil, err
	}
	if cfg != nil && !flagGiven(e, "paper") {
		if p, err := printer.PaperByName(strconv.Itoa(cfg.Printer.Width)); err == nil {
			paper = p
		}
	}
	timeout, _ := time.ParseDuration(flagString(e, "timeout"))
	if timeout <= 0 {
		return nil, usagef("--timeout must be positive")
	}
	port, err := transport.Open(spec, baud, 100*time.Millisecond, nil)
	if err != nil {
		return nil, fmt.Errorf("%w\n(check the port name; the kiosk user needs to be in group dialout for serial ports and lp for /dev/usb/lp*)", err)
	}
	return &openedPrinter{port: port, drv: printer.New(port, &printer.Options{Paper: paper, StatusTimeout: timeout}), paper: paper, spec: spec}, nil
}

// openedPrinter is the printer openPrinter found.
type openedPrinter struct {
	port  transport.Port
	drv   *printer.Printer
	paper printer.Paper
	spec  string // the port as given or configured
}

type printerStatusJSON struct {
	Port   string          `json:"port"`
	Ready  bool            `json:"ready"`
	Health string          `json:"health"` // ok, warning, failed
	Fault  printer.Fault   `json:"fault,omitempty"`
	Hint   string          `json:"hint,omitempty"`
	Status *printer.Status `json:"status"`
}

func printerStatus(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	op, err := openPrinter(e, printer.Paper58)
	if err != nil {
		return err
	}
	port, drv := op.port, op.drv
	defer port.Close()
	st, err := drv.Status(ctx)
	if err != nil {
		return explainPrinter(err)
	}
	out := printerStatusJSON{Port: port.String(), Ready: st.Ready(), Health: st.Health(), Fault: st.Fault(), Status: &st}
	if out.Fault != "" {
		out.Hint = out.Fault.Hint()
	}
	if flagBool(e, "json") {
		if err := json.NewEncoder(e.out).Encode(out); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.out, "printer %s: %s\n", port, st)
		fmt.Fprintf(e.out, "  paper   %s\n  cover   %s\n  errors  %s\n  health  %s\n",
			paperText(st), either(st.CoverOpen, "open", "closed"), errorsText(st), st.Health())
	}
	if !out.Ready {
		return fmt.Errorf("printer not ready: %s; %s", st, out.Hint)
	}
	if st.PaperNearEnd {
		fmt.Fprintln(e.err, "warning: the paper roll is nearly used up; change it soon")
	}
	return nil
}

func paperText(st printer.Status) string {
	switch {
	case st.PaperEnd || st.PaperEndStop:
		return "out"
	case st.PaperNearEnd:
		return "near end"
	}
	return "ok"
}

func errorsText(st printer.Status) string {
	var errs []string
	for _, c := range []struct {
		on   bool
		name string
	}{{st.CutterError, "cutter"}, {st.UnrecoverableError, "unrecoverable"}, {st.AutoRecoverableError, "head overheated"}} {
		if c.on {
			errs = append(errs, c.name)
		}
	}
	if len(errs) == 0 && st.Error {
		errs = append(errs, "unspecified")
	}
	if len(errs) == 0 {
		return "none"
	}
	return strings.Join(errs, ", ")
}

func either(b bool, y, n string) string {
	if b {
		return y
	}
	return n
}

func printerTest(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	paper, err := printer.PaperByName(flagString(e, "paper"))
	if err != nil {
		return usagef("--paper %q: want 58 or 80", flagString(e, "paper"))
	}
	op, err := openPrinter(e, paper)
	if err != nil {
		return err
	}
	port, drv, paper := op.port, op.drv, op.paper
	defer port.Close()
	st, err := drv.Status(ctx)
	if err != nil {
		return explainPrinter(err)
	}
	fmt.Fprintf(e.out, "printer %s: %s\n", port, st)
	page := printer.TestPage{Port: op.spec, Paper: paper, At: time.Now()}
	if err := drv.Print(ctx, page.Document()); err != nil {
		return explainPrinter(err)
	}
	fmt.Fprintf(e.out, "test page sent (%s paper). Check it: Chinese in every size, the column ruler ends at the right edge, the QR code and barcode scan, the cut is clean.\n", paper)
	return nil
}

// explainPrinter adds what to check to a driver error.
func explainPrinter(err error) error {
	var pe *printer.Error
	if errors.As(err, &pe) && pe.Fault == printer.FaultNoAnswer {
		return fmt.Errorf("%w (is it a receipt printer on this port, switched on, at this --baud?)", err)
	}
	return err
}
