package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk/config"
)

func TestSetArchivesAndAudits(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "kiosk.toml")
	orig := "terminal_id = \"K0001\"\nhall_url = \"http://127.0.0.1:8080\"\ndata_dir = \"/var/lib/govkiosk\"\n"
	os.WriteFile(path, []byte(orig), 0o644)
	audit := filepath.Join(dir, "audit.log")
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)

	ch, err := config.Set(path, "printer.width", "58", "tech1", audit, now)
	if err != nil {
		t.Fatal(err)
	}
	if ch.Old != "80" || ch.New != "58" {
		t.Errorf("change = %+v", ch)
	}
	c, err := config.Load(path)
	if err != nil || c.Printer.Width != 58 || c.TerminalID != "K0001" {
		t.Fatalf("after set: %+v, %v", c, err)
	}
	if a, _ := os.ReadFile(path + ".20261125T120000"); string(a) != orig {
		t.Errorf("archive = %q", a)
	}
	log, _ := os.ReadFile(audit)
	if !strings.Contains(string(log), `"Who":"tech1"`) || !strings.Contains(string(log), `"Old":"80"`) {
		t.Errorf("audit = %s", log)
	}

	for _, tt := range []struct{ key, value, want string }{
		{"printer.widht", "58", "unknown key"},
		{"printer.width", "wide", "not a whole number"},
		{"printer.width", "76", "want 58 or 80"},
		{"idle_timeout", "2s", "idle_timeout"},
		{"elderly_mode", "maybe", "not true or false"},
	} {
		before, _ := os.ReadFile(path)
		if _, err := config.Set(path, tt.key, tt.value, "tech1", audit, now.Add(time.Hour)); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Set(%s, %s) = %v", tt.key, tt.value, err)
		}
		if after, _ := os.ReadFile(path); string(after) != string(before) {
			t.Errorf("failed Set(%s) changed the file", tt.key)
		}
	}
	if _, err := config.Set(path, "idle_timeout", "2m", "tech1", audit, now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if c, _ := config.Load(path); c.IdleTimeout.Duration != 2*time.Minute {
		t.Errorf("idle_timeout = %v", c.IdleTimeout)
	}
}

func TestKeys(t *testing.T) {
	keys := strings.Join(config.Keys(), " ")
	for _, k := range []string{"terminal_id", "hall_url", "data_dir", "idle_timeout", "language", "elderly_mode", "retention",
		"idcard.transport", "idcard.port", "idcard.baud", "idcard.vendor", "printer.width", "scanner.mode"} {
		if !strings.Contains(" "+keys+" ", " "+k+" ") {
			t.Errorf("missing key %s in %s", k, keys)
		}
	}
}
