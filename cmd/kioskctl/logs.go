package main

import (
	"context"
	"fmt"
	"path/filepath"
	"time"

	"govkiosk/kiosk/config"
	"govkiosk/kiosk/logging"
)

var logsCommand = &command{
	summary: "work with the terminal's logs",
	sub: map[string]*command{
		"export": {
			summary: "copy every log file into a folder (a USB stick)",
			usage:   "DIR [--config FILE]",
			example: "kioskctl logs export /media/usb",
			run:     logsExport,
		},
	},
}

func logsExport(_ context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one DIR")
	}
	c, err := loadConfig(e)
	if err != nil {
		return err
	}
	dst, n, err := logging.Export(c.DataDir, args[0], time.Now().Format("20060102T150405"))
	if err != nil {
		return err
	}
	config.Audit(filepath.Join(c.DataDir, "audit.log"), "logs export", map[string]any{"who": who(), "to": dst, "files": n})
	fmt.Fprintf(e.out, "%d log file(s) copied to %s\n", n, dst)
	return nil
}
