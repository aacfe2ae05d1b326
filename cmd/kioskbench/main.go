// Command kioskbench measures the kiosk against a bare Fyne window on the
// same display in the same run: time from exec to a mapped window, and
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
	measure(1, 0, "政务服务自助终端", filepath.Join(dir, "kiosk"), kioskArgs...)
	bare := measure(*runs, *settle, "GovKiosk bare window", filepath.Join(dir, "barewindow"))
	kiosk := measure(*runs, *settle, "政务服务自助终端", filepath.Join(dir, "kiosk"), kioskArgs...)
	fmt.Printf("%-22s %12s %12s %8s\n", "figure", "bare window", "kiosk", "ratio")
	row := func(name string, b, k float64, unit string) {
		fmt.Printf("%-22s %10.0f%-2s %10.0f%-2s %7.2fx\n", name, b, unit, k, unit, k/b)
	}
	row("start to window (p50)", bare.startP50, kiosk.startP50, "ms")
	row("PSS", bare.pss, kiosk.pss, "MB")
	row("RSS", bare.rss, kiosk.rss, "MB")
	fmt.Printf("targets: start ≤ 1.30x (got %.2fx); PSS ≤ bare + 40 MB (got +%.0f MB)\n",
		kiosk.startP50/bare.startP50, kiosk.pss-bare.pss)
}

type result struct{ startP50, pss, rss float64 }

// measure starts the program runs times and returns the median start time
// and the memory of the last run.
func measure(runs int, settle time.Duration, title, path string, args ...string) result {
	var starts []float64
	var r result
	for i := 0; i < runs; i++ {
		cmd := exec.Command(path, args...)
		cmd.Env = append(os.Environ(), "LANG=zh_CN.UTF-8")
		t0 := time.Now()
		if err := cmd.Start(); err != nil {
			fatal(err)
		}
		if !waitMapped(title, 30*time.Second) {
			cmd.Process.Kill()
			fatal(fmt.Errorf("%s: no window titled %q within 30 s", path, title))
		}
		starts = append(starts, float64(time.Since(t0).Milliseconds()))
		if i == runs-1 {
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

// waitMapped polls for a visible window with the title.
func waitMapped(title string, limit time.Duration) bool {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		out, _ := exec.Command("xdotool", "search", "--onlyvisible", "--name", title).Output()
		if len(strings.TrimSpace(string(out))) > 0 {
			return true
		}
		time.Sleep(10 * time.Millisecond)
	}
	return false
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

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "kioskbench:", err)
	os.Exit(1)
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }
