package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/store"
)

func TestOutboxLifecycle(t *testing.T) {
	clk := kiosk.NewManualClock(t0)
	s, _ := openStore(t, store.Options{Sealer: xorSealer{}, Clock: clk})
	ctx := context.Background()
	var cases []*kiosk.Case
	for i := 0; i < 5; i++ {
		c := newCase(t0.Add(time.Duration(i) * time.Second))
		if err := s.SubmitCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	items, err := s.PendingOutbox(ctx, "case", 3, 1<<20)
	if err != nil || len(items) != 3 || items[0].Ref != cases[0].ID || len(items[0].Sealed) == 0 || items[0].Case.Number != cases[0].Number {
		t.Fatalf("pending = %+v, %v", items, err)
	}
	// Batching by bytes: a tiny budget still yields one item.
	if one, _ := s.PendingOutbox(ctx, "case", 10, 1); len(one) != 1 {
		t.Errorf("byte budget gave %d items", len(one))
	}

	// Delivered: outbox entry gone, sealed part deleted, case kept.
	if err := s.Delivered(ctx, []int64{items[0].ID, items[0].ID}); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.Sealed(ctx, cases[0].ID); b != nil {
		t.Error("sealed data kept after delivery")
	}
	got, _ := s.CaseByNumber(ctx, cases[0].Number)
	if got.SyncedAt.IsZero() {
		t.Error("synced_at not set")
	}

	// Rejected: parked, reported, not handed out again; the rest flows.
	if err := s.Park(ctx, items[1].ID, "item code unknown"); err != nil {
		t.Fatal(err)
	}
	// Failed: not due until its next attempt.
	if err := s.Failed(ctx, []int64{items[2].ID}, "connection refused", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	due, _ := s.PendingOutbox(ctx, "case", 10, 1<<20)
	if len(due) != 2 || due[0].Ref != cases[3].ID {
		t.Fatalf("due after park/fail = %d items", len(due))
	}
	st, _ := s.OutboxStats(ctx)
	if st.Pending != 3 || st.Parked != 1 {
		t.Errorf("stats = %+v", st)
	}
	list, _ := s.Outbox(ctx)
	if len(list) != 4 || !list[0].Parked || list[0].LastError != "item code unknown" || list[0].Case.Number != cases[1].Number {
		t.Errorf("outbox list = %+v", list[0])
	}
	clk.Advance(2 * time.Minute)
	if due, _ := s.PendingOutbox(ctx, "case", 10, 1<<20); len(due) != 3 {
		t.Errorf("after the retry time: %d due", len(due))
	}
	if n, err := s.RetryAll(ctx); err != nil || n != 4 {
		t.Errorf("RetryAll = %d, %v", n, err)
	}
}

func TestStatusUpdatesAndPurge(t *testing.T) {
	clk := kiosk.NewManualClock(t0)
	s, _ := openStore(t, store.Options{Sealer: xorSealer{}, Clock: clk})
	ctx := context.Background()
	c := newCase(t0)
	if err := s.SubmitCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	// The hall's clock is behind the terminal's: its updates still apply.
	hall := t0.Add(-time.Hour)
	ups := []store.StatusUpdate{
		{CaseID: c.ID, Status: kiosk.StatusReceived, At: hall},
		{CaseID: c.ID, Status: kiosk.StatusApproved, At: hall.Add(time.Minute), Note: "已办结"},
		{CaseID: "unknown", Status: kiosk.StatusApproved, At: hall},
		{CaseID: c.ID, Status: "bogus", At: hall},
	}
	for i := 0; i < 2; i++ { // twice: idempotent
		if err := s.ApplyStatusUpdates(ctx, ups); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := s.CaseByNumber(ctx, c.Number)
	if got.Status != kiosk.StatusApproved || len(got.Timeline) != 3 || got.Timeline[2].Note != "已办结" {
		t.Fatalf("case = %+v", got)
	}

	// Purge: only delivered cases older than the retention go.
	c2 := newCase(t0)
	s.SubmitCase(ctx, c2)
	items, _ := s.PendingOutbox(ctx, "case", 10, 1<<20)
	s.Delivered(ctx, []int64{items[0].ID})
	clk.Advance(31 * 24 * time.Hour)
	n, err := s.Purge(ctx, 30*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("purge = %d, %v", n, err)
	}
	if _, err := s.CaseByNumber(ctx, c.Number); err == nil {
		t.Error("delivered case not purged")
	}
	if _, err := s.CaseByNumber(ctx, c2.Number); err != nil {
		t.Error("undelivered case purged")
	}
}

func TestMeta(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	if v, err := s.Meta(ctx, "status_cursor"); v != "" || err != nil {
		t.Fatalf("unset = %q, %v", v, err)
	}
	s.SetMeta(ctx, "status_cursor", "41")
	s.SetMeta(ctx, "status_cursor", "42")
	if v, _ := s.Meta(ctx, "status_cursor"); v != "42" {
		t.Errorf("meta = %q", v)
	}
}

// A client with a batch in flight reads the next batch after it: the items
// of the first batch are not handed out again, and the order stays the
// outbox's.
func TestPendingOutboxAfterSkipsTheBatchInFlight(t *testing.T) {
	s, _ := openStore(t, store.Options{Sealer: xorSealer{}, Clock: kiosk.NewManualClock(t0)})
	ctx := context.Background()
	var ids []string
	for i := 0; i < 5; i++ {
		c := newCase(t0.Add(time.Duration(i) * time.Second))
		if err := s.SubmitCase(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	first, err := s.PendingOutboxAfter(ctx, "case", 0, 2, 1<<20)
	if err != nil || len(first) != 2 {
		t.Fatalf("first batch: %d items, %v", len(first), err)
	}
	next, err := s.PendingOutboxAfter(ctx, "case", first[1].ID, 10, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range next {
		if o.Case == nil || o.Case.ID != o.Ref || len(o.Sealed) == 0 {
			t.Fatalf("item %d not filled: %+v", o.ID, o)
		}
		got = append(got, o.Ref)
	}
	if !slices.Equal(got, ids[2:]) {
		t.Errorf("next batch = %v, want %v", got, ids[2:])
	}
}
