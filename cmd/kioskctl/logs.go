package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"govkiosk/kiosk/config"
	"govkiosk/kiosk/logging"
	"govkiosk/sync/client"
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
		"upload": {
			summary: "send the newest log files that fit (8 MB) to the hall, where officers download them in the console",
			usage:   "[--command ID] [--config FILE]",
			example: "kioskctl logs upload",
			flags: func(fs *flag.FlagSet) {
				fs.String("command", "", "the id of the hall's upload_logs command this answers (default: an unsolicited upload)")
			},
			run: logsUpload,
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

func logsUpload(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	c, err := loadConfig(e)
	if err != nil {
		return err
	}
	creds, err := client.LoadCredentials(c.DataDir)
	if err != nil {
		return fmt.Errorf("%w (enrol the terminal first: kioskctl enroll CODE)", err)
	}
	cl, err := client.New(client.Config{Credentials: creds})
	if err != nil {
		return err
	}
	b, err := client.PackLogs(logging.Dir(c.DataDir), client.MaxLogBundleBytes)
	if err != nil {
		return err
	}
	command := flagString(e, "command")
	rc, err := cl.UploadLogs(ctx, command, bytes.NewReader(b.Data))
	if err != nil {
		return err
	}
	config.Audit(filepath.Join(c.DataDir, "audit.log"), "logs upload", map[string]any{"who": who(), "command": command,
		"files": b.Files, "bytes": rc.Bytes, "bundle": rc.ID})
	fmt.Fprintf(e.out, "%d log file(s), %d bytes, sent to %s as bundle %s\n", b.Files, rc.Bytes, creds.HallURL, rc.ID)
	if b.Skipped > 0 {
		fmt.Fprintf(e.out, "%d older file(s) left out to stay under %d MB; kioskctl logs export copies them all\n", b.Skipped, client.MaxLogBundleBytes>>20)
	}
	return nil
}
