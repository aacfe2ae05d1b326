package client_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/retry"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// The drain overlaps batches: batch N+1 is read while N is at the hall and
// sent while N's answer is being written. When the hall applies batch 2
// and dies before answering, batch 1 has left the outbox (the hall
// answered it), batch 2 stays to be sent again, and batch 3, read ahead
// but never sent, stays untouched and due. The next drain delivers the
// rest: the hall holds every case once, and batch 2 comes back duplicate.
func TestDrainPipelineWhenTheHallDiesBetweenBatches(t *testing.T) {
	var requests atomic.Int32
	var e *env
	var cases []*kiosk.Case
	e = newEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/v1/cases" || requests.Add(1) != 2 {
				h.ServeHTTP(w, r)
				return
			}
			// Whatever the terminal marked delivered, the hall must hold.
			for _, c := range cases[:2] {
				if sealed, _ := e.store.Sealed(context.Background(), c.ID); sealed == nil {
					if _, err := e.hall.Case(context.Background(), c.Number); err != nil {
						t.Errorf("case %s marked delivered, but the hall lacks it: %v", c.Number, err)
					}
				}
			}
			h.ServeHTTP(httptest.NewRecorder(), r) // applied and durable at the hall …
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close() // … and the answer never arrives
		})
	})
	for range 5 {
		cases = append(cases, e.submit(t, "339900-RS-GG-0001"))
	}
	cl, err := client.New(client.Config{Credentials: e.creds, Store: e.store, BatchCases: 2})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	bo := &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond}

	n, err := cl.Drain(ctx, bo)
	var tr *client.Transient
	if n != 2 || !errors.As(err, &tr) {
		t.Fatalf("first drain = %d, %v; want 2 and a transient error", n, err)
	}
	outbox, err := e.store.Outbox(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantAttempts := map[string]int{cases[2].ID: 1, cases[3].ID: 1, cases[4].ID: 0}
	if len(outbox) != len(wantAttempts) {
		t.Fatalf("outbox holds %d items, want batches 2 and 3 (%d)", len(outbox), len(wantAttempts))
	}
	for _, o := range outbox {
		if want, ok := wantAttempts[o.Ref]; !ok || o.Attempts != want || o.Parked {
			t.Errorf("outbox item %s: attempts %d parked %v; want attempts %d, in the outbox %v", o.Ref, o.Attempts, o.Parked, want, ok)
		}
	}
	for _, c := range cases[:2] {
		if sealed, _ := e.store.Sealed(ctx, c.ID); sealed != nil {
			t.Errorf("case %s: sealed part kept after the hall answered", c.Number)
		}
	}

	time.Sleep(5 * time.Millisecond) // past the 1 ms backoff
	if n, err := cl.Drain(ctx, bo); n != 3 || err != nil {
		t.Fatalf("second drain = %d, %v; want 3", n, err)
	}
	held, err := e.hall.Cases(ctx, hall.CaseQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, c := range held {
		seen[c.ID]++
	}
	for _, c := range cases {
		if seen[c.ID] != 1 {
			t.Errorf("hall holds case %s %d times, want once", c.Number, seen[c.ID])
		}
	}
	if len(held) != len(cases) {
		t.Errorf("hall holds %d cases, want %d", len(held), len(cases))
	}
	if st, _ := e.store.OutboxStats(ctx); st.Pending != 0 || st.Parked != 0 {
		t.Errorf("outbox after recovery: %+v", st)
	}
}
