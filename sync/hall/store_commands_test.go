package hall

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// runCommandStoreContract checks how every Store records acknowledgements
// of remote commands and their results, through the Store interface only:
// on SQLite (TestSQLiteCommandStoreContract) and on PostgreSQL
// (TestPostgresCommandStoreContract).
func runCommandStoreContract(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(*testing.T, Store)
	}{
		{"AckRecordsResultOnce", testCommandAckRecordsResultOnce},
		{"ConcurrentAcksAcknowledgeOnce", testCommandConcurrentAcksAcknowledgeOnce},
		{"RecentCommandsNewestFirst", testRecentCommandsNewestFirst},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

func TestSQLiteCommandStoreContract(t *testing.T) {
	runCommandStoreContract(t, func(t *testing.T) Store { return openTestStore(t) })
}

func TestPostgresCommandStoreContract(t *testing.T) {
	runCommandStoreContract(t, func(t *testing.T) Store { return openPGTestStore(t) })
}

func queueTestCommands(t *testing.T, s Store, cs ...Command) {
	t.Helper()
	for _, c := range cs {
		if c.Args == nil {
			c.Args = json.RawMessage(`{}`)
		}
		if c.CreatedAt.IsZero() {
			c.CreatedAt = testEpoch
		}
		if err := s.QueueCommand(context.Background(), c); err != nil {
			t.Fatal(err)
		}
	}
}

func ackedIDs(cs []Command) []string {
	ids := []string{}
	for _, c := range cs {
		ids = append(ids, c.ID)
	}
	return ids
}

func testCommandAckRecordsResultOnce(t *testing.T, s Store) {
	ctx := context.Background()
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	queueTestCommands(t, s,
		Command{ID: "restart", TerminalID: a, Kind: CommandRestartApp},
		Command{ID: "upload", TerminalID: a, Kind: CommandUploadLogs},
		Command{ID: "message", TerminalID: a, Kind: CommandSetMaintenanceMessage, Args: json.RawMessage(`{"message":"系统维护中"}`)},
		Command{ID: "b-restart", TerminalID: b, Kind: CommandRestartApp},
	)
	first := testEpoch.Add(time.Minute)
	acks := []CommandAck{
		{ID: "upload", Result: "failed: pack logs: no log files"},
		{ID: "restart", Result: "ok"},
		{ID: "b-restart", Result: "ok"}, // another terminal's: ignored
		{ID: "nope", Result: "ok"},      // unknown: ignored
	}
	got, err := s.RecordHeartbeat(ctx, a, HeartbeatRecord{At: first}, acks)
	if err != nil {
		t.Fatal(err)
	}
	want := []Command{
		{ID: "upload", TerminalID: a, Kind: CommandUploadLogs, Args: json.RawMessage(`{}`), CreatedAt: testEpoch,
			AckedAt: first, Result: "failed: pack logs: no log files"},
		{ID: "restart", TerminalID: a, Kind: CommandRestartApp, Args: json.RawMessage(`{}`), CreatedAt: testEpoch,
			AckedAt: first, Result: "ok"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("newly acknowledged (-want +got):\n%s", diff)
	}

	// The terminal missed the reply and sends the acks again, this time
	// with other results: nothing is newly acknowledged or overwritten.
	again := []CommandAck{{ID: "upload", Result: "ok"}, {ID: "restart", Result: "failed: late"}}
	if got, err := s.RecordHeartbeat(ctx, a, HeartbeatRecord{At: first.Add(time.Minute)}, again); err != nil || len(got) != 0 {
		t.Errorf("acks sent again: newly acknowledged %v, %v; want none", ackedIDs(got), err)
	}
	recent, err := s.RecentCommands(ctx, a, 10)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(append([]Command{{ID: "message", TerminalID: a, Kind: CommandSetMaintenanceMessage,
		Args: json.RawMessage(`{"message":"系统维护中"}`), CreatedAt: testEpoch}}, want...), recent); diff != "" {
		t.Errorf("recent commands after the repeated acks (-want +got):\n%s", diff)
	}
	if p, err := s.PendingCommands(ctx, b); err != nil || len(p) != 1 || p[0].ID != "b-restart" {
		t.Errorf("terminal b's pending commands: %v, %v; want b-restart, untouched by a's ack", ackedIDs(p), err)
	}

	// A terminal too old to report results acknowledges with "".
	got, err = s.RecordHeartbeat(ctx, a, HeartbeatRecord{At: first.Add(2 * time.Minute)}, []CommandAck{{ID: "message"}})
	if err != nil || len(got) != 1 || got[0].Kind != CommandSetMaintenanceMessage || got[0].Result != "" {
		t.Errorf("ack without result: %+v, %v", got, err)
	}
	if p, err := s.PendingCommands(ctx, a); err != nil || len(p) != 0 {
		t.Errorf("pending after every ack: %v, %v", ackedIDs(p), err)
	}
}

// Two heartbeats carrying the same ack at once (a retry racing the first
// try): exactly one of them acknowledges the command, so it is logged once.
func testCommandConcurrentAcksAcknowledgeOnce(t *testing.T, s Store) {
	ctx := context.Background()
	a := enrollDirect(t, s, 1)
	queueTestCommands(t, s, Command{ID: "restart", TerminalID: a, Kind: CommandRestartApp})
	const tries = 6
	var wg sync.WaitGroup
	acked := make([][]Command, tries)
	for i := range tries {
		wg.Go(func() {
			var err error
			acked[i], err = s.RecordHeartbeat(ctx, a, HeartbeatRecord{At: testEpoch}, []CommandAck{{ID: "restart", Result: "ok"}})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	n := 0
	for _, cs := range acked {
		n += len(cs)
	}
	if n != 1 {
		t.Errorf("%d heartbeats with the same ack acknowledged it %d times, want once", tries, n)
	}
}

func testRecentCommandsNewestFirst(t *testing.T, s Store) {
	ctx := context.Background()
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	// Queue order, not id or time order, is what counts.
	queueTestCommands(t, s,
		Command{ID: "z", TerminalID: a, Kind: CommandReloadCatalog, CreatedAt: testEpoch.Add(time.Hour)},
		Command{ID: "other", TerminalID: b, Kind: CommandReloadCatalog},
		Command{ID: "a", TerminalID: a, Kind: CommandUploadLogs},
		Command{ID: "m", TerminalID: a, Kind: CommandRestartApp},
	)
	for limit, want := range map[int][]string{10: {"m", "a", "z"}, 2: {"m", "a"}} {
		if cs, err := s.RecentCommands(ctx, a, limit); err != nil || !cmp.Equal(ackedIDs(cs), want) {
			t.Errorf("RecentCommands(limit %d) = %v, %v; want %v", limit, ackedIDs(cs), err, want)
		}
	}
	if cs, err := s.RecentCommands(ctx, "K9999", 10); err != nil || len(cs) != 0 {
		t.Errorf("unknown terminal: %v, %v; want none", ackedIDs(cs), err)
	}
}

// A hall store from before command results is upgraded in place: a
// command acknowledged then keeps its acked_at and has the result "".
func TestSQLiteStoreFromBeforeCommandResultsUpgrades(t *testing.T) {
	// 3: the schema of the release before command results.
	s := openSQLiteFrom(t, 3, `INSERT INTO terminals (id, seq, name, token_hash, enrolled_at) VALUES ('K0001', 1, '一号机', x'01', 0); `+oldCommandRows)
	checkUpgradedCommands(t, s)
}

// The same for a PostgreSQL database from before command results.
func TestPostgresStoreFromBeforeCommandResultsUpgrades(t *testing.T) {
	// 2: the schema of the release before command results.
	s := openPostgresFrom(t, 2, `INSERT INTO terminals (id, seq, name, token_hash, enrolled_at) VALUES ('K0001', 1, '一号机', '\x01', 0); `+oldCommandRows)
	checkUpgradedCommands(t, s)
}

// oldCommandRows gives the terminal of a store from before command results
// one acknowledged and one pending command.
var oldCommandRows = fmt.Sprintf(`INSERT INTO commands (id, terminal_id, kind, args, created_at, acked_at) VALUES
	('old-acked', 'K0001', 'restart_app', '{}', %d, %d),
	('old-pending', 'K0001', 'reload_catalog', '{}', %[1]d, NULL)`, ms(testEpoch), ms(testEpoch.Add(time.Minute)))

func checkUpgradedCommands(t *testing.T, s Store) {
	t.Helper()
	ctx := context.Background()
	cs, err := s.RecentCommands(ctx, "K0001", 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[1].ID != "old-acked" || !cs[1].AckedAt.Equal(testEpoch.Add(time.Minute)) || cs[1].Result != "" ||
		cs[0].ID != "old-pending" || !cs[0].AckedAt.IsZero() {
		t.Fatalf("commands after the upgrade: %+v", cs)
	}
	got, err := s.RecordHeartbeat(ctx, "K0001", HeartbeatRecord{At: testEpoch.Add(time.Hour)}, []CommandAck{{ID: "old-pending", Result: "already the newest"}})
	if err != nil || len(got) != 1 || got[0].Result != "already the newest" {
		t.Errorf("ack after the upgrade: %+v, %v", got, err)
	}
}
