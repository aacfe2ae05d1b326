package hall

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"
)

// runLogStoreContract checks the behaviour every LogStore must have,
// through the Store interface only, like runStoreContract: the SQLite
// store runs it (TestSQLiteLogStoreContract), and so does the PostgreSQL
// one (TestPostgresLogStoreContract).
func runLogStoreContract(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(*testing.T, Store)
	}{
		{"NewestAreKeptPerTerminal", testLogBundlesNewestAreKeptPerTerminal},
		{"CommandMustBeTheTerminalsUploadLogs", testLogBundleCommandMustBeTheTerminalsUploadLogs},
		{"RetriedUploadIsStoredOnce", testLogBundleRetriedUploadIsStoredOnce},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

func TestSQLiteLogStoreContract(t *testing.T) {
	runLogStoreContract(t, func(t *testing.T) Store { return openTestStore(t) })
}

func TestPostgresLogStoreContract(t *testing.T) {
	runLogStoreContract(t, func(t *testing.T) Store { return openPGTestStore(t) })
}

// testBundle is the n-th bundle of a terminal: the store checks no
// content, so the data need not be gzip here.
func testBundle(term, command string, n int) LogBundle {
	data := []byte(fmt.Sprintf("bundle %d of %s", n, term))
	sum := sha256.Sum256(data)
	return LogBundle{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", n), TerminalID: term, CommandID: command,
		ReceivedAt: testEpoch.Add(time.Duration(n) * time.Minute), Bytes: int64(len(data)),
		SHA256: hex.EncodeToString(sum[:]), Files: n%3 + 1, Data: data}
}

func testLogBundlesNewestAreKeptPerTerminal(t *testing.T, s Store) {
	ctx := context.Background()
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	other := testBundle(b, "", 100)
	if _, _, err := s.PutLogBundle(ctx, other, 3); err != nil {
		t.Fatal(err)
	}
	for n := 1; n <= 5; n++ {
		got, dup, err := s.PutLogBundle(ctx, testBundle(a, "", n), 3)
		want := testBundle(a, "", n)
		want.Data = nil
		if err != nil || dup || !got.ReceivedAt.Equal(want.ReceivedAt) {
			t.Fatalf("bundle %d: %+v, dup %v, %v", n, got, dup, err)
		}
		got.ReceivedAt = want.ReceivedAt
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("bundle %d stored as %+v, want %+v", n, got, want)
		}
	}
	list, err := s.LogBundles(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, l := range list {
		ids = append(ids, l.ID)
		if l.Data != nil {
			t.Errorf("LogBundles returned the data of %s", l.ID)
		}
	}
	want := []string{testBundle(a, "", 5).ID, testBundle(a, "", 4).ID, testBundle(a, "", 3).ID}
	if fmt.Sprint(ids) != fmt.Sprint(want) {
		t.Errorf("kept %v, want the newest three, newest first: %v", ids, want)
	}
	if len(list) == 3 && (list[0].Files != testBundle(a, "", 5).Files || list[0].Bytes != testBundle(a, "", 5).Bytes ||
		!list[0].ReceivedAt.Equal(testBundle(a, "", 5).ReceivedAt)) {
		t.Errorf("listed %+v", list[0])
	}
	full, err := s.LogBundle(ctx, testBundle(a, "", 4).ID)
	if err != nil || !bytes.Equal(full.Data, testBundle(a, "", 4).Data) || full.TerminalID != a {
		t.Errorf("LogBundle: %+v, %v", full, err)
	}
	if _, err := s.LogBundle(ctx, testBundle(a, "", 1).ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("pruned bundle: %v, want ErrNotFound", err)
	}
	if l, err := s.LogBundles(ctx, b); err != nil || len(l) != 1 || l[0].ID != other.ID {
		t.Errorf("the other terminal's bundles: %+v, %v; want its one bundle, untouched by the prune", l, err)
	}
	if _, _, err := s.PutLogBundle(ctx, testBundle("K9999", "", 200), 3); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown terminal: %v, want ErrNotFound", err)
	}
}

func testLogBundleCommandMustBeTheTerminalsUploadLogs(t *testing.T, s Store) {
	ctx := context.Background()
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	for _, c := range []Command{
		{ID: "up-a", TerminalID: a, Kind: CommandUploadLogs},
		{ID: "up-b", TerminalID: b, Kind: CommandUploadLogs},
		{ID: "restart-a", TerminalID: a, Kind: CommandRestartApp},
	} {
		c.Args, c.CreatedAt = json.RawMessage(`{}`), testEpoch
		if err := s.QueueCommand(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, cmd := range []string{"no-such-command", "up-b", "restart-a"} {
		if _, _, err := s.PutLogBundle(ctx, testBundle(a, cmd, 1), 10); !errors.Is(err, ErrUnknownCommand) {
			t.Errorf("command %s: %v, want ErrUnknownCommand", cmd, err)
		}
	}
	if l, err := s.LogBundles(ctx, a); err != nil || len(l) != 0 {
		t.Fatalf("refused bundles were stored: %+v, %v", l, err)
	}
	// Acknowledged or not, the command may be answered.
	if _, err := s.RecordHeartbeat(ctx, a, HeartbeatRecord{At: testEpoch}, []CommandAck{{ID: "up-a"}}); err != nil {
		t.Fatal(err)
	}
	got, _, err := s.PutLogBundle(ctx, testBundle(a, "up-a", 1), 10)
	if err != nil || got.CommandID != "up-a" {
		t.Errorf("bundle for its upload_logs command: %+v, %v", got, err)
	}
}

func testLogBundleRetriedUploadIsStoredOnce(t *testing.T, s Store) {
	ctx := context.Background()
	a := enrollDirect(t, s, 1)
	first := testBundle(a, "", 1)
	// A retry after a lost answer comes with a new id from the hall; the
	// store answers with the bundle it kept.
	var wg sync.WaitGroup
	results := make([]LogBundle, 4)
	dups := make([]bool, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b := first
			b.ID = fmt.Sprintf("00000000-0000-4000-9000-%012d", i)
			var err error
			if results[i], dups[i], err = s.PutLogBundle(ctx, b, 10); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	stored := 0
	for i, r := range results {
		if !dups[i] {
			stored++
		}
		if r.ID != results[0].ID {
			t.Errorf("upload %d answered with bundle %s, upload 0 with %s: want the one stored", i, r.ID, results[0].ID)
		}
	}
	if l, err := s.LogBundles(ctx, a); err != nil || len(l) != 1 || stored != 1 {
		t.Errorf("after 4 identical uploads: %d stored, %d not duplicates (%v); want 1, 1", len(l), stored, err)
	}
	// The same files for another command are another bundle.
	if err := s.QueueCommand(ctx, Command{ID: "up", TerminalID: a, Kind: CommandUploadLogs, Args: json.RawMessage(`{}`), CreatedAt: testEpoch}); err != nil {
		t.Fatal(err)
	}
	if _, dup, err := s.PutLogBundle(ctx, testBundle(a, "up", 2), 10); err != nil || dup {
		t.Errorf("same files for a command: dup %v, %v; want stored", dup, err)
	}
}

// A hall store made before log bundles existed is upgraded in place: its
// terminals stay, and bundles can be stored.
func TestSQLiteStoreFromBeforeLogBundlesUpgrades(t *testing.T) {
	// 2: the schema of the release before log bundles.
	s := openSQLiteFrom(t, 2, `INSERT INTO terminals (id, seq, name, token_hash, enrolled_at) VALUES ('K0001', 1, '一号机', x'01', 0)`)
	if _, _, err := s.PutLogBundle(context.Background(), testBundle("K0001", "", 1), 10); err != nil {
		t.Fatalf("bundle after the upgrade: %v", err)
	}
	var v int
	if err := s.rdb.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != len(sqliteMigrations) {
		t.Errorf("schema version %d (%v), want %d", v, err, len(sqliteMigrations))
	}
}

// The same for a PostgreSQL database made before log bundles.
func TestPostgresStoreFromBeforeLogBundlesUpgrades(t *testing.T) {
	ctx := context.Background()
	// 1: the schema of the release before log bundles.
	s := openPostgresFrom(t, 1, `INSERT INTO terminals (id, seq, name, token_hash, enrolled_at) VALUES ('K0001', 1, '一号机', '\x01', 0)`)
	if _, _, err := s.PutLogBundle(ctx, testBundle("K0001", "", 1), 10); err != nil {
		t.Fatalf("bundle after the upgrade: %v", err)
	}
	var v int
	if err := s.pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v); err != nil || v != len(postgresMigrations) {
		t.Errorf("schema version %d (%v), want %d", v, err, len(postgresMigrations))
	}
}
