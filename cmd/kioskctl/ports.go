package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"strconv"

	"govkiosk/kiosk/config"
)

// flagGiven reports whether the command line set the flag (not its default).
func flagGiven(e *env, name string) bool {
	given := false
	e.fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			given = true
		}
	})
	return given
}

// devicePort is where a device command talks to its device: --port (and
// --baud) when given, otherwise the device's table in the configuration
// file, so a technician on a configured kiosk types `kioskctl printer test`
// and tests the printer the kiosk itself uses. A flag given on the command
// line always wins over the file.
func devicePort(e *env, table string, pick func(*config.Config) config.Device) (spec string, baud int, cfg *config.Config, err error) {
	baud, err = strconv.Atoi(flagString(e, "baud"))
	if err != nil || baud <= 0 {
		return "", 0, nil, usagef("--baud %q: want a positive number such as 9600 or 115200", flagString(e, "baud"))
	}
	if spec = flagString(e, "port"); spec != "" {
		return spec, baud, nil, nil
	}
	c, err := config.Load(e.configPath)
	if errors.Is(err, os.ErrNotExist) {
		return "", 0, nil, usagef("--port is required: there is no configuration at %s to take [%s] from (or give --config FILE)", e.configPath, table)
	}
	if err != nil {
		return "", 0, nil, fmt.Errorf("%s: %w\n(fix the file, or give --port)", e.configPath, err)
	}
	d := pick(&c)
	if d.Transport == "none" || d.PortSpec() == "" {
		return "", 0, nil, usagef("[%s] in %s says there is no such device (transport %q): give --port", table, e.configPath, d.Transport)
	}
	if !flagGiven(e, "baud") && d.Baud > 0 {
		baud = d.Baud
	}
	fmt.Fprintf(e.err, "%s: %s at %d baud (from [%s] in %s)\n", table, d.PortSpec(), baud, table, e.configPath)
	return d.PortSpec(), baud, &c, nil
}
