package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"govkiosk/internal/xdrive"
)

// afterFlow starts the kiosk, drives one whole application on it
// (xdrive.Apply, the end-to-end test's flow) with placeCard putting the
// fixture card on the reader, ends the session as the citizen does
// (xdrive.Finish: 完成并退出, then takeCard), waits settle on the home
// screen and reads the kiosk's memory. shot, if set, is where the window
// is saved as PNG just after the reading.
//
// idle, if not 0, is a second wait from the end of the flow, after which
// the memory is read again (into r.idlePSS, r.idleRSS): the home screen's
// steady state once the kiosk has let go of the flow's screens.
func afterFlow(settle, idle time.Duration, shot string, placeCard func(*xdrive.Driver), takeCard func(), path string, args ...string) result {
	p := launch(kioskReady, path, args...)
	defer p.stop()
	d := &xdrive.Driver{Display: os.Getenv("DISPLAY"), Exited: p.done}
	d.Kiosk = d.Window(xdrive.KioskWindow)
	d.Apply(func() { placeCard(d) })
	d.Finish()
	if err := d.Err(); err != nil {
		p.stop()
		fatal(err)
	}
	takeCard()
	ended := time.Now()
	time.Sleep(settle)
	var r result
	r.pss, r.rss = memory(p.cmd.Process.Pid)
	if shot != "" {
		if err := d.SaveShot(shot); err != nil {
			p.stop()
			fatal(fmt.Errorf("screenshot at the measurement: %w", err))
		}
	}
	if idle > 0 {
		time.Sleep(time.Until(ended.Add(idle)))
		r.idlePSS, r.idleRSS = memory(p.cmd.Process.Pid)
	}
	return r
}

// hall is a hall server process on loopback with its SQLite store in dir,
// as a terminal in the field talks to one.
type hall struct {
	cmd  *exec.Cmd
	bin  string
	db   string
	url  string
	done chan struct{}
}

// startHall starts "hall serve" on a free loopback port and waits for
// /healthz; its output goes to dir/hall.log.
func startHall(bin, dir string) *hall {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.Create(filepath.Join(dir, "hall.log"))
	if err != nil {
		fatal(err)
	}
	h := &hall{bin: bin, db: filepath.Join(dir, "hall.db"), url: "http://" + addr, done: make(chan struct{})}
	h.cmd = exec.Command(bin, "serve", "--addr", addr, "--db", h.db)
	h.cmd.Stdout, h.cmd.Stderr = logf, logf
	if err := h.cmd.Start(); err != nil {
		fatal(fmt.Errorf("start hall: %w", err))
	}
	go func() { h.cmd.Wait(); logf.Close(); close(h.done) }()
	for deadline := time.Now().Add(30 * time.Second); ; {
		resp, err := http.Get(h.url + "/healthz")
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return h
			}
		}
		select {
		case <-h.done:
			fatal(fmt.Errorf("hall exited at start; see %s", logf.Name()))
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			h.stop()
			fatal(fmt.Errorf("hall not healthy after 30 s; see %s", logf.Name()))
		}
	}
}

// enrol enrols the terminal of config file cfg at the hall, as a
// technician does: "hall admin code" (it prints the code last), then
// "kioskctl enroll CODE".
func (h *hall) enrol(kioskctl, cfg string) {
	out, err := exec.Command(h.bin, "admin", "code", "--db", h.db).CombinedOutput()
	if err != nil {
		fatal(fmt.Errorf("hall admin code: %v: %s", err, out))
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	code := strings.TrimSpace(lines[len(lines)-1])
	if out, err := exec.Command(kioskctl, "enroll", code, "--name", "kioskbench", "--config", cfg).CombinedOutput(); err != nil {
		fatal(fmt.Errorf("kioskctl enroll: %v: %s", err, out))
	}
}

func (h *hall) stop() {
	h.cmd.Process.Signal(os.Interrupt)
	select {
	case <-h.done:
	case <-time.After(10 * time.Second):
		h.cmd.Process.Kill()
		<-h.done
	}
}
