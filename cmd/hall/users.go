package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"govkiosk/sync/hall/console"
)

var adminUserCommand = &command{
	summary: "web console logins: add (or reset the password of) an admin, list admins",
	sub: map[string]*command{
		"add": {
			summary: "add a console admin, or reset an admin's password (ends its sessions)",
			usage:   "NAME --db FILE [--password-file FILE]   (the password is read from standard input, never from the command line)",
			example: "hall admin user add wang --db /var/lib/govkiosk/hall.db          # asks for the password twice\n" +
				"  hall admin user add wang --db /var/lib/govkiosk/hall.db --password-file /root/wang.pw",
			flags: func(fs *flag.FlagSet) {
				storeFlags(fs)
				fs.String("password-file", "", "read the password from the first line of this file instead of standard input")
			},
			run: adminUserAdd,
		},
		"list": {
			summary: "list console admins: created, failed logins, lockout",
			usage:   "--db FILE",
			example: "hall admin user list --db /var/lib/govkiosk/hall.db",
			flags:   storeFlags,
			run:     adminUserList,
		},
	},
}

func adminUserAdd(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one admin NAME, got %d arguments (the password is never an argument: it would be in the shell history)", len(args))
	}
	name := args[0]
	if err := console.CheckAdminName(name); err != nil {
		return usagef("%v", err)
	}
	password, err := readPassword(e)
	if err != nil {
		return err
	}
	if err := console.CheckNewPassword(password); err != nil {
		return err
	}
	srv, err := openHall(ctx, e, false)
	if err != nil {
		return err
	}
	defer srv.Close()
	_, existing := srv.Store().Admin(ctx, name)
	if err := console.AddAdmin(ctx, srv.Store(), name, password, time.Now(), rand.Reader); err != nil {
		return err
	}
	if existing == nil {
		fmt.Fprintf(e.out, "password of admin %s reset; its console sessions have ended\n", name)
	} else {
		fmt.Fprintf(e.out, "admin %s added; log in at http://HALL:PORT/console/\n", name)
	}
	return nil
}

// readPassword reads the new password from --password-file, from a
// terminal (without echo, twice), or from the first line of standard input.
func readPassword(e *env) (string, error) {
	if file := flagString(e, "password-file"); file != "" {
		f, err := os.Open(file)
		if err != nil {
			return "", err
		}
		defer f.Close()
		return firstLine(f, file)
	}
	if f, ok := e.in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintf(e.err, "new password (at least %d characters): ", console.MinPasswordLen)
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.err)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.err, "again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.err)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", errors.New("the two passwords differ; nothing changed")
		}
		return string(a), nil
	}
	return firstLine(e.in, "standard input")
}

// firstLine returns the first line of r without its line ending.
func firstLine(r io.Reader, what string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from %s: %w", what, err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", fmt.Errorf("no password on %s; pipe it in (e.g. from a password manager) or use --password-file", what)
	}
	return line, nil
}

func adminUserList(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected arguments %q", args)
	}
	srv, err := openHall(ctx, e, true)
	if err != nil {
		return err
	}
	defer srv.Close()
	admins, err := srv.Store().Admins(ctx)
	if err != nil {
		return err
	}
	if len(admins) == 0 {
		fmt.Fprintln(e.out, "no console admins; add one with: hall admin user add NAME --db FILE")
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tCREATED\tFAILED LOGINS\tLOCKED UNTIL")
	now := time.Now()
	for _, a := range admins {
		locked := "-"
		if now.Before(a.LockedUntil) {
			locked = a.LockedUntil.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", a.Name, a.CreatedAt.Local().Format("2006-01-02 15:04"), a.Failures, locked)
	}
	return tw.Flush()
}
