// Command devsim runs simulated kiosk devices — an ID-card reader, a
// receipt printer and a barcode scanner — on pseudo-terminals, speaking the
// exact bytes of the real ones. It prints the device paths, then takes
// commands on standard input:
//
//	cards                 list the fixture cards
//	place NAME            put a fixture card on the reader
//	remove                take it away
//	scan CODE             scan a code (serial scanner, CR LF)
//	paper out|ok          take the printer's paper away or load a roll
//	cover open|closed     open or close the printer's cover
//	prints                list the printed jobs (PNG and text files)
//	quit
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"

	"govkiosk/drivers/sim"
)

func main() {
	dir := flag.String("dir", ".run/devsim", "where to make the device links (idcard, printer, scanner) and prints/")
	baud := flag.Int("baud", 115200, "baud rate of the ID-card reader and printer lines")
	scanBaud := flag.Int("scanner-baud", 9600, "baud rate of the scanner line")
	flag.Parse()
	if err := os.MkdirAll(*dir, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "devsim:", err)
		os.Exit(1)
	}
	rig, err := sim.NewRig(*dir, sim.RigOptions{Baud: *baud, ScannerBaud: *scanBaud})
	if err != nil {
		fmt.Fprintln(os.Stderr, "devsim:", err)
		os.Exit(1)
	}
	defer rig.Close()
	for _, d := range []string{"idcard", "printer", "scanner"} {
		target, _ := os.Readlink(rig.Path(d))
		fmt.Printf("%-8s %s -> %s\n", d, rig.Path(d), target)
	}
	fmt.Printf("prints   %s\n", filepath.Join(*dir, "prints"))
	fmt.Println("type 'help' for commands")

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(os.Stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	for {
		select {
		case <-sig:
			return
		case line, ok := <-lines:
			if !ok {
				// No more input (e.g. run in the background): serve until killed.
				<-sig
				return
			}
			if quit := handle(rig, line, os.Stdout); quit {
				return
			}
		}
	}
}

// handle runs one command line and reports whether to quit.
func handle(rig *sim.Rig, line string, out io.Writer) bool {
	f := strings.Fields(line)
	if len(f) == 0 {
		return false
	}
	arg := strings.TrimSpace(strings.TrimPrefix(line, f[0]))
	switch f[0] {
	case "help":
		fmt.Fprintln(out, "cards | place NAME | remove | scan CODE | paper out|ok | cover open|closed | prints | quit")
	case "cards":
		for _, c := range sim.Cards() {
			fmt.Fprintf(out, "%-18s %s\n", c.Name, c.Label)
		}
	case "place":
		c, ok := sim.CardByName(arg)
		if !ok {
			fmt.Fprintf(out, "no card %q; 'cards' lists them\n", arg)
			return false
		}
		rig.IDCard.Place(c)
		fmt.Fprintf(out, "placed %s (%s)\n", c.Name, c.Label)
	case "remove":
		rig.IDCard.Remove()
		fmt.Fprintln(out, "card removed")
	case "scan":
		if arg == "" {
			fmt.Fprintln(out, "scan what?")
			return false
		}
		if err := rig.Scanner.Scan(arg); err != nil {
			fmt.Fprintln(out, "scan:", err)
		}
	case "paper":
		rig.Printer.SetPaperOut(arg == "out")
		fmt.Fprintln(out, "printer paper", arg)
	case "cover":
		rig.Printer.SetCoverOpen(arg == "open")
		fmt.Fprintln(out, "printer cover", arg)
	case "prints":
		for _, j := range rig.Printer.Jobs() {
			fmt.Fprintf(out, "job %d complete=%v %s %s\n", j.Seq, j.Complete, j.PNG, j.Fault)
		}
	case "quit", "exit":
		return true
	default:
		fmt.Fprintf(out, "unknown command %q; type 'help'\n", f[0])
	}
	return false
}
