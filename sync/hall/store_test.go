package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"govkiosk/kiosk"
)

// runStoreContract checks the behaviour every Store must have, through the
// interface only: the SQLite store runs it (TestSQLiteStoreContract), and a
// PostgreSQL store should run it too with its own open function.
func runStoreContract(t *testing.T, open func(t *testing.T) Store) {
	tests := []struct {
		name string
		run  func(*testing.T, Store)
	}{
		{"InitIsIdempotent", testInitIsIdempotent},
		{"EnrollConsumesCodeOnce", testEnrollConsumesCodeOnce},
		{"ConcurrentBatchesAreEachAppliedOnce", testConcurrentBatchesAreEachAppliedOnce},
		{"StatusCursorsAreDensePerTerminal", testStatusCursorsAreDensePerTerminal},
		{"CatalogVersionsAreImmutable", testCatalogVersionsAreImmutable},
		{"CommandsInQueueOrderUntilAcked", testCommandsInQueueOrderUntilAcked},
		{"NotFoundErrors", testNotFoundErrors},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.run(t, open(t)) })
	}
}

func testCatalog(version int64, codes ...string) CatalogVersion {
	return CatalogVersion{Version: version, Doc: []byte(fmt.Sprintf(`{"version":%d}`, version)),
		SHA256: fmt.Sprint("sha", version), Signature: []byte("sig"), PublishedAt: testEpoch, ItemCodes: codes}
}

// initStore initialises a store with catalogue version 1 holding the item
// storeCase uses.
func initStore(t *testing.T, s Store) {
	t.Helper()
	if _, err := s.Init(context.Background(), Identity{CatalogKey: []byte("c"), SealKey: []byte("s")}, testCatalog(1, "339900-GA-GG-0001")); err != nil {
		t.Fatal(err)
	}
}

// enrollDirect registers a terminal in the store without HTTP.
func enrollDirect(t *testing.T, s Store, n int) string {
	t.Helper()
	ctx := context.Background()
	code := hashOf(fmt.Sprint("code", n))
	if err := s.CreateCode(ctx, EnrolmentCode{Hash: code, CreatedAt: testEpoch, ExpiresAt: testEpoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	term, err := s.Enroll(ctx, code, fmt.Sprint("T", n), hashOf(fmt.Sprint("direct-token", n)), testEpoch)
	if err != nil {
		t.Fatal(err)
	}
	return term.ID
}

func storeCase(term string, seq int64) NewCase {
	return NewCase{
		ID:             kiosk.NewCaseIDNow(testEpoch),
		TerminalSeq:    seq,
		Number:         fmt.Sprintf("%s-20261125-%06d-X", term, seq),
		ItemCode:       "339900-GA-GG-0001",
		CatalogVersion: 1,
		SubmittedAt:    testEpoch,
		Sealed:         make([]byte, 200),
	}
}

func testInitIsIdempotent(t *testing.T, s Store) {
	ctx := context.Background()
	if _, err := s.Identity(ctx); !errors.Is(err, ErrNotInitialized) {
		t.Fatalf("Identity of an empty store: %v, want ErrNotInitialized", err)
	}
	first := Identity{CatalogKey: []byte("catalog-1"), SealKey: []byte("seal-1")}
	if got, err := s.Init(ctx, first, testCatalog(1, "A")); err != nil || !bytes.Equal(got.CatalogKey, first.CatalogKey) {
		t.Fatalf("first Init: %+v, %v", got, err)
	}
	got, err := s.Init(ctx, Identity{CatalogKey: []byte("catalog-2"), SealKey: []byte("seal-2")}, testCatalog(1, "B"))
	if err != nil || !bytes.Equal(got.CatalogKey, first.CatalogKey) || !bytes.Equal(got.SealKey, first.SealKey) {
		t.Errorf("second Init: %+v, %v; want the first identity kept", got, err)
	}
	if ok, _ := s.ItemKnown(ctx, "B"); ok {
		t.Error("second Init published its catalogue")
	}
}

func testEnrollConsumesCodeOnce(t *testing.T, s Store) {
	ctx := context.Background()
	code := hashOf("ABCDEFGH")
	if err := s.CreateCode(ctx, EnrolmentCode{Hash: code, CreatedAt: testEpoch, ExpiresAt: testEpoch.Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var ok []Terminal
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			term, err := s.Enroll(ctx, code, "T", hashOf(fmt.Sprint("token", i)), testEpoch)
			if err != nil && !errors.Is(err, ErrCodeInvalid) {
				t.Error(err)
			}
			if err == nil {
				mu.Lock()
				ok = append(ok, term)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(ok) != 1 || ok[0].ID != "K0001" {
		t.Fatalf("enrolments with one code: %+v", ok)
	}
	late := hashOf("LATECODE")
	s.CreateCode(ctx, EnrolmentCode{Hash: late, CreatedAt: testEpoch, ExpiresAt: testEpoch.Add(time.Hour)})
	if _, err := s.Enroll(ctx, late, "T", hashOf("x"), testEpoch.Add(time.Hour)); !errors.Is(err, ErrCodeInvalid) {
		t.Errorf("expired code: %v, want ErrCodeInvalid", err)
	}
	if id := enrollDirect(t, s, 2); id != "K0002" {
		t.Errorf("second terminal %s, want K0002", id)
	}
}

func testStatusCursorsAreDensePerTerminal(t *testing.T, s Store) {
	ctx := context.Background()
	initStore(t, s)
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	ca := []NewCase{storeCase(a, 1), storeCase(a, 2)}
	if _, err := s.ApplyCases(ctx, a, ca, testEpoch); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ApplyCases(ctx, b, []NewCase{storeCase(b, 1)}, testEpoch); err != nil {
		t.Fatal(err)
	}
	if err := s.SetStatus(ctx, ca[0].Number, kiosk.StatusApproved, "ok", testEpoch.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	ups, err := s.StatusUpdates(ctx, a, 1, 10)
	if err != nil || len(ups) != 2 || ups[0].Cursor != 2 || ups[1].Cursor != 3 || ups[1].Status != kiosk.StatusApproved || ups[1].CaseID != ca[0].ID {
		t.Errorf("updates after cursor 1: %+v, %v", ups, err)
	}
	if ups, _ := s.StatusUpdates(ctx, b, 0, 10); len(ups) != 1 || ups[0].Cursor != 1 {
		t.Errorf("other terminal: %+v", ups)
	}
	if ups, _ := s.StatusUpdates(ctx, a, 0, 2); len(ups) != 2 {
		t.Errorf("limit 2: %d updates", len(ups))
	}
	c, err := s.Case(ctx, ca[0].Number)
	if err != nil || c.Status != kiosk.StatusApproved || len(c.Timeline) != 2 || c.Timeline[1].Note != "ok" || !bytes.Equal(c.Sealed, ca[0].Sealed) {
		t.Errorf("case after set status: %+v, %v", c, err)
	}
}

func testCatalogVersionsAreImmutable(t *testing.T, s Store) {
	ctx := context.Background()
	initStore(t, s)
	if err := s.PutCatalog(ctx, testCatalog(2, "X")); err != nil {
		t.Fatal(err)
	}
	if err := s.PutCatalog(ctx, testCatalog(2, "Y")); !errors.Is(err, ErrVersionExists) {
		t.Errorf("version 2 again: %v, want ErrVersionExists", err)
	}
	latest, err := s.LatestCatalog(ctx)
	if err != nil || latest.Version != 2 || latest.Doc != nil || latest.SHA256 != "sha2" {
		t.Errorf("latest: %+v, %v (want version 2 without its document)", latest, err)
	}
	v1, err := s.Catalog(ctx, 1)
	if err != nil || string(v1.Doc) != `{"version":1}` {
		t.Errorf("version 1: %+v, %v", v1, err)
	}
	for code, want := range map[string]bool{"339900-GA-GG-0001": true, "X": true, "Y": false} {
		if ok, err := s.ItemKnown(ctx, code); ok != want || err != nil {
			t.Errorf("ItemKnown(%s) = %v, %v", code, ok, err)
		}
	}
}

func testCommandsInQueueOrderUntilAcked(t *testing.T, s Store) {
	ctx := context.Background()
	term := enrollDirect(t, s, 1)
	for _, id := range []string{"c-z", "c-a", "c-m"} { // queue order, not id order
		if err := s.QueueCommand(ctx, Command{ID: id, TerminalID: term, Kind: CommandRestartApp, Args: json.RawMessage(`{}`), CreatedAt: testEpoch}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.RecordHeartbeat(ctx, term, HeartbeatRecord{At: testEpoch}, []CommandAck{{ID: "c-a"}, {ID: "nope"}}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.PendingCommands(ctx, term)
	if err != nil || len(cs) != 2 || cs[0].ID != "c-z" || cs[1].ID != "c-m" {
		t.Errorf("pending: %+v, %v", cs, err)
	}
}

func testNotFoundErrors(t *testing.T, s Store) {
	ctx := context.Background()
	initStore(t, s)
	checks := map[string]error{}
	_, checks["Case"] = s.Case(ctx, "K0001-20261125-000001-X")
	checks["SetStatus"] = s.SetStatus(ctx, "K0001-20261125-000001-X", kiosk.StatusApproved, "", testEpoch)
	checks["QueueCommand"] = s.QueueCommand(ctx, Command{ID: "c", TerminalID: "K0009", Kind: CommandRestartApp, Args: json.RawMessage(`{}`)})
	_, checks["TerminalByToken"] = s.TerminalByToken(ctx, hashOf("nobody"))
	_, checks["Catalog"] = s.Catalog(ctx, 7)
	for name, err := range checks {
		if !errors.Is(err, ErrNotFound) {
			t.Errorf("%s of something unknown: %v, want ErrNotFound", name, err)
		}
	}
}

func testConcurrentBatchesAreEachAppliedOnce(t *testing.T, s Store) {
	const terminals, batches, perBatch = 8, 20, 10
	var ids []string
	for i := range terminals {
		ids = append(ids, enrollDirect(t, s, i))
	}
	var wg sync.WaitGroup
	errs := make(chan error, terminals*batches*2)
	for _, term := range ids {
		for b := range batches {
			batch := make([]NewCase, perBatch)
			for i := range batch {
				batch[i] = storeCase(term, int64(b*perBatch+i+1))
			}
			// Each batch twice at once, as a terminal that timed out and
			// retried while the first request was still in the hall.
			for range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					outs, err := s.ApplyCases(context.Background(), term, batch, testEpoch)
					if err != nil {
						errs <- err
						return
					}
					for _, o := range outs {
						if o.Result == ResultRejected {
							errs <- errors.New(o.Reason)
						}
					}
				}()
			}
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	cs, err := s.Cases(context.Background(), CaseQuery{Limit: 1 << 20})
	if err != nil || len(cs) != terminals*batches*perBatch {
		t.Fatalf("%d cases, want %d (%v)", len(cs), terminals*batches*perBatch, err)
	}
	// Each terminal's cursor counts its applied cases, without gaps.
	for _, term := range ids {
		ups, err := s.StatusUpdates(context.Background(), term, 0, 1<<20)
		if err != nil || len(ups) != batches*perBatch || ups[len(ups)-1].Cursor != batches*perBatch {
			t.Fatalf("terminal %s: %d updates, last cursor %d (%v)", term, len(ups), ups[len(ups)-1].Cursor, err)
		}
	}
}
