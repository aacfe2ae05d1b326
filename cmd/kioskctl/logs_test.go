package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/kiosk/logging"
)

// kioskctl logs upload sends the terminal's logs to a real hall, as the
// answer to the hall's command when given one, and audit-logs it.
func TestLogsUpload(t *testing.T) {
	e := newTerminalEnv(t)
	ctx := context.Background()
	if c, _, errOut := kioskctl("logs", "upload", "--config", e.cfg); c != 1 || !strings.Contains(errOut, "enrol the terminal first") {
		t.Errorf("before enrolment: %d %s", c, errOut)
	}
	code, err := e.hall.NewEnrolmentCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c, _, errOut := kioskctl("enroll", code.Code, "--config", e.cfg); c != 0 {
		t.Fatalf("enroll: %d %s", c, errOut)
	}
	if c, _, errOut := kioskctl("logs", "upload", "--config", e.cfg); c != 1 || !strings.Contains(errOut, "pack logs") {
		t.Errorf("without logs: %d %s", c, errOut)
	}
	os.MkdirAll(logging.Dir(e.data), 0o700)
	os.WriteFile(filepath.Join(logging.Dir(e.data), "kiosk.log"), []byte(`{"msg":"kiosk starting"}`+"\n"), 0o600)

	cmd, err := e.hall.QueueCommand(ctx, "K0001", "upload_logs", nil)
	if err != nil {
		t.Fatal(err)
	}
	c, out, errOut := kioskctl("logs", "upload", "--command", cmd.ID, "--config", e.cfg)
	if c != 0 || !strings.Contains(out, "1 log file(s)") {
		t.Fatalf("logs upload: %d\n%s%s", c, out, errOut)
	}
	bundles, err := e.hall.Store().LogBundles(ctx, "K0001")
	if err != nil || len(bundles) != 1 || bundles[0].CommandID != cmd.ID || !strings.Contains(out, bundles[0].ID) {
		t.Errorf("the hall holds %+v (%v); want the bundle kioskctl named:\n%s", bundles, err, out)
	}
	audit, _ := os.ReadFile(filepath.Join(e.data, "audit.log"))
	if !strings.Contains(string(audit), `"action":"logs upload"`) || !strings.Contains(string(audit), cmd.ID) {
		t.Errorf("audit log: %s", audit)
	}
	if c, _, errOut := kioskctl("logs", "upload", "--command", "no-such-command", "--config", e.cfg); c != 1 || !strings.Contains(errOut, "not an upload_logs command") {
		t.Errorf("unknown command: %d %s", c, errOut)
	}
}
