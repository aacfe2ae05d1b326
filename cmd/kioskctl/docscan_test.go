package main

import (
	"bytes"
	"image/jpeg"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/drivers/docscan"
)

// The real kioskctl against SANE's test backend, enabled through
// [docscan] sane_config_dir as a technician would for a bench test.
func TestScannerDocAgainstTheSANETestBackend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	if _, err := exec.LookPath("scanimage"); err != nil {
		t.Skip("scanimage is not installed (scripts/deps.sh installs sane-utils)")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "kioskctl")
	if out, err := exec.Command("go", "build", "-o", bin, "govkiosk/cmd/kioskctl").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	saneDir := filepath.Join(dir, "sane.d")
	if _, err := docscan.TestBackendConfig(saneDir); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "kiosk.toml")
	if err := os.WriteFile(cfg, []byte("[docscan]\nsane_config_dir = \""+saneDir+"\"\nresolution = 150\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	kioskctl := func(args ...string) (string, int) {
		cmd := exec.Command(bin, append(args, "--config", cfg)...)
		out, err := cmd.CombinedOutput()
		if ee, ok := err.(*exec.ExitError); ok {
			return string(out), ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return string(out), 0
	}

	if out, code := kioskctl("scanner", "doc", "--list"); code != 0 || !strings.Contains(out, "test:0") {
		t.Errorf("--list: exit %d\n%s", code, out)
	}
	page := filepath.Join(dir, "page.jpg")
	if out, code := kioskctl("scanner", "doc", "--device", "test:0", "--out", page); code != 0 || !strings.Contains(out, "150 dpi") {
		t.Fatalf("scan: exit %d\n%s", code, out)
	}
	data, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := jpeg.Decode(bytes.NewReader(data)); err != nil || len(data) > 90*1024 {
		t.Errorf("page: %d bytes, decode %v; want a JPEG ≤ 90 KB", len(data), err)
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--device", "test:0"}, 2, "--out FILE is required"},
		{[]string{"--device", "nosuch:0", "--out", page}, 1, "no device"},
		{[]string{"--device", "test:0", "--out", page, "--resolution", "20"}, 2, "want 100-600"},
		{[]string{"--device", "test:0", "--out", page, "extra"}, 2, "unexpected argument"},
	} {
		out, code := kioskctl(append([]string{"scanner", "doc"}, tc.args...)...)
		if code != tc.code || !strings.Contains(out, tc.want) {
			t.Errorf("%v: exit %d, want %d mentioning %q\n%s", tc.args, code, tc.code, tc.want, out)
		}
	}
}
