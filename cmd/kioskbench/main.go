// Command kioskbench measures the kiosk against a bare Fyne window on the
// same display in the same run: time from exec to the first frame drawn
// (each program logs it: the kiosk's "kiosk ready", barewindow's "first
// frame", both from the same probe, see ui.Options.OnFirstFrame), and
// memory (PSS and RSS from /proc/PID/smaps_rollup) once the home screen
// has settled after start-up and again after one full flow: a citizen's
// whole application driven with xdotool (internal/xdrive, the end-to-end
// test's flow), ended with completing and leaving (完成并退出): 3 s after
// it, and once idle on the home screen (-idle, 90 s: Fyne keeps the
// renderers and textures of screens left behind for a minute, and the
// kiosk gives the memory back after that). It prints each figure beside
// the baseline and the ratio.
//
//	DISPLAY=:99 go run ./cmd/kioskbench -runs 5
//	scripts/with-display.sh go run ./cmd/kioskbench -runs 3 -shot /tmp/after-flow.png
//
// Targets (issue 5): cold start ≤ 1.3× the bare window's; PSS after a
// flow ≤ bare + 40 MB.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"time"

	"govkiosk/internal/xdrive"
)

const kioskReady, bareReady = `"msg":"kiosk ready"`, "first frame"

func main() {
	runs := flag.Int("runs", 5, "runs of each program")
	settle := flag.Duration("settle", 3*time.Second, "wait after the window maps, or the flow ends, before reading memory")
	idle := flag.Duration("idle", 90*time.Second, "read the kiosk's memory again this long after the flow ends, once idle on the home screen (0: don't)")
	flow := flag.Bool("flow", true, "also measure memory after one full flow (needs xdotool and ImageMagick's import)")
	shot := flag.String("shot", "", "save the kiosk window as PNG here at the reading after the flow")
	flag.Parse()
	if os.Getenv("DISPLAY") == "" {
		fmt.Fprintln(os.Stderr, "kioskbench: needs an X display (DISPLAY); e.g. Xvfb :99 -screen 0 1080x1920x24 &")
		os.Exit(2)
	}
	if *flow {
		if err := xdrive.MissingTool(false); err != nil {
			fmt.Fprintf(os.Stderr, "kioskbench: the flow needs it (or run with -flow=false): %v\n", err)
			os.Exit(2)
		}
	}
	dir, err := os.MkdirTemp("", "kioskbench")
	if err != nil {
		fatal(err)
	}
	defer os.RemoveAll(dir)
	for _, c := range []string{"barewindow", "kiosk", "devsim", "hall", "kioskctl"} {
		if out, err := exec.Command("go", "build", "-o", filepath.Join(dir, c), "govkiosk/cmd/"+c).CombinedOutput(); err != nil {
			fatal(fmt.Errorf("build %s: %v\n%s", c, err, out))
		}
	}
	// The kiosk runs as in the field: its own process, devices on their
	// ports (devsim's simulators, which take "place CARD" on stdin), no
	// hall; one unmeasured run first installs the catalogue into the new
	// store.
	devDir := filepath.Join(dir, "dev")
	devsim := exec.Command(filepath.Join(dir, "devsim"), "--dir", devDir)
	devsimIn, err := devsim.StdinPipe()
	if err != nil {
		fatal(err)
	}
	if err := devsim.Start(); err != nil {
		fatal(err)
	}
	defer devsim.Process.Kill()
	atExit = append(atExit, func() { os.RemoveAll(dir) }, func() { devsim.Process.Kill() })
	for i := 0; i < 100 && !exists(filepath.Join(devDir, "scanner")); i++ {
		time.Sleep(50 * time.Millisecond)
	}
	kioskConfig := func(name, hallURL string) string {
		cfg := filepath.Join(dir, name+".toml")
		err := os.WriteFile(cfg, []byte(fmt.Sprintf(`terminal_id = "K0001"
hall_url = %q
data_dir = %q
[idcard]
port = %q
[printer]
port = %q
[scanner]
port = %q
`, hallURL, filepath.Join(dir, name), filepath.Join(devDir, "idcard"), filepath.Join(devDir, "printer"), filepath.Join(devDir, "scanner"))), 0o644)
		if err != nil {
			fatal(err)
		}
		return cfg
	}
	kioskArgs := []string{"--config", kioskConfig("data", ""), "--windowed"}
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

	var field, demo result
	if *flow {
		// The field configuration, the headline: the kiosk process alone,
		// its devices devsim's, enrolled at a hall process, so the case
		// and the rating are sent as in a service hall.
		h := startHall(filepath.Join(dir, "hall"), dir)
		atExit = append(atExit, h.stop)
		cfg := kioskConfig("field", h.url)
		h.enrol(filepath.Join(dir, "kioskctl"), cfg)
		devsimSay := func(cmd string) {
			if _, err := io.WriteString(devsimIn, cmd+"\n"); err != nil {
				fatal(fmt.Errorf("devsim %s: %w", cmd, err))
			}
		}
		field = afterFlow(*settle, *idle, *shot,
			func(*xdrive.Driver) { devsimSay("place " + xdrive.Card) },
			func() { devsimSay("remove") },
			filepath.Join(dir, "kiosk"), "--config", cfg, "--windowed")
		h.stop()
		// Demo mode, for comparison: the same process also runs the
		// simulators, an embedded hall and the simulator panel's window.
		demo = afterFlow(*settle, 0, "",
			func(d *xdrive.Driver) { d.PlaceCardOnPanel(d.Window(xdrive.PanelWindow)) },
			func() {}, // the card stays: after 完成并退出 the kiosk ignores its removal
			filepath.Join(dir, "kiosk"), "--demo", "--windowed", "--data-dir", filepath.Join(dir, "demo"))
	}

	fmt.Printf("%-26s %12s %12s %8s\n", "figure", "bare window", "kiosk", "ratio")
	row := func(name string, b, k float64, unit string) {
		fmt.Printf("%-26s %10.0f%-2s %10.0f%-2s %7.2fx\n", name, b, unit, k, unit, k/b)
	}
	row("start to frame (p50)", bare.startP50, kiosk.startP50, "ms")
	row("PSS after start-up", bare.pss, kiosk.pss, "MB")
	row("RSS after start-up", bare.rss, kiosk.rss, "MB")
	if *flow {
		row("PSS after a flow", bare.pss, field.pss, "MB")
		row("RSS after a flow", bare.rss, field.rss, "MB")
		if *idle > 0 {
			row(fmt.Sprintf("PSS %s after a flow", *idle), bare.pss, field.idlePSS, "MB")
			row(fmt.Sprintf("RSS %s after a flow", *idle), bare.rss, field.idleRSS, "MB")
		}
		row("PSS after a flow (demo)", bare.pss, demo.pss, "MB")
		row("RSS after a flow (demo)", bare.rss, demo.rss, "MB")
		fmt.Println("after a flow: the kiosk process alone, enrolled at a hall process, devices on devsim; " +
			"(demo): kiosk --demo, whose process also holds the simulators, an embedded hall and the simulator panel's window")
	}
	fmt.Printf("targets: start ≤ 1.30x (got %.2fx, median of %d paired runs); ", startRatio, *runs)
	if *flow {
		fmt.Printf("PSS after a flow ≤ bare + 40 MB (got %+.0f MB %s after it, %+.0f MB after %s idle; RSS %+.0f MB; after start-up %+.0f MB)\n",
			field.pss-bare.pss, *settle, field.idlePSS-bare.pss, *idle, field.rss-bare.rss, kiosk.pss-bare.pss)
	} else {
		fmt.Printf("PSS ≤ bare + 40 MB (after start-up only: got %+.0f MB; RSS %+.0f MB)\n", kiosk.pss-bare.pss, kiosk.rss-bare.rss)
	}
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

// atExit is what fatal must undo that defers would have, last first: the
// simulators and the hall outlive an os.Exit otherwise.
var atExit []func()

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "kioskbench:", err)
	for _, f := range slices.Backward(atExit) {
		f()
	}
	os.Exit(1)
}

func exists(p string) bool { _, err := os.Lstat(p); return err == nil }
