package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"govkiosk/kiosk/config"
	"io"
	"sort"
	"strings"
)

// command is one kioskctl command, or a group of subcommands.
type command struct {
	summary string
	usage   string // arguments after the command path
	example string
	flags   func(fs *flag.FlagSet) // declares the command's flags
	run     func(ctx context.Context, env *env, args []string) error
	sub     map[string]*command
}

// env is what a command writes to, and its parsed flags.
type env struct {
	out, err io.Writer
	fs       *flag.FlagSet
	// configPath is --config FILE, accepted anywhere on the command line
	// by every command (config.DefaultPath when not given).
	configPath string
}

// usageError is a mistake in how the command was called: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

var commands = map[string]*command{
	"catalog": catalogCommand,
	"config":  configCommand,
	"devices": devicesCommand,
	"enroll":  enrollCommand,
	"logs":    logsCommand,
	"outbox":  outboxCommand,
	"pin":     pinCommand,
	"printer": printerCommand,
	"status":  statusCommand,
	"idcard":  idcardCommand,
	"scanner": scannerCommand,
}

// run executes args and returns the exit status: 0 ok, 1 failure, 2 usage.
func run(ctx context.Context, args []string, out, errOut io.Writer) int {
	configPath, args, err := takeConfigFlag(args)
	if err != nil {
		fmt.Fprintf(errOut, "kioskctl: %v\n", err)
		return 2
	}
	root := &command{summary: "GovKiosk technician tool", sub: commands}
	cmd, path := root, []string{"kioskctl"}
	for cmd.sub != nil {
		if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
			printGroup(out, path, cmd)
			if len(args) == 0 {
				return 2
			}
			return 0
		}
		next, ok := cmd.sub[args[0]]
		if !ok {
			fmt.Fprintf(errOut, "%s: unknown command %q\n", strings.Join(path, " "), args[0])
			printGroup(errOut, path, cmd)
			return 2
		}
		cmd, path, args = next, append(path, args[0]), args[1:]
	}
	fs := flag.NewFlagSet(strings.Join(path, " "), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if cmd.flags != nil {
		cmd.flags(fs)
	}
	help := func(w io.Writer) {
		fmt.Fprintf(w, "%s\n\nUsage: %s %s\n", cmd.summary, strings.Join(path, " "), cmd.usage)
		fs.SetOutput(w)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
		fmt.Fprintf(w, "\nExample:\n  %s\n", cmd.example)
	}
	if err := fs.Parse(interleave(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			help(out)
			return 0
		}
		fmt.Fprintf(errOut, "%s: %v\n\n", strings.Join(path, " "), err)
		help(errOut)
		return 2
	}
	err = cmd.run(ctx, &env{out: out, err: errOut, fs: fs, configPath: configPath}, fs.Args())
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ue):
		fmt.Fprintf(errOut, "%s: %v\n\n", strings.Join(path, " "), err)
		help(errOut)
		return 2
	default:
		fmt.Fprintf(errOut, "%s: %v\n", strings.Join(path, " "), err)
		return 1
	}
}

// interleave moves flags after positional arguments to the front, so
// "catalog search 社保 --json" works as technicians type it.
func interleave(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		if f := fs.Lookup(name); f != nil && !isBool(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	return append(flags, pos...)
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

func printGroup(w io.Writer, path []string, cmd *command) {
	fmt.Fprintf(w, "%s\n\nUsage: %s <command> [flags]\n\nCommands:\n", cmd.summary, strings.Join(path, " "))
	names := make([]string, 0, len(cmd.sub))
	for n := range cmd.sub {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-12s %s\n", n, cmd.sub[n].summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> --help' for a command's flags and an example.\n", strings.Join(path, " "))
}

// takeConfigFlag removes --config FILE (or --config=FILE) from args.
func takeConfigFlag(args []string) (string, []string, error) {
	path := config.DefaultPath
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--config" || a == "-config":
			if i+1 >= len(args) {
				return "", nil, fmt.Errorf("--config needs a FILE")
			}
			path = args[i+1]
			i++
		case strings.HasPrefix(a, "--config=") || strings.HasPrefix(a, "-config="):
			path = a[strings.Index(a, "=")+1:]
		default:
			rest = append(rest, a)
		}
	}
	return path, rest, nil
}
