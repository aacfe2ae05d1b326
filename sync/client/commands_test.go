package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"unicode/utf8"

	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// commandClient is a client of e's hall whose OnCommand answers with
// result and records the ids it was given.
func commandClient(t *testing.T, e *env, result string, got *[]string) *client.Client {
	t.Helper()
	cl, err := client.New(client.Config{Credentials: e.creds, Store: e.store, OnCommand: func(c client.Command) string {
		*got = append(*got, c.ID)
		return result
	}})
	if err != nil {
		t.Fatal(err)
	}
	return cl
}

func heartbeats(t *testing.T, cl *client.Client, n int) {
	t.Helper()
	for range n {
		if err := cl.Heartbeat(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

// The result OnCommand returns reaches the hall with the ack, made one the
// hall takes: a NUL dropped, clipped to 500 characters.
func TestCommandResultReachesTheHall(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	cmd, err := e.hall.QueueCommand(ctx, e.creds.TerminalID, hall.CommandReloadCatalog, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	long := "failed: \x00" + strings.Repeat("签名不符", 200)
	cl := commandClient(t, e, long, &got)
	heartbeats(t, cl, 2) // the first brings the command, the second the ack
	if len(got) != 1 || got[0] != cmd.ID {
		t.Fatalf("OnCommand got %v, want %s once", got, cmd.ID)
	}
	cmds, err := e.hall.Commands(ctx, e.creds.TerminalID, 10)
	if err != nil || len(cmds) != 1 {
		t.Fatalf("hall commands %+v, %v", cmds, err)
	}
	r := cmds[0].Result
	if cmds[0].AckedAt.IsZero() || utf8.RuneCountInString(r) != 500 || !strings.HasPrefix(r, "failed: 签名不符") || !strings.HasSuffix(r, "…") {
		t.Errorf("hall has acked_at %v, result %q (%d characters); want acknowledged, clipped to 500 without NUL",
			cmds[0].AckedAt, r, utf8.RuneCountInString(r))
	}
}

// oldHall plays a hall from before command results: it refuses a
// heartbeat with command_results, as its decoder refuses unknown fields,
// and never says it accepts them. Turned off, the real hall answers.
type oldHall struct {
	next        http.Handler
	on          atomic.Bool
	refused     atomic.Int32
	withResults atomic.Int32
}

func (o *oldHall) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/v1/heartbeat" {
		o.next.ServeHTTP(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	var req map[string]json.RawMessage
	json.Unmarshal(body, &req)
	if _, ok := req["command_results"]; ok {
		o.withResults.Add(1)
		if o.on.Load() {
			o.refused.Add(1)
			http.Error(w, `{"error":"malformed request: json: unknown field \"command_results\""}`, http.StatusBadRequest)
			return
		}
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	if !o.on.Load() {
		o.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	o.next.ServeHTTP(rec, r)
	var resp map[string]json.RawMessage
	json.Unmarshal(rec.Body.Bytes(), &resp)
	delete(resp, "accepts_command_results")
	w.WriteHeader(rec.Code)
	json.NewEncoder(w).Encode(resp)
}

// A new terminal and an old hall: heartbeats carry no results, so the old
// hall takes them and the commands are acknowledged.
func TestOldHallGetsAcksWithoutResults(t *testing.T) {
	old := &oldHall{}
	old.on.Store(true)
	e := newEnv(t, func(h http.Handler) http.Handler { old.next = h; return old })
	ctx := context.Background()
	if _, err := e.hall.QueueCommand(ctx, e.creds.TerminalID, hall.CommandRestartApp, nil); err != nil {
		t.Fatal(err)
	}
	var got []string
	cl := commandClient(t, e, "ok", &got)
	heartbeats(t, cl, 2)
	if p, err := e.hall.Store().PendingCommands(ctx, e.creds.TerminalID); err != nil || len(p) != 0 || old.withResults.Load() != 0 {
		t.Errorf("%d commands pending (%v), %d heartbeats with results; want none, none", len(p), err, old.withResults.Load())
	}
}

// A hall rolled back to before results: the heartbeat with results is
// refused once, the next goes without them and is taken.
func TestHallRolledBackRefusesResultsOnce(t *testing.T) {
	old := &oldHall{}
	e := newEnv(t, func(h http.Handler) http.Handler { old.next = h; return old })
	ctx := context.Background()
	var got []string
	cl := commandClient(t, e, "ok", &got)
	heartbeats(t, cl, 1) // a new hall's reply: results accepted
	if _, err := e.hall.QueueCommand(ctx, e.creds.TerminalID, hall.CommandUploadLogs, nil); err != nil {
		t.Fatal(err)
	}
	heartbeats(t, cl, 1) // brings the command
	old.on.Store(true)
	if err := cl.Heartbeat(ctx); err == nil || old.refused.Load() != 1 {
		t.Fatalf("heartbeat with results to the old hall: %v, %d refused; want refused", err, old.refused.Load())
	}
	heartbeats(t, cl, 2)
	if p, err := e.hall.Store().PendingCommands(ctx, e.creds.TerminalID); err != nil || len(p) != 0 || old.refused.Load() != 1 {
		t.Errorf("%d commands pending (%v), %d heartbeats refused; want none, 1", len(p), err, old.refused.Load())
	}
	if len(got) != 1 {
		t.Errorf("OnCommand called for %v, want once", got)
	}
}
