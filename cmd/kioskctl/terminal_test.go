package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// terminalEnv is a config file, a data dir and a real hall on loopback.
type terminalEnv struct {
	cfg, data string
	hall      *hall.Server
	url       string
}

func newTerminalEnv(t *testing.T) *terminalEnv {
	t.Helper()
	dir := t.TempDir()
	h, err := hall.Open(context.Background(), hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() { srv.Close(); h.Close() })
	e := &terminalEnv{cfg: filepath.Join(dir, "kiosk.toml"), data: filepath.Join(dir, "data"), hall: h, url: srv.URL}
	os.WriteFile(e.cfg, []byte("terminal_id = \"K0001\"\nhall_url = \""+srv.URL+"\"\ndata_dir = \""+e.data+"\"\n"), 0o644)
	return e
}

func TestEnrollStatusOutbox(t *testing.T) {
	e := newTerminalEnv(t)
	ctx := context.Background()
	code, err := e.hall.NewEnrolmentCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c, _, errOut := kioskctl("enroll", code.Code, "--config", e.cfg, "--name", "一楼3号机"); c != 0 {
		t.Fatalf("enroll: %d %s", c, errOut)
	}
	fi, err := os.Stat(filepath.Join(e.data, client.CredentialsFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials: %v %v", fi, err)
	}
	if c, _, errOut := kioskctl("enroll", code.Code, "--config", e.cfg); c != 1 || !strings.Contains(errOut, "codes work once") {
		t.Errorf("reused code: %d %s", c, errOut)
	}

	// A store with one case waiting.
	creds, _ := client.LoadCredentials(e.data)
	sealer, _ := creds.NewSealer()
	s, err := store.Open(filepath.Join(e.data, "kiosk.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	kc := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: "339900-RS-GG-0001", ItemName: "x", CatalogVersion: 1,
		SubmittedAt: now, MaskedName: "测*甲", Applicant: &kiosk.Identity{Name: "测试甲"}, Timeline: []kiosk.StatusEvent{{Status: "submitted", At: now}}}
	if err := s.SubmitCase(ctx, kc); err != nil {
		t.Fatal(err)
	}
	s.Close()

	c, out, _ := kioskctl("status", "--json", "--config", e.cfg)
	var st statusJSON
	if c != 0 || json.Unmarshal([]byte(out), &st) != nil || !st.Enrolled || !st.HallReachable || st.OutboxPending != 1 || st.TerminalID != "K0001" {
		t.Errorf("status: %d %s", c, out)
	}
	c, out, _ = kioskctl("outbox", "list", "--json", "--config", e.cfg)
	var list []outboxJSON
	if c != 0 || json.Unmarshal([]byte(out), &list) != nil || len(list) != 1 || list[0].Number != kc.Number {
		t.Errorf("outbox list: %d %s", c, out)
	}
	if c, out, _ := kioskctl("outbox", "retry", "--config", e.cfg); c != 0 || !strings.Contains(out, "1 entries") {
		t.Errorf("outbox retry: %d %s", c, out)
	}
	audit, _ := os.ReadFile(filepath.Join(e.data, "audit.log"))
	if !strings.Contains(string(audit), `"action":"enroll"`) || !strings.Contains(string(audit), `"action":"outbox retry"`) {
		t.Errorf("audit log: %s", audit)
	}
}

func TestConfigCommands(t *testing.T) {
	e := newTerminalEnv(t)
	if c, out, _ := kioskctl("config", "show", "--config", e.cfg); c != 0 || !strings.Contains(out, `terminal_id = "K0001"`) || !strings.Contains(out, "width = 80") {
		t.Errorf("show: %d %s", c, out)
	}
	if c, out, _ := kioskctl("config", "set", "printer.width", "58", "--config", e.cfg); c != 0 || !strings.Contains(out, "80 → 58") {
		t.Errorf("set: %d %s", c, out)
	}
	if c, _, errOut := kioskctl("config", "set", "printer.widht", "58", "--config", e.cfg); c != 1 || !strings.Contains(errOut, "printer.widht: unknown key") {
		t.Errorf("set typo: %d %s", c, errOut)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	os.WriteFile(bad, []byte("langauge = \"zh\"\n"), 0o644)
	if c, _, errOut := kioskctl("config", "validate", bad); c != 1 || !strings.Contains(errOut, "langauge: unknown key") {
		t.Errorf("validate bad: %d %s", c, errOut)
	}
	if c, out, _ := kioskctl("config", "validate", "--config", e.cfg); c != 0 || !strings.Contains(out, "ok") {
		t.Errorf("validate: %d %s", c, out)
	}
	if c, _, errOut := kioskctl("status", "--config", "/nonexistent/kiosk.toml"); c != 1 || !strings.Contains(errOut, "no configuration at") {
		t.Errorf("missing config: %d %s", c, errOut)
	}
}
