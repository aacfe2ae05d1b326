package docscan_test

import (
	"context"
	"errors"
	"os/exec"
	"testing"
	"time"

	"govkiosk/drivers/docscan"
	"govkiosk/kiosk/pages"
)

// testSANE is scanimage over SANE's test backend (Debian sane-utils,
// installed by scripts/deps.sh).
func testSANE(t *testing.T) *docscan.SANE {
	t.Helper()
	if _, err := exec.LookPath("scanimage"); err != nil {
		t.Skip("scanimage is not installed (scripts/deps.sh installs sane-utils)")
	}
	env, err := docscan.TestBackendConfig(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return &docscan.SANE{Env: env, Timeout: 20 * time.Second}
}

func TestListFindsTheTestBackend(t *testing.T) {
	ds, err := testSANE(t).List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || ds[0].Name != "test:0" || ds[0].Type != "virtual device" {
		t.Fatalf("listed %+v, want test:0 and test:1", ds)
	}
}

func TestScanReturnsAPageThePipelineAccepts(t *testing.T) {
	s := testSANE(t)
	for _, colour := range []bool{false, true} {
		raw, err := s.Scan(context.Background(), "test:0", docscan.ScanOptions{Resolution: 150, Colour: colour})
		if err != nil {
			t.Fatal(err)
		}
		img, err := pages.Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 1181 || b.Dy() != 1181 {
			t.Errorf("colour=%v: scanned %v, want 200 mm square at 150 dpi (1181 px)", colour, b)
		}
		o := pages.DefaultOptions()
		o.SourceDPI, o.Colour = 150, colour
		if _, err := pages.Process(img, o); err != nil {
			t.Errorf("colour=%v: the grid did not process: %v", colour, err)
		}
	}
}

// The test backend returns any SANE status on demand; each must become
// its typed error with the citizen's sentence, promptly (no documents
// makes scanimage hang: the watcher must kill it, not the time limit).
func TestDeviceFaultsAreTypedErrors(t *testing.T) {
	s := testSANE(t)
	for _, tc := range []struct {
		status string
		want   error
	}{
		{"SANE_STATUS_JAMMED", docscan.ErrJammed},
		{"SANE_STATUS_NO_DOCS", docscan.ErrNoPaper},
		{"SANE_STATUS_COVER_OPEN", docscan.ErrCoverOpen},
		{"SANE_STATUS_DEVICE_BUSY", docscan.ErrBusy},
		{"SANE_STATUS_IO_ERROR", docscan.ErrUnplugged},
	} {
		start := time.Now()
		_, err := s.Scan(context.Background(), "test:0", docscan.ScanOptions{Resolution: 100, Extra: []string{"--read-return-value", tc.status}})
		var de *docscan.Error
		if !errors.Is(err, tc.want) || !errors.As(err, &de) || de.Message() == "" {
			t.Errorf("%s: got %v, want %v", tc.status, err, tc.want)
		}
		if time.Since(start) >= s.Timeout {
			t.Errorf("%s: waited out the time limit", tc.status)
		}
	}
	if _, err := s.Scan(context.Background(), "nosuch:0", docscan.ScanOptions{Resolution: 100}); !errors.Is(err, docscan.ErrNoDevice) {
		t.Errorf("unknown device: got %v, want NoDevice", err)
	}
	if _, err := s.Scan(context.Background(), "test:0", docscan.ScanOptions{Resolution: 5}); !errors.Is(err, docscan.ErrFailed) {
		t.Errorf("5 dpi: got %v, want a rejected option", err)
	}
}

func TestSlowScanIsBoundedByTheTimeLimit(t *testing.T) {
	s := testSANE(t)
	s.Timeout = 500 * time.Millisecond
	// 200 ms after each 1-byte read: the page would take hours.
	_, err := s.Scan(context.Background(), "test:0", docscan.ScanOptions{Resolution: 150, Extra: []string{
		"--read-limit=yes", "--read-limit-size", "1", "--read-delay=yes", "--read-delay-duration", "200000"}})
	if !errors.Is(err, docscan.ErrTimeout) {
		t.Fatalf("got %v, want Timeout", err)
	}
}

func TestMissingScanimageIsNoDevice(t *testing.T) {
	s := &docscan.SANE{Bin: "/nonexistent/scanimage"}
	if _, err := s.List(context.Background()); !errors.Is(err, docscan.ErrNoDevice) {
		t.Fatalf("got %v, want NoDevice", err)
	}
}
