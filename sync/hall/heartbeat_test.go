package hall

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk"
)

func TestHeartbeatRecordsTerminalState(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	h.clock.Advance(time.Minute)
	resp := tm.heartbeat(heartbeatRequest{
		AppVersion:     "1.4.2",
		CatalogVersion: 1,
		OutboxPending:  12,
		OutboxParked:   1,
		Devices: []Device{
			{Name: "idcard", Kind: "idcard", State: "ok"},
			{Name: "printer", Kind: "printer", State: "warning", Detail: "paper near end"},
		},
		// The terminal's clock is 90 s fast: recorded, not believed.
		Clock: testEpoch.Add(time.Minute + 90*time.Second).Format(time.RFC3339),
	})
	if resp.ServerTime != "2026-11-25T09:31:00.000Z" {
		t.Errorf("server_time %s: want the hall's clock", resp.ServerTime)
	}
	ts, err := h.Terminals(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := ts[0]
	if !got.LastSeen.Equal(testEpoch.Add(time.Minute)) || got.AppVersion != "1.4.2" || got.CatalogVersion != 1 ||
		got.OutboxPending != 12 || got.OutboxParked != 1 || len(got.Devices) != 2 ||
		got.Devices[1].Detail != "paper near end" || got.ClockOffset != 90*time.Second {
		t.Errorf("terminal after heartbeat: %+v", got)
	}
	if !h.Online(got) {
		t.Error("terminal not online right after a heartbeat")
	}
	h.clock.Advance(DefaultConfig().OnlineWindow + time.Second)
	if h.Online(got) {
		t.Error("terminal still online after the online window")
	}
}

func TestHeartbeatSendsStatusUpdatesAfterCursor(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	other := h.enroll("U")
	a, b := tm.newCase(100), tm.newCase(100)
	tm.upload(a, b)
	other.upload(other.newCase(100))

	r1 := tm.heartbeat(heartbeatRequest{})
	if len(r1.StatusUpdates) != 2 || r1.StatusCursor != 2 {
		t.Fatalf("first heartbeat: cursor %d, updates %+v", r1.StatusCursor, r1.StatusUpdates)
	}
	if u := r1.StatusUpdates[0]; u.CaseID != a.ID || u.Number != a.Number || u.Status != kiosk.StatusReceived || u.At != "2026-11-25T09:30:00.000Z" {
		t.Errorf("first update %+v", u)
	}
	if r := tm.heartbeat(heartbeatRequest{StatusCursor: r1.StatusCursor}); len(r.StatusUpdates) != 0 || r.StatusCursor != 2 {
		t.Errorf("heartbeat at the cursor: cursor %d, updates %+v", r.StatusCursor, r.StatusUpdates)
	}

	h.clock.Advance(time.Hour)
	if err := h.SetStatus(context.Background(), b.Number, kiosk.StatusNeedMore, "请补交户口簿原件"); err != nil {
		t.Fatal(err)
	}
	r2 := tm.heartbeat(heartbeatRequest{StatusCursor: r1.StatusCursor})
	want := []wireStatusUpdate{{CaseID: b.ID, Number: b.Number, Status: kiosk.StatusNeedMore, At: "2026-11-25T10:30:00.000Z", Note: "请补交户口簿原件"}}
	if diff := cmpDiff(want, r2.StatusUpdates); diff != "" || r2.StatusCursor != 3 {
		t.Errorf("after set-status: cursor %d, updates (-want +got):\n%s", r2.StatusCursor, diff)
	}
	// A terminal that lost its cursor gets everything again.
	if r := tm.heartbeat(heartbeatRequest{}); len(r.StatusUpdates) != 3 {
		t.Errorf("cursor 0: %d updates, want 3", len(r.StatusUpdates))
	}
	// The other terminal sees only its own case.
	if r := other.heartbeat(heartbeatRequest{}); len(r.StatusUpdates) != 1 || r.StatusCursor != 1 {
		t.Errorf("other terminal: cursor %d, updates %+v", r.StatusCursor, r.StatusUpdates)
	}
	status, _, body := tm.get("/v1/cases/"+b.Number, nil)
	var c caseResponse
	mustUnmarshal(t, body, &c)
	if status != http.StatusOK || c.Status != kiosk.StatusNeedMore || len(c.Timeline) != 3 || c.Timeline[2].Note != "请补交户口簿原件" {
		t.Errorf("case after set-status: %d %+v", status, c)
	}
}

func TestHeartbeatPagesLongUpdateLists(t *testing.T) {
	h := newTestHall(t)
	h.cfg.MaxStatusUpdates = 3
	tm := h.enroll("T")
	for range 7 {
		tm.upload(tm.newCase(50))
	}
	var cursor int64
	var got int
	for range 5 {
		r := tm.heartbeat(heartbeatRequest{StatusCursor: cursor})
		got += len(r.StatusUpdates)
		cursor = r.StatusCursor
	}
	if got != 7 || cursor != 7 {
		t.Errorf("paged: %d updates, cursor %d; want 7, 7", got, cursor)
	}
}

func TestSetStatusRefusesUnknownStatusOrCase(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	c := tm.newCase(50)
	tm.upload(c)
	for _, st := range []string{"received", "submitted", "done", ""} {
		if err := h.SetStatus(context.Background(), c.Number, st, ""); err == nil {
			t.Errorf("status %q accepted", st)
		}
	}
	if err := h.SetStatus(context.Background(), "K0001-20261125-999999-X", kiosk.StatusApproved, ""); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Errorf("unknown case: %v", err)
	}
}

func TestCommandsUntilAcked(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	ctx := context.Background()
	msg, err := h.QueueCommand(ctx, tm.id, CommandSetMaintenanceMessage, json.RawMessage(`{"message": "系统维护中"}`))
	if err != nil {
		t.Fatal(err)
	}
	restart, err := h.QueueCommand(ctx, tm.id, CommandRestartApp, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := tm.heartbeat(heartbeatRequest{})
	want := []wireCommand{
		{ID: msg.ID, Kind: CommandSetMaintenanceMessage, Args: json.RawMessage(`{"message":"系统维护中"}`)},
		{ID: restart.ID, Kind: CommandRestartApp, Args: json.RawMessage(`{}`)},
	}
	if diff := cmpDiff(want, r.Commands); diff != "" {
		t.Fatalf("commands (-want +got):\n%s", diff)
	}
	if r := tm.heartbeat(heartbeatRequest{}); len(r.Commands) != 2 {
		t.Errorf("unacked commands not sent again: %+v", r.Commands)
	}
	r = tm.heartbeat(heartbeatRequest{AckedCommands: []commandID{commandID(msg.ID), "no-such-command"}})
	if len(r.Commands) != 1 || r.Commands[0].ID != restart.ID {
		t.Errorf("after acking one: %+v", r.Commands)
	}
	if _, err := h.QueueCommand(ctx, tm.id, "format_disk", nil); err == nil {
		t.Error("unknown command kind accepted")
	}
	if _, err := h.QueueCommand(ctx, "K9999", CommandRestartApp, nil); err == nil {
		t.Error("command for an unknown terminal accepted")
	}
	for _, args := range []string{`[1]`, `{"delay":5}`, `null`, `{"a":"b"`} {
		if _, err := h.QueueCommand(ctx, tm.id, CommandRestartApp, json.RawMessage(args)); err == nil {
			t.Errorf("args %s accepted; want a JSON object of strings", args)
		}
	}
	// Another terminal cannot ack this terminal's commands.
	other := h.enroll("U")
	other.heartbeat(heartbeatRequest{AckedCommands: []commandID{commandID(restart.ID)}})
	if r := tm.heartbeat(heartbeatRequest{}); len(r.Commands) != 1 {
		t.Errorf("another terminal acked this one's command: %+v", r.Commands)
	}
}

func TestHeartbeatAcceptsNumericCommandIDs(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	if status, body := tm.post("/v1/heartbeat", `{"acked_commands":[12, "ab"]}`); status != http.StatusOK {
		t.Errorf("numeric ack: %d %s", status, body)
	}
}

func TestEvaluations(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	other := h.enroll("U")
	c, c2, theirs := tm.newCase(100), tm.newCase(100), other.newCase(100)
	tm.upload(c, c2)
	other.upload(theirs)
	at := "2026-11-25T09:35:00+08:00"
	evs := []wireEvaluation{
		{CaseID: c.ID, Level: 5, At: at},
		{CaseID: c.ID, Level: 5, At: at},                                      // same again
		{CaseID: c.ID, Level: 1, Reasons: []string{"slow"}, At: at},           // a second, different one
		{CaseID: c2.ID, Level: 2, At: at},                                     // bad rating without a reason
		{CaseID: c2.ID, Level: 6, At: at},                                     // no such level
		{CaseID: c2.ID, Level: 2, Reasons: []string{"rude"}, At: at},          // unknown reason
		{CaseID: kiosk.NewCaseIDNow(testEpoch), Level: 4, At: at},             // unknown case
		{CaseID: theirs.ID, Level: 4, At: at},                                 // another terminal's case
		{CaseID: c2.ID, Level: 2, Reasons: []string{"slow"}, At: "yesterday"}, // bad time
		{CaseID: c2.ID, Level: 2, Reasons: []string{"slow", "trips"}, Comment: "排队太久", At: at},
	}
	want := []struct{ result, reason string }{
		{ResultApplied, ""},
		{ResultDuplicate, ""},
		{ResultRejected, "different evaluation"},
		{ResultRejected, "needs a reason"},
		{ResultRejected, "1-5"},
		{ResultRejected, "unknown"},
		{ResultRejected, "unknown case"},
		{ResultRejected, "unknown case"},
		{ResultRejected, "RFC 3339"},
		{ResultApplied, ""},
	}
	status, body := tm.post("/v1/evaluations", evaluationsRequest{Evaluations: evs})
	if status != http.StatusOK {
		t.Fatalf("evaluations: %d %s", status, body)
	}
	var resp resultsResponse
	mustUnmarshal(t, body, &resp)
	for i, w := range want {
		r := resp.Results[i]
		if r.ID != evs[i].CaseID || r.Result != w.result || !strings.Contains(r.Reason, w.reason) {
			t.Errorf("evaluation %d: %+v, want %s mentioning %q", i, r, w.result, w.reason)
		}
	}
	full, err := h.Case(context.Background(), c2.Number)
	if err != nil || full.Evaluation == nil || full.Evaluation.Comment != "排队太久" || len(full.Evaluation.Reasons) != 2 {
		t.Errorf("stored evaluation %+v, %v", full.Evaluation, err)
	}
	// A replayed batch is all duplicate or rejected as before; nothing changes.
	status, body = tm.post("/v1/evaluations", evaluationsRequest{Evaluations: evs[:2]})
	mustUnmarshal(t, body, &resp)
	if status != http.StatusOK || resp.Results[0].Result != ResultDuplicate || resp.Results[1].Result != ResultDuplicate {
		t.Errorf("replay: %d %+v", status, resp.Results)
	}
}
