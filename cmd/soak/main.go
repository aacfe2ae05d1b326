// Command soak proves under fire that every case a citizen submitted at a
// kiosk reaches the hall exactly once: it runs a real hall and N headless
// terminal processes on loopback, with a fault proxy between them, kills
// terminals and the hall with SIGKILL at chosen points, fills terminal
// disks, breaks their devices, and at the end checks every acknowledged
// case against the hall's database. Its output ends with one line of JSON.
//
//	go run ./cmd/soak -terminals 20 -cases 50 -faults 400 -duration 2m
//
// "soak terminal" (hidden) is one terminal; the driver starts it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"syscall"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "terminal" {
		os.Exit(runTerminal(os.Args[2:]))
	}
	os.Exit(runDriver(os.Args[1:]))
}

func runDriver(args []string) int {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	o := defaultOptions()
	fs.IntVar(&o.Terminals, "terminals", o.Terminals, "terminal processes")
	fs.IntVar(&o.Cases, "cases", o.Cases, "cases each terminal acknowledges")
	fs.IntVar(&o.Faults, "faults", o.Faults, "faults to inject, spread over every kind")
	fs.DurationVar(&o.Duration, "duration", o.Duration, "fault window; cases are spread over it")
	fs.Uint64Var(&o.Seed, "seed", o.Seed, "random seed (0: from the clock)")
	fs.StringVar(&o.Dir, "dir", "", "work directory (default: a new temporary one, removed after a passing run)")
	fs.DurationVar(&o.ConvergeTimeout, "converge-timeout", o.ConvergeTimeout, "how long to wait for convergence after the fault window")
	fs.Float64Var(&o.Evaluate, "evaluate", o.Evaluate, "fraction of citizens who rate their case (好差评) after the receipt")
	fs.BoolVar(&o.Verbose, "v", false, "log every fault as it is injected")
	fs.DurationVar(&o.LongCut, "long-cut", o.LongCut, "cut the hall off once for this long (0: every cut lasts seconds)")
	fs.IntVar(&o.MinPerGroup, "min-per-group", o.MinPerGroup, "fail unless at least this many network, power, disk and device faults were each injected")
	fs.DurationVar(&o.MaxConverge, "max-converge", o.MaxConverge, "fail if convergence after the last fault takes longer (0: no limit)")
	fs.IntVar(&o.TerminalNice, "terminal-nice", o.TerminalNice, "nice value of the terminal processes (0: the hall's priority)")
	cpuprofile := fs.String("cpuprofile", "", "write the driver's CPU profile to this file (go tool pprof)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			return 2
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "soak:", err)
			return 2
		}
		defer pprof.StopCPUProfile()
	}
	if o.Seed == 0 {
		o.Seed = uint64(time.Now().UnixNano())
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	rep, err := Run(ctx, o, os.Stdout)
	if err != nil {
		fmt.Fprintln(os.Stderr, "soak:", err)
		if rep == nil {
			return 1
		}
	}
	if rep.Pass() {
		return 0
	}
	return 1
}
