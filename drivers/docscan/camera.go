package docscan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Camera is a UVC document camera (高拍仪) captured through V4L2 by
// v4l2-ctl (Debian v4l-utils) as a bounded child process: one MJPEG frame
// at the camera's still resolution, after a few frames for the automatic
// exposure to settle. A child process rather than a Go V4L2 binding keeps
// a wedged driver (USB resets are common on these) killable, as for SANE.
type Camera struct {
	Path          string // /dev/video0
	Width, Height int    // e.g. 2592×1944 (5 Mpx)
	Bin           string // "" is v4l2-ctl on PATH
	Timeout       time.Duration
}

var _ Source = (*Camera)(nil)

// settleFrames are dropped while exposure and white balance adjust.
const settleFrames = 5

func (c *Camera) Capture(ctx context.Context) ([]byte, error) {
	bin := c.Bin
	if bin == "" {
		bin = "v4l2-ctl"
	}
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 15 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-d", c.Path,
		fmt.Sprintf("--set-fmt-video=width=%d,height=%d,pixelformat=MJPG", c.Width, c.Height),
		"--stream-mmap", "--stream-skip="+strconv.Itoa(settleFrames), "--stream-count=1", "--stream-to=-")
	cmd.WaitDelay = 2 * time.Second
	var out limitedBuffer
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	detail := strings.TrimSpace(stderr.String())
	switch {
	case errors.Is(err, exec.ErrNotFound), errors.Is(err, fs.ErrNotExist):
		return nil, &Error{Kind: NoDevice, Device: c.Path, Detail: "v4l2-ctl is not installed (Debian package v4l-utils): " + err.Error()}
	case ctx.Err() != nil:
		return nil, &Error{Kind: Timeout, Device: c.Path, Detail: "no frame within " + timeout.String() + "; " + detail}
	case strings.Contains(detail, "Cannot open device"):
		return nil, &Error{Kind: NoDevice, Device: c.Path, Detail: detail}
	case strings.Contains(detail, "Device or resource busy"):
		return nil, &Error{Kind: Busy, Device: c.Path, Detail: detail}
	case err != nil:
		return nil, &Error{Kind: Unplugged, Device: c.Path, Detail: err.Error() + ": " + detail}
	case !bytes.HasPrefix(out.Bytes(), []byte{0xff, 0xd8}):
		return nil, &Error{Kind: Failed, Device: c.Path, Detail: fmt.Sprintf("frame is not MJPEG (%d bytes); the camera may not offer MJPG at %dx%d", out.Len(), c.Width, c.Height)}
	}
	return out.Bytes(), nil
}

func (c *Camera) DPI() int { return 0 }

func (c *Camera) String() string { return "V4L2{" + c.Path + "}" }

// ListCameras lists the V4L2 capture nodes under sysfs (root is
// /sys/class/video4linux). A UVC camera has a second node for metadata;
// only index 0 captures images.
func ListCameras(root string) ([]Device, error) {
	entries, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("docscan: list cameras: %w", err)
	}
	var ds []Device
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		if idx, err := os.ReadFile(filepath.Join(dir, "index")); err == nil && strings.TrimSpace(string(idx)) != "0" {
			continue
		}
		name, _ := os.ReadFile(filepath.Join(dir, "name"))
		ds = append(ds, Device{Name: "/dev/" + e.Name(), Model: strings.TrimSpace(string(name)), Type: "camera"})
	}
	return ds, nil
}
