// Command kioskbench measures the kiosk against a bare Fyne window on the
// same display in the same run: time from exec to the first frame drawn
// (each program logs it: the kiosk's "kiosk ready", barewindow's "first
// frame", both from the same probe, see ui.Options.OnFirstFrame), and
// memory (PSS and RSS from /proc/PID/smaps_rollup) once the home screen
// has settled. It prints each figure beside the baseline and the ratio.
//
//	DISPLAY=:99 go run ./cmd/kioskbench -runs 5
//
// Targets (issue 5): cold start ≤ 1.3× the bare window's; PSS ≤ bare + 40 MB.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "runs of each program")
	settle := flag.Duration("settle", 3*time.Second, "wait after the window maps before reading memory")
	flag.Parse()
	if os.Getenv("DISPLAY") == "" {
		fmt.Fprintln(os.Stderr, "kioskbench: needs an X display (DISPLAY); e.g. Xvfb :99 -screen 0 1080x1920x24 &")
		os.Exit(2)
	}
	dir, err := os.MkdirTemp("", "kioskbench")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, c := range []string{"barewindow", "kiosk", "devsim"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, c), "govkiosk/cmd/"+c).CombinedOutput(); err != nil {
			fatal(fmt.Errorf("build %s: %v\n%s", c, err, out))
		}
	}
	// The kiosk runs as in the field: its own process, devices on their
	// ports (devsim's simulators), no hall; one unmeasured run first
	// installs the catalogue into the new store.
	devDir := filepath.Join(dir, "dev")
	devsim := exec.Command(filepath.Join(dir, "devsim"), "--dir", devDir)
	if err := devsim.Start(); err != nil {
		fatal(err)
	}
	defer devsim.Process.Kill()
	atExit = func() { devsim.Process.Kill(); os.RemoveAll(dir) }
	for i := 0; i < 100 && !exists(filepath.Join(devDir, "scanner")); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	cfg := filepath.Join(dir, "kiosk.toml")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`terminal_id = "K0001"
data_dir = %q
[idcard]
port = %q
[printer]
port = %q
[scanner]
port = %q
`, filepath.Join(dir, "data"), filepath.Join(devDir, "idcard"), filepath.Join(devDir, "printer"), filepath.Join(devDir, "scanner"))), 0o644)
	kioskArgs := []string{"--config", cfg, "--windowed"}
	const kioskReady, bareReady = `"msg":"kiosk ready"`, "first frame"
	measure(1, 0, kioskReady, filepath.Join(dir, "kiosk"), kioskArgs...)
	// The two programs take turns, run by run, so that whatever else the
	// machine is doing weighs on both alike; the ratio is the median of
	// each turn's kiosk/bare ratio.
	var bares, kiosks []result
	var ratios []float64
	for i := 0; i < *runs; i++ {
		last := i == *runs-1
		b := measure(1, settleIf(last, *settle), bareReady, filepath.Join(dir, "barewindow"))
		k := measure(1, settleIf(last, *settle), kioskReady, filepath.Join(dir, "kiosk"), kioskArgs...)
		bares, kiosks = append(bares, b), append(kiosks, k)
		ratios = append(ratios, k.startP50/b.startP50)
	}
	bare, kiosk := median(bares), median(kiosks)
	slices.Sort(ratios)
	startRatio := ratios[len(ratios)/2]
	fmt.Printf("%-22s %12s %12s %8s\n", "figure", "bare window", "kiosk", "ratio")
	row := func(name string, b, k float64, unit string) {
		fmt.Printf("%-22s %10.0f%-2s %10.0f%-2s %7.2fx\n", name, b, unit, k, unit, k/b)
	}
	row("start to frame (p50)", bare.startP50, kiosk.startP50, "ms")
	row("PSS", bare.pss, kiosk.pss, "MB")
	row("RSS", bare.rss, kiosk.rss, "MB")
	fmt.Printf("targets: start ≤ 1.30x (got %.2fx, median of %d paired runs); PSS ≤ bare + 40 MB (got %+.0f MB; RSS %+.0f MB)\n",
		startRatio, *runs, kiosk.pss-bare.pss, kiosk.rss-bare.rss)
}

func settleIf(last bool, d time.Duration) time.Duration {
	if last {
		return d
	}
	return 0
}

// median is the median start time of rs, with the memory of the last
// (the only one measured after settling).
func median(rs []result) result {
	var starts []float64
	for _, r := range rs {
		starts = append(starts, r.startP50)
	}
	slices.Sort(starts)
	m := rs[len(rs)-1]
	m.startP50 = starts[len(starts)/2]
	return m
}

type result struct{ startP50, pss, rss float64 }

// measure starts the program runs times and returns the median time to
// the line on its stderr that says its first frame is drawn, and the
// memory of the last run.
func measure(runs int, settle time.Duration, ready, path string, args ...string) result {
	var starts []float64
	var r result
	for i := 0; i < runs; i++ {
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
		}()
		select {
		case d := <-seen:
			starts = append(starts, float64(d.Milliseconds()))
		case <-time.After(30 * time.Second):
			cmd.Process.Kill()
			fatal(fmt.Errorf("%s: no %q on stderr within 30 s", path, ready))
		}
		if i == runs-1 && settle > 0 {
			time.Sleep(settle)
			r.pss, r.rss = memory(cmd.Process.Pid)
		}
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			<-done
		}
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

// atExit is what fatal must undo that defers would have: the simulators
// outlive an os.Exit otherwise.
var atExit = func() {}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "kioskbench:", err)
	atExit()
	os.Exit(1)
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }
