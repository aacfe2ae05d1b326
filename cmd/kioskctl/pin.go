package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"govkiosk/kiosk/config"
	"govkiosk/kiosk/maint"
)

var pinCommand = &command{
	summary: "the technician PIN of the maintenance screens",
	sub: map[string]*command{
		"set": {
			summary: "set the PIN from stdin (6 to 12 digits; a second line, if given, must repeat it)",
			usage:   "< PIN",
			example: "read -s -p 'PIN: ' p && printf '%s\\n' \"$p\" | sudo kioskctl pin set",
			run:     pinSet,
		},
		"status": {
			summary: "whether a PIN is set and whether wrong tries have locked maintenance",
			usage:   "",
			example: "kioskctl pin status",
			run:     pinStatus,
		},
	},
}

// stdin is where pin set reads; tests replace it.
var stdin io.Reader = os.Stdin

func openPIN(e *env) (*maint.PIN, error) {
	c, err := loadConfig(e)
	if err != nil {
		return nil, err
	}
	audit := filepath.Join(c.DataDir, "audit.log")
	return maint.Open(c.DataDir, maint.Options{Audit: func(action string, d map[string]string) {
		config.Audit(audit, action, d)
	}}), nil
}

func pinSet(_ context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("the PIN is read from stdin, not from the command line (where ps and the shell history would show it)")
	}
	var lines []string
	sc := bufio.NewScanner(io.LimitReader(stdin, 256))
	for sc.Scan() && len(lines) < 2 {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	if len(lines) == 0 || lines[0] == "" {
		return usagef("no PIN on stdin")
	}
	if len(lines) == 2 && lines[1] != lines[0] {
		return fmt.Errorf("the two PINs differ; nothing was changed")
	}
	if err := maint.ValidPIN(lines[0]); err != nil {
		return err
	}
	p, err := openPIN(e)
	if err != nil {
		return err
	}
	if err := p.Set(lines[0], who()); err != nil {
		return err
	}
	fmt.Fprintln(e.out, "PIN set; the maintenance screens ask for it from now on")
	return nil
}

func pinStatus(_ context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	p, err := openPIN(e)
	if err != nil {
		return err
	}
	set, err := p.IsSet()
	if err != nil {
		return err
	}
	until, err := p.Locked()
	if err != nil {
		return err
	}
	switch {
	case !set:
		fmt.Fprintln(e.out, "no PIN set: the maintenance screen asks for a new one on first entry (or run kioskctl pin set)")
	case !until.IsZero():
		fmt.Fprintf(e.out, "PIN set; locked after %d wrong tries until %s\n", maint.MaxFailures, until.Format("2006-01-02 15:04:05"))
	default:
		fmt.Fprintln(e.out, "PIN set")
	}
	return nil
}
