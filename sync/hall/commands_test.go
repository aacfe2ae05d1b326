package hall

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The hall's half of the audit: one log line per command when first
// acknowledged, with the terminal's result; an ack sent again (the
// terminal missed the reply) is not logged again.
func TestCommandAckLoggedOnceWithResult(t *testing.T) {
	h, log := newLoggedHall(t)
	tm := h.enroll("T")
	ctx := context.Background()
	upload, err := h.QueueCommand(ctx, tm.id, CommandUploadLogs, nil)
	if err != nil {
		t.Fatal(err)
	}
	restart, err := h.QueueCommand(ctx, tm.id, CommandRestartApp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := tm.heartbeat(heartbeatRequest{}); !r.AcceptsCommandResults {
		t.Error("the reply does not say the hall accepts command_results")
	}
	withResult := heartbeatRequest{
		AckedCommands:  []commandID{commandID(upload.ID)},
		CommandResults: []commandResult{{ID: commandID(upload.ID), Result: "failed: pack logs: no log files"}},
	}
	for range 2 {
		if r := tm.heartbeat(withResult); len(r.Commands) != 1 || r.Commands[0].ID != restart.ID {
			t.Errorf("pending after the upload_logs ack: %+v", r.Commands)
		}
	}
	// A terminal from before results acknowledges with ids only.
	tm.heartbeat(heartbeatRequest{AckedCommands: []commandID{commandID(restart.ID)}})

	for _, c := range []struct{ id, kind, result string }{
		{upload.ID, CommandUploadLogs, "failed: pack logs: no log files"},
		{restart.ID, CommandRestartApp, ""},
	} {
		line := fmt.Sprintf(`"msg":"remote command acknowledged","terminal":%q,"id":%q,"kind":%q,"result":%q}`, tm.id, c.id, c.kind, c.result)
		if n := strings.Count(log.String(), line); n != 1 {
			t.Errorf("%d log lines %s, want 1; log:\n%s", n, line, log)
		}
	}
	cmds, err := h.Commands(ctx, tm.id, 10)
	if err != nil || len(cmds) != 2 || cmds[1].Result != "failed: pack logs: no log files" || !cmds[1].AckedAt.Equal(testEpoch) {
		t.Errorf("commands at the hall: %+v, %v", cmds, err)
	}
}

// An id in command_results alone is acknowledged too.
func TestCommandResultAloneAcknowledges(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	c, err := h.QueueCommand(context.Background(), tm.id, CommandReloadCatalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r := tm.heartbeat(heartbeatRequest{CommandResults: []commandResult{{ID: commandID(c.ID), Result: "already the newest"}}}); len(r.Commands) != 0 {
		t.Errorf("still pending: %+v", r.Commands)
	}
}

func TestHeartbeatCommandResultsValidated(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	result := func(s string) string { return fmt.Sprintf(`{"command_results":[{"id":"c1","result":%q}]}`, s) }
	tests := []struct {
		name, body string
		want       int
	}{
		{"500 characters", result(strings.Repeat("错", 500)), http.StatusOK},
		{"501 characters", result(strings.Repeat("错", 501)), http.StatusBadRequest},
		{"NUL", `{"command_results":[{"id":"c1","result":"a\u0000b"}]}`, http.StatusBadRequest},
		{"empty id", `{"command_results":[{"id":"","result":"ok"}]}`, http.StatusBadRequest},
		{"numeric id", `{"command_results":[{"id":7,"result":"ok"}]}`, http.StatusOK},
		{"unknown field", `{"command_results":[{"id":"c1","result":"ok","at":"now"}]}`, http.StatusBadRequest},
		{"not an array", `{"command_results":{"c1":"ok"}}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		if status, body := tm.post("/v1/heartbeat", tt.body); status != tt.want {
			t.Errorf("%s: %d %s, want %d", tt.name, status, body, tt.want)
		}
	}
}
