// Package xdrive drives the real kiosk binary on an X display as a citizen
// would, with xdotool taps and ImageMagick screenshots: the end-to-end test
// and kioskbench share it, so the coordinates of the 1080×1920 portrait
// layout live in one place (flow.go).
package xdrive

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// MissingTool returns an error naming the first program a Driver runs
// (xdotool, ImageMagick's import) that is not installed, or Xvfb too when
// xvfb is set: callers skip or stop.
func MissingTool(xvfb bool) error {
	tools := []string{"xdotool", "import"}
	if xvfb {
		tools = append(tools, "Xvfb")
	}
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			return fmt.Errorf("%s not installed: %w", tool, err)
		}
	}
	return nil
}

// StartXvfb starts Xvfb on a free display with a screen of size
// ("1680x1920x24") and returns ":N" once the server answers, and stop,
// which ends it. Displays are tried from one picked by pid, so parallel
// test binaries rarely race for the same; one that loses the race tries
// the next.
func StartXvfb(size string) (display string, stop func(), err error) {
	for n := 90 + os.Getpid()%200; n < 1000; n++ {
		if exists(fmt.Sprintf("/tmp/.X%d-lock", n)) || exists(fmt.Sprintf("/tmp/.X11-unix/X%d", n)) {
			continue
		}
		display := ":" + strconv.Itoa(n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", size, "-nolisten", "tcp")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			return "", nil, fmt.Errorf("start Xvfb: %w", err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		stop := func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		}
		if answers(display, done) {
			return display, stop, nil
		}
		stop()
	}
	return "", nil, errors.New("start Xvfb: no free X display between :90 and :999")
}

// answers waits up to 20 s for the X server on display to answer, or for
// it to exit (it lost the race for the display).
func answers(display string, exited <-chan struct{}) bool {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return false
		case <-time.After(100 * time.Millisecond):
		}
		probe := exec.Command("xdotool", "getdisplaygeometry")
		probe.Env = append(os.Environ(), "DISPLAY="+display)
		if probe.Run() == nil {
			return true
		}
	}
	return false
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
