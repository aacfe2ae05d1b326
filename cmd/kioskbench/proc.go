package main

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

type result struct {
	startP50, pss, rss float64
	idlePSS, idleRSS   float64 // after a flow, once idle (afterFlow's idle)
}

// running is a measured program, started and past its ready line.
type running struct {
	cmd   *exec.Cmd
	start time.Duration // from exec to the ready line
	done  chan struct{} // closed when it has exited
}

// launch starts the program and waits up to 30 s for the line on its
// stderr that says its first frame is drawn.
func launch(ready, path string, args ...string) *running {
	cmd := exec.Command(path, args...)
	cmd.Env = append(os.Environ(), "LANG=zh_CN.UTF-8")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		fatal(err)
	}
	t0 := time.Now()
	if err := cmd.Start(); err != nil {
		fatal(err)
	}
	r := &running{cmd: cmd, done: make(chan struct{})}
	seen := make(chan time.Duration, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if strings.Contains(sc.Text(), ready) {
				select { // the first one only; keep draining the pipe
				case seen <- time.Since(t0):
				default:
				}
			}
		}
		cmd.Wait() // after the pipe's last read, as Wait closes it
		close(r.done)
	}()
	select {
	case r.start = <-seen:
		return r
	case <-r.done:
		fatal(fmt.Errorf("%s exited before %q on stderr", path, ready))
	case <-time.After(30 * time.Second):
		r.stop()
		fatal(fmt.Errorf("%s: no %q on stderr within 30 s", path, ready))
	}
	return nil
}

// stop interrupts the program and kills it if it has not exited after 5 s.
func (r *running) stop() {
	r.cmd.Process.Signal(os.Interrupt)
	select {
	case <-r.done:
	case <-time.After(5 * time.Second):
		r.cmd.Process.Kill()
		<-r.done
	}
}

// measure starts the program runs times and returns the median time to
// its ready line, and the memory of the last run settle after it (none
// if settle is 0).
func measure(runs int, settle time.Duration, ready, path string, args ...string) result {
	var starts []float64
	var r result
	for i := 0; i < runs; i++ {
		p := launch(ready, path, args...)
		starts = append(starts, float64(p.start.Milliseconds()))
		if i == runs-1 && settle > 0 {
			time.Sleep(settle)
			r.pss, r.rss = memory(p.cmd.Process.Pid)
		}
		p.stop()
	}
	slices.Sort(starts)
	r.startP50 = starts[len(starts)/2]
	return r
}

// memory reads PSS and RSS in MB from /proc/PID/smaps_rollup.
func memory(pid int) (pss, rss float64) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/smaps_rollup", pid))
	if err != nil {
		fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "Pss:":
			pss = kb / 1024
		case "Rss:":
			rss = kb / 1024
		}
	}
	return pss, rss
}
