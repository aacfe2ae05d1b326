package logging_test

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/kiosk/logging"
)

func TestRedactsPersonalNumbers(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(logging.Redact(slog.NewJSONHandler(&buf, nil)))
	log.Info("read card 11010519491231002X", "phone", "13812345678", "err", errors.New("bad id 339900195803141234"),
		slog.Group("case", "number", "K0001-20261125-000001-7"), "note", "call 0999-86012345")
	out := buf.String()
	for _, leak := range []string{"11010519491231002X", "13812345678", "339900195803141234"} {
		if strings.Contains(out, leak) {
			t.Errorf("log leaks %s: %s", leak, out)
		}
	}
	for _, keep := range []string{"110105********002X", "138****5678", "K0001-20261125-000001-7", "0999-86012345"} {
		if !strings.Contains(out, keep) {
			t.Errorf("log lost %s: %s", keep, out)
		}
	}
}

func TestFileLoggerAndExport(t *testing.T) {
	data := t.TempDir()
	log, closer, err := logging.New(data, "kiosk", nil)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("started", "version", "test")
	closer.Close()
	usb := t.TempDir()
	dst, n, err := logging.Export(data, usb, "20261125T120000")
	if err != nil || n != 1 {
		t.Fatalf("export = %d, %v", n, err)
	}
	b, err := os.ReadFile(filepath.Join(dst, "kiosk.log"))
	if err != nil || !strings.Contains(string(b), `"msg":"started"`) {
		t.Errorf("exported log: %s %v", b, err)
	}
	if _, _, err := logging.Export(data, filepath.Join(usb, "missing"), "x"); err == nil {
		t.Error("export to a missing folder succeeded")
	}
}

// A full USB stick: the export refuses with ErrNoSpace and leaves nothing
// half-written. Needs a small tmpfs (root and mount permission); skipped
// where the machine cannot mount.
func TestExportToFullStick(t *testing.T) {
	stick := t.TempDir()
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", stick).Run(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	defer exec.Command("umount", stick).Run()
	data := t.TempDir()
	os.MkdirAll(logging.Dir(data), 0o700)
	os.WriteFile(filepath.Join(logging.Dir(data), "kiosk.log"), bytes.Repeat([]byte("x"), 2<<20), 0o600)
	_, _, err := logging.Export(data, stick, "20261125T120000")
	if !errors.Is(err, logging.ErrNoSpace) {
		t.Fatalf("export to a full stick: %v", err)
	}
	if entries, _ := os.ReadDir(stick); len(entries) != 0 {
		t.Errorf("left %d entries on the stick", len(entries))
	}
}
