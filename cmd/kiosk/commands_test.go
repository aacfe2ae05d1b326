package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/logging"
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
	hallLog := &syncBuffer{}
	h, err := hall.Open(ctx, hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.NewJSONHandler(hallLog, nil))})
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
	// A log as the kiosk writes it, for upload_logs to send.
	klog, closer, err := logging.New(data, "kiosk", nil)
	if err != nil {
		t.Fatal(err)
	}
	klog.Info("kiosk starting", "version", "test-1.0")
	closer.Close()

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
	message := queue("set_maintenance_message", `{"message":"本机暂停服务，请到其他终端办理"}`)
	reload := queue("reload_catalog", "")
	upload := queue("upload_logs", "")
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
		`"kind":"upload_logs","result":"ok: 1 files, `, `"id":"` + restart.ID + `","kind":"restart_app"`} {
		if !strings.Contains(string(audit), want) {
			t.Errorf("audit log lacks %s:\n%s", want, audit)
		}
	}

	// upload_logs sent the log to the hall, as the answer to its command.
	bundles, err := h.Store().LogBundles(ctx, creds.TerminalID)
	if err != nil || len(bundles) != 1 || bundles[0].CommandID != upload.ID || bundles[0].Files != 1 {
		t.Fatalf("the hall holds log bundles %+v (%v); want one for command %s", bundles, err, upload.ID)
	}
	uploaded := fmt.Sprintf("ok: 1 files, %d bytes, bundle %s", bundles[0].Bytes, bundles[0].ID)
	if want := `"result":"` + uploaded + `"`; !strings.Contains(string(audit), want) {
		t.Errorf("audit log lacks %s:\n%s", want, audit)
	}

	// The hall's end: each result as the terminal's audit has it, restart_app's
	// too though its ack came from the next process, and one log line each.
	cmds, err := h.Commands(ctx, creds.TerminalID, 10)
	if err != nil {
		t.Fatal(err)
	}
	results := map[string]string{}
	for _, c := range cmds {
		results[c.ID] = c.Result
		if c.AckedAt.IsZero() {
			t.Errorf("command %s (%s) not acknowledged at the hall", c.ID, c.Kind)
		}
	}
	want := map[string]string{message.ID: "ok", reload.ID: "ok", upload.ID: uploaded, restart.ID: "ok"}
	if !maps.Equal(results, want) {
		t.Errorf("results at the hall %v, want %v", results, want)
	}
	for id, kind := range map[string]string{message.ID: "set_maintenance_message", reload.ID: "reload_catalog", upload.ID: "upload_logs", restart.ID: "restart_app"} {
		line := fmt.Sprintf(`"msg":"remote command acknowledged","terminal":%q,"id":%q,"kind":%q,"result":%q`, creds.TerminalID, id, kind, want[id])
		if n := strings.Count(hallLog.String(), line); n != 1 {
			t.Errorf("hall log has %d lines %s, want 1:\n%s", n, line, hallLog)
		}
	}
	bundle, err := h.Store().LogBundle(ctx, bundles[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := unpackOne(t, bundle.Data, "kiosk.log"); !strings.Contains(got, `"msg":"kiosk starting","version":"test-1.0"`) {
		t.Errorf("uploaded kiosk.log is not the kiosk's log:\n%s", got)
	}
	// Without logs the command fails, and says why.
	os.RemoveAll(logging.Dir(data))
	queue("upload_logs", "")
	if err := a.client.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if audit, _ := os.ReadFile(filepath.Join(data, "audit.log")); !strings.Contains(string(audit), `"kind":"upload_logs","result":"failed: pack logs: `) {
		t.Errorf("upload_logs without logs: audit lacks the failure:\n%s", audit)
	}
	if err := a.client.Heartbeat(ctx); err != nil { // carries the ack
		t.Fatal(err)
	}
	if !strings.Contains(hallLog.String(), `"kind":"upload_logs","result":"failed: pack logs: `) {
		t.Errorf("the hall did not learn of the failed upload_logs:\n%s", hallLog)
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

// unpackOne returns the file name from a gzip'd tar.
func unpackOne(t *testing.T, bundle []byte, name string) string {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(bundle))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("%s not in the bundle: %v", name, err)
		}
		if h.Name == name {
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			return string(b)
		}
	}
}

// restart_app must not restart a kiosk that cannot record it as carried
// out: the hall resends it until acknowledged, so the kiosk would restart
// with every start. The hall hears why instead.
func TestRestartAppUnrecordedDoesNotRestart(t *testing.T) {
	a, quits := commandApp(t)
	// A directory where the record's temporary file goes: not writable,
	// even for root.
	if err := os.Mkdir(a.dataPath(commandsFile+".tmp"), 0o700); err != nil {
		t.Fatal(err)
	}
	got := a.onCommand(client.Command{ID: "r1", Kind: "restart_app"})
	if !strings.HasPrefix(got, "failed: not restarted: ") || *quits != 0 {
		t.Errorf("result %q, %d quits; want a failure and no restart", got, *quits)
	}
}

// A kiosk upgraded between carrying out restart_app and acknowledging it
// finds a record of ids only: it does not restart again, and says the
// result is unknown. New records keep results.
func TestCommandsDoneFromBeforeResults(t *testing.T) {
	a, quits := commandApp(t)
	if err := os.WriteFile(a.dataPath(commandsFile), []byte(`["r-old"]`), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := a.onCommand(client.Command{ID: "r-old", Kind: "restart_app"}); !strings.Contains(got, "result not recorded") || *quits != 0 {
		t.Errorf("restart_app from the old record: result %q, %d quits; want no restart", got, *quits)
	}
	if got := a.onCommand(client.Command{ID: "r-new", Kind: "restart_app"}); got != "ok" || *quits != 1 {
		t.Errorf("new restart_app: result %q, %d quits; want ok, 1", got, *quits)
	}
	// As after the restart: the result is read back for the ack.
	if got := a.onCommand(client.Command{ID: "r-new", Kind: "restart_app"}); got != "ok" || *quits != 1 {
		t.Errorf("restart_app resent: result %q, %d quits; want ok from the record, still 1", got, *quits)
	}
	b, _ := os.ReadFile(a.dataPath(commandsFile))
	if !strings.Contains(string(b), `{"id":"r-new","result":"ok"}`) {
		t.Errorf("%s = %s", commandsFile, b)
	}
}

// commandApp is a kiosk without window or hall, enough for commands that
// need neither; quits counts restarts.
func commandApp(t *testing.T) (*app, *int) {
	cfg := config.DefaultConfig()
	cfg.DataDir = t.TempDir()
	quits := 0
	return &app{cfg: cfg, log: slog.New(slog.DiscardHandler), clock: kiosk.SystemClock{}, quit: func() { quits++ }}, &quits
}

// syncBuffer is a log destination a test reads while a server writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
