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

	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// Remote commands from a real hall on loopback, through real heartbeats:
// each is carried out once, audit-logged on the terminal and acknowledged
// to the hall; restart_app ends the kiosk with exitRestart and is not
// carried out again when the hall resends it after the restart.
func TestRemoteCommandsFromTheHall(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	h, err := hall.Open(ctx, hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	t.Cleanup(func() { srv.Close(); h.Close() })
	code, err := h.NewEnrolmentCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := client.Enroll(ctx, nil, srv.URL, code.Code, "测试终端")
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	os.MkdirAll(data, 0o700)

	// newApp is the kiosk as run() builds it, minus the window: a restart
	// builds a new one over the same data dir.
	quits := 0
	newApp := func() *app {
		cfg := config.DefaultConfig()
		cfg.DataDir = data
		a := &app{cfg: cfg, log: slog.New(slog.DiscardHandler), clock: kiosk.SystemClock{}, quit: func() { quits++ }}
		sealer, _ := creds.NewSealer()
		if a.store, err = store.Open(filepath.Join(data, "kiosk.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer}); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { a.store.Close() })
		if a.client, err = client.New(client.Config{Credentials: creds, Store: a.store, Log: a.log,
			OnCatalog: a.setCatalog, OnCommand: a.onCommand}); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := newApp()
	queue := func(kind, args string) hall.Command {
		c, err := h.QueueCommand(ctx, creds.TerminalID, kind, json.RawMessage(args))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	queue("set_maintenance_message", `{"message":"本机暂停服务，请到其他终端办理"}`)
	queue("reload_catalog", "")
	queue("upload_logs", "")
	restart := queue("restart_app", "")

	if err := a.client.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if got := a.serviceMessage(); got != "本机暂停服务，请到其他终端办理" {
		t.Errorf("maintenance message = %q", got)
	}
	if c, _ := a.Catalog(); a.cat.Load() == nil || c.Version != 1 {
		t.Errorf("reload_catalog did not install the hall's catalogue")
	}
	if quits != 1 || a.exitCode.Load() != exitRestart {
		t.Errorf("restart_app: quit called %d times, exit code %d; want once, %d", quits, a.exitCode.Load(), exitRestart)
	}

	// The restart: a new kiosk whose first heartbeat still gets restart_app
	// (the old one never acknowledged it).
	a.store.Close()
	a = newApp()
	if err := a.client.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if quits != 1 {
		t.Errorf("restart_app carried out again after the restart (%d quits)", quits)
	}
	if err := a.client.Heartbeat(ctx); err != nil { // carries the acks
		t.Fatal(err)
	}
	if pending, err := h.Store().PendingCommands(ctx, creds.TerminalID); err != nil || len(pending) != 0 {
		t.Errorf("the hall still has %d commands pending (%v)", len(pending), err)
	}

	audit, _ := os.ReadFile(filepath.Join(data, "audit.log"))
	lines := strings.Split(strings.TrimSpace(string(audit)), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d audit lines, want one per command (4):\n%s", len(lines), audit)
	}
	for _, want := range []string{`"kind":"set_maintenance_message"`, `本机暂停服务`, `"kind":"reload_catalog"`,
		`"kind":"upload_logs","result":"failed: the hall API has no log upload endpoint`, `"id":"` + restart.ID + `","kind":"restart_app"`} {
		if !strings.Contains(string(audit), want) {
			t.Errorf("audit log lacks %s:\n%s", want, audit)
		}
	}

	// An empty message clears it.
	queue("set_maintenance_message", `{"message":""}`)
	if err := a.client.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if got := a.serviceMessage(); got != "" {
		t.Errorf("message not cleared: %q", got)
	}
}
