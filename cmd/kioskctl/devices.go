package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"text/tabwriter"

	"govkiosk/drivers/transport"
)

var devicesCommand = &command{
	summary: "list serial ports and HID devices present",
	usage:   "[--json]",
	example: "kioskctl devices --json",
	flags:   func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON") },
	run:     devicesList,
}

type devicesJSON struct {
	Serial   []transport.SerialPort `json:"serial"`
	HID      []transport.HIDDevice  `json:"hid"`
	HIDError string                 `json:"hid_error,omitempty"`
}

func devicesList(_ context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	var out devicesJSON
	var err error
	if out.Serial, err = transport.ListSerial(); err != nil {
		return fmt.Errorf("list serial ports: %w", err)
	}
	if out.HID, err = transport.ListHID(0, 0); err != nil {
		out.HIDError = err.Error()
	}
	if flagBool(e, "json") {
		return json.NewEncoder(e.out).Encode(out)
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SERIAL\tDRIVER\tUSB\tPRODUCT")
	for _, p := range out.Serial {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", p.Path, p.Driver, p.USB, p.Product)
	}
	if len(out.Serial) == 0 {
		fmt.Fprintln(tw, "(none)")
	}
	fmt.Fprintln(tw, "\nHID\tVENDOR:PRODUCT\tMANUFACTURER\tPRODUCT")
	for _, h := range out.HID {
		fmt.Fprintf(tw, "%s\t%04x:%04x\t%s\t%s\n", h.Path, h.VendorID, h.ProductID, h.Manufacturer, h.Product)
	}
	if out.HIDError != "" {
		fmt.Fprintf(tw, "(%s)\n", out.HIDError)
	} else if len(out.HID) == 0 {
		fmt.Fprintln(tw, "(none)")
	}
	return tw.Flush()
}
