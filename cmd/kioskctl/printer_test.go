package main

import (
	"context"
	"encoding/json"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"govkiosk/drivers/sim"
)

func simPrinter(t *testing.T) *sim.Printer {
	t.Helper()
	line, err := sim.NewLine(115200)
	if err != nil {
		t.Fatal(err)
	}
	p, err := sim.NewPrinter(line, sim.PrinterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close(); line.Close() })
	return p
}

func TestPrinterStatus(t *testing.T) {
	p := simPrinter(t)
	tests := []struct {
		name   string
		set    func(on bool)
		code   int
		check  func(printerStatusJSON) bool
		stderr string
	}{
		{"ready", func(bool) {}, 0, func(s printerStatusJSON) bool { return s.Ready && s.Health == "ok" }, ""},
		{"near end warns but passes", p.SetPaperNearEnd, 0,
			func(s printerStatusJSON) bool { return s.Ready && s.Health == "warning" && s.Status.PaperNearEnd }, "change it soon"},
		{"paper out fails", p.SetPaperOut, 1,
			func(s printerStatusJSON) bool {
				return !s.Ready && s.Fault == "paper_out" && strings.Contains(s.Hint, "roll")
			}, "load a new roll"},
		{"cover open fails", p.SetCoverOpen, 1,
			func(s printerStatusJSON) bool { return s.Fault == "cover_open" && s.Status.CoverOpen }, "close the paper cover"},
		{"cutter jam fails", p.SetCutterError, 1,
			func(s printerStatusJSON) bool { return s.Fault == "error" && s.Status.CutterError }, "not ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.set(true)
			defer tt.set(false)
			code, out, errOut := kioskctl("printer", "status", "--port", p.Port(), "--baud", "115200", "--json")
			var got printerStatusJSON
			if code != tt.code || json.Unmarshal([]byte(out), &got) != nil || !tt.check(got) || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
			}
		})
	}
	code, out, _ := kioskctl("printer", "status", "--port", p.Port())
	if code != 0 || !strings.Contains(out, "online, ready") || !strings.Contains(out, "paper   ok") {
		t.Errorf("text status: %d\n%s", code, out)
	}
}

func TestPrinterTestPrintsTheTestPage(t *testing.T) {
	p := simPrinter(t)
	code, out, errOut := kioskctl("printer", "test", "--port", p.Port(), "--baud", "115200", "--paper", "58")
	if code != 0 || !strings.Contains(out, "test page sent") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	jobs, err := p.WaitJobs(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(jobs[0].Lines, "\n")
	for _, want := range []string{"打印机自检页", "[QR] GKTEST:58mm", "[CODE128] GK-TEST-0001", "端口：" + p.Port()} {
		if !strings.Contains(text, want) {
			t.Errorf("test page lacks %q:\n%s", want, text)
		}
	}
	if !jobs[0].Complete {
		t.Error("test page was not cut")
	}

	// Out of paper: the status check stops the test before anything prints.
	p.SetPaperOut(true)
	code, _, errOut = kioskctl("printer", "test", "--port", p.Port())
	if code != 1 || !strings.Contains(errOut, "paper out") || len(p.Jobs()) != 1 {
		t.Errorf("test without paper: exit %d, %d jobs\n%s", code, len(p.Jobs()), errOut)
	}
}

// A network printer on raw port 9100, by tcp:HOST:PORT.
func TestPrinterOverTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var received []byte
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() { fakeTCPPrinter(c, &mu, &received) })
		}
	})
	code, out, errOut := kioskctl("printer", "test", "--port", "tcp:"+ln.Addr().String(), "--paper", "80")
	if code != 0 || !strings.Contains(out, "printer tcp(127.0.0.1:") {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out, errOut)
	}
	mu.Lock()
	defer mu.Unlock()
	jobs, _ := sim.ParseESCPOS(received, 576)
	if len(jobs) != 1 || !jobs[0].Complete || !strings.Contains(strings.Join(jobs[0].Lines, "\n"), "纸宽：80mm（48列）") {
		t.Errorf("the printer got %+v", jobs)
	}
}

// fakeTCPPrinter answers every DLE EOT with "all clear" and keeps the rest.
func fakeTCPPrinter(c net.Conn, mu *sync.Mutex, received *[]byte) {
	defer c.Close()
	buf := make([]byte, 4096)
	var pending []byte
	for {
		n, err := c.Read(buf)
		if err != nil {
			return
		}
		pending = append(pending, buf[:n]...)
		for {
			i := strings.Index(string(pending), "\x10\x04")
			if i < 0 || i+2 >= len(pending) {
				break
			}
			mu.Lock()
			*received = append(*received, pending[:i]...)
			mu.Unlock()
			pending = pending[i+3:]
			c.Write([]byte{0x12})
		}
		if !strings.Contains(string(pending), "\x10") {
			mu.Lock()
			*received = append(*received, pending...)
			mu.Unlock()
			pending = nil
		}
	}
}

func TestPrinterUsageAndFailures(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"printer"}, 2, "Commands:"},
		{[]string{"printer", "status"}, 2, "--port is required"},
		{[]string{"printer", "test", "--port", "/dev/null", "--paper", "76"}, 2, "want 58 or 80"},
		{[]string{"printer", "status", "--port", "/dev/ttyS-none", "--baud", "0"}, 2, "--baud"},
		{[]string{"printer", "status", "--port", "/dev/usb/lp9"}, 1, "open /dev/usb/lp9"},
		{[]string{"printer", "status", "--port", "/dev/ttyS-none"}, 1, "dialout"},
	}
	for _, tt := range tests {
		code, out, errOut := kioskctl(tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("kioskctl %v = %d\n%s%s", tt.args, code, out, errOut)
		}
	}
	code, out, _ := kioskctl("printer", "test", "--help")
	if code != 0 || !strings.Contains(out, "Example:\n  kioskctl printer test --port /dev/ttyUSB0 --baud 9600") {
		t.Errorf("--help = %d %q", code, out)
	}
}

// A port with nothing on it: a bounded wait, then advice.
func TestPrinterStatusNoAnswer(t *testing.T) {
	line, err := sim.NewLine(0)
	if err != nil {
		t.Fatal(err)
	}
	defer line.Close()
	code, _, errOut := kioskctl("printer", "status", "--port", line.Path, "--timeout", "200ms")
	if code != 1 || !strings.Contains(errOut, "no answer to DLE EOT") || !strings.Contains(errOut, "switched on") {
		t.Errorf("exit %d\n%s", code, errOut)
	}
}
