package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// proc is a child process the driver starts, kills and restarts.
type proc struct {
	name    string
	logPath string

	mu       sync.Mutex
	cmd      *exec.Cmd
	done     chan struct{}
	killed   bool // the driver killed it (an expected death)
	downAt   time.Time
	upAt     time.Time // when to restart it; zero: leave it down
	oddExits []string  // deaths the driver did not cause
}

func (p *proc) start(bin string, args ...string) error {
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	done := make(chan struct{})
	p.mu.Lock()
	p.cmd, p.done, p.killed, p.upAt = cmd, done, false, time.Time{}
	p.mu.Unlock()
	go func() {
		err := cmd.Wait()
		logf.Close()
		p.mu.Lock()
		if !p.killed && err != nil {
			p.oddExits = append(p.oddExits, fmt.Sprintf("%s exited on its own: %v (log %s)", p.name, err, p.logPath))
		}
		p.downAt = time.Now()
		p.mu.Unlock()
		close(done)
	}()
	return nil
}

// running reports whether the process is alive.
func (p *proc) running() bool {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return false
	}
	select {
	case <-done:
		return false
	default:
		return true
	}
}

// kill sends SIGKILL and waits for the process to die; restartIn > 0
// schedules its restart.
func (p *proc) kill(restartIn time.Duration) {
	p.signal(syscall.SIGKILL)
	p.mu.Lock()
	if restartIn > 0 {
		p.upAt = time.Now().Add(restartIn)
	}
	p.mu.Unlock()
}

func (p *proc) signal(sig syscall.Signal) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	if cmd == nil {
		p.mu.Unlock()
		return
	}
	p.killed = true
	p.mu.Unlock()
	cmd.Process.Signal(sig)
	<-done
}

// stop asks the process to end (SIGTERM) and kills it after grace.
func (p *proc) stop(grace time.Duration) {
	p.mu.Lock()
	cmd, done := p.cmd, p.done
	if cmd == nil {
		p.mu.Unlock()
		return
	}
	p.killed = true
	p.mu.Unlock()
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-done:
	case <-time.After(grace):
		cmd.Process.Kill()
		<-done
	}
}

// dueRestart reports whether the process is down and its restart is due.
func (p *proc) dueRestart(now time.Time) bool {
	p.mu.Lock()
	up := p.upAt
	p.mu.Unlock()
	return !up.IsZero() && !now.Before(up) && !p.running()
}

// hallProc is the hall server child process.
type hallProc struct {
	proc
	bin, db, addr string
}

func (h *hallProc) args() []string { return []string{"serve", "--addr", h.addr, "--db", h.db} }

func (h *hallProc) startAndWait(ctx context.Context) error {
	if err := h.start(h.bin, h.args()...); err != nil {
		return err
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get("http://" + h.addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if !h.running() {
			h.mu.Lock()
			killed := h.killed
			h.mu.Unlock()
			if killed {
				return nil // a mid-batch kill hit the new hall at once; its restart is scheduled
			}
			return fmt.Errorf("hall did not start; see %s", h.logPath)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("hall not healthy after 30 s; see %s", h.logPath)
}

// admin runs "hall admin ARGS --db DB" and returns its output.
func (h *hallProc) admin(args ...string) (string, error) {
	cmd := exec.Command(h.bin, append(append([]string{"admin"}, args...), "--db", h.db)...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("hall admin %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}

// enrolmentCode makes a one-time code; "hall admin code" prints it last.
func (h *hallProc) enrolmentCode() (string, error) {
	out, err := h.admin("code")
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(lines[len(lines)-1]), nil
}

// termProc is one terminal child process.
type termProc struct {
	proc
	i        int
	dir      string
	args     []string // without -cap-slack
	capUntil time.Time
	capped   bool
	asked    atomic.Bool // a stop has been requested and not yet cleared
	busy     atomic.Bool // the driver is killing or restarting it (driver.async)
	nice     int         // Options.TerminalNice
}

func (t *termProc) startTerminal(bin string, capSlack int) error {
	args := t.args
	t.capped = capSlack > 0
	if t.capped {
		args = append(append([]string{}, args...), "-cap-slack", fmt.Sprint(capSlack))
	}
	// Terminals may run at a lower priority than the hall and the driver
	// (with its fault proxy): Options.TerminalNice.
	if t.nice == 0 {
		return t.start(bin, append([]string{"terminal"}, args...)...)
	}
	// nice execs the terminal in place, so the pid the driver kills is the
	// terminal's, and every thread it starts inherits the priority.
	return t.start("nice", append([]string{"-n", fmt.Sprint(t.nice), bin, "terminal"}, args...)...)
}

func (t *termProc) status() (terminalStatus, bool) {
	var st terminalStatus
	b, err := os.ReadFile(filepath.Join(t.dir, fileStatus))
	if err != nil || json.Unmarshal(b, &st) != nil {
		return st, false
	}
	return st, true
}

// stalled returns the point a terminal stopped at, if it did. Only a
// terminal asked to stop is looked at: two hundred file reads every 25 ms
// kept the loaded driver so busy that it fell minutes behind its plan.
func (t *termProc) stalled() string { return t.askedFile(fileStalled) }

func (t *termProc) requestStall(point string) error {
	t.asked.Store(true)
	return os.WriteFile(filepath.Join(t.dir, fileStall), []byte(point), 0o644)
}

func (t *termProc) stallPending() bool { return t.asked.Load() }

// requestedStall is the stop asked of the terminal and not yet reached, or "".
func (t *termProc) requestedStall() string { return t.askedFile(fileStall) }

// askedFile is the content of one of the stop files of a terminal asked
// to stop, or "".
func (t *termProc) askedFile(name string) string {
	if !t.asked.Load() {
		return ""
	}
	b, err := os.ReadFile(filepath.Join(t.dir, name))
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

func (t *termProc) clearStall() {
	t.asked.Store(false)
	os.Remove(filepath.Join(t.dir, fileStall))
	os.Remove(filepath.Join(t.dir, fileStalled))
}
