package xdrive

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// Driver taps and watches the kiosk's window on one X display.
//
// A flow is a long run of taps and waits, so the Driver keeps the first
// error (as bufio.Writer does) instead of returning one from every call:
// once a step has failed the later ones do nothing, and Err says what
// failed, with a screenshot of the whole screen saved for the reader.
type Driver struct {
	Display string
	// Kiosk is the kiosk window's id (see Window); WaitFor watches it.
	Kiosk string
	// Exited, when closed, means the kiosk has exited: waits stop at once.
	Exited <-chan struct{}
	// Timeout bounds each wait; 60 s if zero, generous for a loaded machine.
	Timeout time.Duration

	err error
}

// Px is a pixel of the kiosk window expected to have colour RGB (0xRRGGBB).
type Px struct {
	X, Y int
	RGB  uint32
}

// Err is the first failure, or nil.
func (d *Driver) Err() error { return d.err }

// Failf records a failure found by the caller (a missing print job, say)
// with a screenshot, unless one was already recorded.
func (d *Driver) Failf(format string, args ...any) {
	if d.err != nil {
		return
	}
	msg := fmt.Sprintf(format, args...)
	if f, err := os.CreateTemp("", "govkiosk-xdrive-*.png"); err == nil {
		f.Close()
		if _, err := d.run("import", "-window", "root", f.Name()); err == nil {
			msg += " (screenshot " + f.Name() + ")"
		} else {
			os.Remove(f.Name())
		}
	}
	d.err = fmt.Errorf("xdrive: %s", msg)
}

func (d *Driver) timeout() time.Duration {
	if d.Timeout > 0 {
		return d.Timeout
	}
	return 60 * time.Second
}

func (d *Driver) exited() bool {
	select {
	case <-d.Exited:
		return true
	default:
		return false
	}
}

func (d *Driver) run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+d.Display)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return out.String(), nil
}

// Xdo runs xdotool with args.
func (d *Driver) Xdo(args ...string) {
	if d.err != nil {
		return
	}
	if _, err := d.run("xdotool", args...); err != nil {
		d.Failf("%v", err)
	}
}

// Window waits for the visible window whose name matches the regular
// expression re and returns its id ("" after a failure).
func (d *Driver) Window(re string) string {
	deadline := time.Now().Add(d.timeout())
	for d.err == nil {
		out, err := d.run("xdotool", "search", "--onlyvisible", "--name", re)
		if f := strings.Fields(out); err == nil && len(f) > 0 {
			return f[0]
		}
		switch {
		case d.exited():
			d.Failf("the kiosk exited before window %q appeared", re)
		case time.Now().After(deadline):
			d.Failf("no window %q after %v", re, d.timeout())
		}
		time.Sleep(200 * time.Millisecond)
	}
	return ""
}

// Click taps window-relative (x, y). The pause after it keeps two taps on
// one key from reading as a double tap.
func (d *Driver) Click(win string, x, y int) {
	d.Xdo("mousemove", "--window", win, strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	time.Sleep(250 * time.Millisecond)
}

// Raise puts win above the others, for a screen too narrow to show the
// kiosk and the demo panel side by side: taps land on the top window.
func (d *Driver) Raise(win string) {
	d.Xdo("windowraise", win)
	time.Sleep(100 * time.Millisecond)
}

// shot is a screenshot of the kiosk window.
func (d *Driver) shot() (image.Image, error) {
	cmd := exec.Command("import", "-window", d.Kiosk, "png:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+d.Display)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("import -window %s: %w", d.Kiosk, err)
	}
	return png.Decode(bytes.NewReader(out))
}

// SaveShot writes a screenshot of the kiosk window to path as PNG.
func (d *Driver) SaveShot(path string) error {
	_, err := d.run("import", "-window", d.Kiosk, path)
	return err
}

// WaitFor polls screenshots of the kiosk window until every pixel of want
// has its colour (within a small tolerance); what names the screen in the
// error.
func (d *Driver) WaitFor(what string, want ...Px) {
	deadline := time.Now().Add(d.timeout())
	for d.err == nil {
		var last string
		img, err := d.shot()
		if err == nil {
			ok := true
			var got []string
			for _, p := range want {
				r, g, b, _ := img.At(p.X, p.Y).RGBA()
				c := uint32(r>>8)<<16 | uint32(g>>8)<<8 | uint32(b>>8)
				got = append(got, fmt.Sprintf("(%d,%d)=%06X want %06X", p.X, p.Y, c, p.RGB))
				ok = ok && near(c, p.RGB)
			}
			if ok {
				return
			}
			last = strings.Join(got, " ")
		} else {
			last = err.Error()
		}
		switch {
		case d.exited():
			d.Failf("the kiosk exited while waiting for %s", what)
		case time.Now().After(deadline):
			d.Failf("waiting for %s: after %v %s", what, d.timeout(), last)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

func near(a, b uint32) bool {
	for shift := 0; shift <= 16; shift += 8 {
		x, y := int(a>>shift&0xFF), int(b>>shift&0xFF)
		if x-y > 6 || y-x > 6 {
			return false
		}
	}
	return true
}
