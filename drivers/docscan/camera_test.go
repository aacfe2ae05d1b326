package docscan_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"govkiosk/drivers/docscan"
	"govkiosk/kiosk/pages"
	"govkiosk/kiosk/pages/pagetest"
)

var writeFrames = flag.Bool("write-frames", false, "regenerate simframes/*.jpg")

// The simulator's desk photos must flatten into clean pages: the sheet
// found, the desk gone, A4 proportions.
func TestSimulatorFrames(t *testing.T) {
	if *writeFrames {
		for i, deg := range []float64{7, -4} {
			photo := pagetest.DeskPhoto(pagetest.Page(100), 1600, 1200, deg)
			var b bytes.Buffer
			if err := jpeg.Encode(&b, photo, &jpeg.Options{Quality: 80}); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join("simframes", fmt.Sprintf("desk-%d.jpg", i+1)), b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	frames, err := docscan.SimulatorFrames()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := docscan.NewSimulator(frames)
	if err != nil {
		t.Fatal(err)
	}
	for i := range frames {
		raw, err := sim.Capture(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		img, err := pages.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		p, err := pages.Process(img, pages.DefaultOptions())
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !p.Cropped || p.Height*10/p.Width != 14 {
			t.Errorf("frame %d: cropped=%v, %dx%d; want a flattened A4 page", i, p.Cropped, p.Width, p.Height)
		}
	}
	if _, err := docscan.NewSimulator(nil); err == nil {
		t.Error("a simulator without frames was accepted")
	}
}

// No camera is attached to the build machine: what can be tested is that
// a missing device is NoDevice, through the real v4l2-ctl.
func TestCameraWithoutDeviceIsNoDevice(t *testing.T) {
	if _, err := exec.LookPath("v4l2-ctl"); err != nil {
		t.Skip("v4l2-ctl is not installed (scripts/deps.sh installs v4l-utils)")
	}
	c := &docscan.Camera{Path: filepath.Join(t.TempDir(), "video9"), Width: 2592, Height: 1944}
	if _, err := c.Capture(context.Background()); !errors.Is(err, docscan.ErrNoDevice) {
		t.Fatalf("got %v, want NoDevice", err)
	}
}

func TestListCamerasReadsSysfs(t *testing.T) {
	root := t.TempDir()
	for name, files := range map[string]map[string]string{
		"video0": {"name": "USB Document Camera\n", "index": "0\n"},
		"video1": {"name": "USB Document Camera\n", "index": "1\n"}, // UVC metadata node
	} {
		os.Mkdir(filepath.Join(root, name), 0o755)
		for f, text := range files {
			os.WriteFile(filepath.Join(root, name, f), []byte(text), 0o644)
		}
	}
	ds, err := docscan.ListCameras(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || ds[0].Name != "/dev/video0" || ds[0].Model != "USB Document Camera" {
		t.Fatalf("listed %+v, want only /dev/video0", ds)
	}
	if ds, err := docscan.ListCameras(filepath.Join(root, "absent")); err != nil || len(ds) != 0 {
		t.Fatalf("no video4linux: %v %v, want none and no error", ds, err)
	}
}
