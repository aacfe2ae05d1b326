package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk/config"
)

// A device moved from serial to HID changes three keys that only make
// sense together: one write, one archive, an audit line per key; and a
// set that fails validation as a whole leaves the file as it was.
func TestSetKeysIsOneWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	orig := "terminal_id = \"K0001\"\nhall_url = \"http://127.0.0.1:8080\"\ndata_dir = \"/var/lib/govkiosk\"\n"
	os.WriteFile(path, []byte(orig), 0o644)
	audit := filepath.Join(dir, "audit.log")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

	// Transport hid without vendor and product is invalid on its own.
	if _, err := config.SetKeys(path, []config.KeyValue{{Key: "scanner.transport", Value: "hid"}}, "t", audit, now); err == nil ||
		!strings.Contains(err.Error(), "scanner.vendor") {
		t.Fatalf("hid alone: %v, want an error naming scanner.vendor", err)
	}
	if b, _ := os.ReadFile(path); string(b) != orig {
		t.Fatalf("a refused set changed the file:\n%s", b)
	}
	chs, err := config.SetKeys(path, []config.KeyValue{
		{Key: "scanner.transport", Value: "hid"}, {Key: "scanner.vendor", Value: "0c2e"}, {Key: "scanner.product", Value: "0b8f"},
		{Key: "scanner.mode", Value: "keyboard"}}, "t", audit, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(chs) != 4 || chs[0].Old != "serial" || chs[0].New != "hid" {
		t.Errorf("changes = %+v", chs)
	}
	c, err := config.Load(path)
	if err != nil || c.Scanner.PortSpec() != "hid:0c2e:0b8f" || c.TerminalID != "K0001" {
		t.Fatalf("after set: %+v %v", c.Scanner, err)
	}
	archives, _ := filepath.Glob(path + ".*")
	if len(archives) != 1 {
		t.Errorf("archives %v, want one", archives)
	}
	if log, _ := os.ReadFile(audit); strings.Count(string(log), "\n") != 4 {
		t.Errorf("audit:\n%s", log)
	}
}
