package soak_test

import (
	"context"
	"log/slog"
	"net"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/faultproxy"
	"govkiosk/sync/hall"
)

// rig is a hall on loopback behind a fault proxy, and one enrolled
// terminal with its store and sync client on a manual clock.
type rig struct {
	hall  *hall.Server
	proxy *faultproxy.Proxy
	st    *store.Store
	cl    *client.Client
	clock *kiosk.ManualClock
	cat   *kiosk.Catalog
}

func newRig(t *testing.T) *rig {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	srv, err := hall.Open(ctx, hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() { hs.Close(); srv.Close() })
	p := faultproxy.New(strings.TrimPrefix(hs.URL, "http://"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go p.Serve(ln)
	code, err := srv.NewEnrolmentCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := client.Enroll(ctx, nil, "http://"+ln.Addr().String(), code.Code, "regression")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := creds.NewSealer()
	if err != nil {
		t.Fatal(err)
	}
	clock := kiosk.NewManualClock(time.Now())
	st, err := store.Open(filepath.Join(dir, "store.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer, Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cl, err := client.New(client.Config{Credentials: creds, Store: st, Clock: clock, MinBackoff: time.Second, MaxBackoff: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := cl.CheckCatalog(ctx)
	if err != nil || cat == nil {
		t.Fatalf("first catalogue: %v, %v", cat, err)
	}
	return &rig{hall: srv, proxy: p, st: st, cl: cl, clock: clock, cat: cat}
}

func (r *rig) submit(t *testing.T) *kiosk.Case {
	t.Helper()
	now := r.clock.Now()
	it := r.cat.Items[0]
	c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: it.Code, ItemName: it.Name.ZH, CatalogVersion: r.cat.Version,
		SubmittedAt: now, MaskedName: "张*三", Form: map[string]string{"note": "regression"},
		Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}}}
	if err := r.st.SubmitCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

// drain runs one Drain and turns a panic into a test failure, so that one
// bug does not take the other tests of the package down with it.
func drain(t *testing.T, cl *client.Client, bo *retry.Backoff) (err error) {
	t.Helper()
	defer func() {
		if p := recover(); p != nil {
			t.Fatalf("client.Drain panicked: %v", p)
		}
	}()
	_, err = cl.Drain(context.Background(), bo)
	return err
}

// Found by the soak: when the hall rejects an evaluation, client.upload
// logs o.Case.Number, but an evaluation's outbox item has no Case (only
// Evaluation is filled), so the sync client dereferences nil and the kiosk
// process crashes. It stays in a crash loop as long as the evaluation is
// due first, since nothing was parked before the panic.
func TestRejectedEvaluationIsParkedWithoutACrash(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	c := r.submit(t)
	if err := r.st.EvaluateCase(ctx, c.ID, kiosk.Evaluation{Level: 5, At: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	// The case's upload failed and waits a minute; the evaluation is due.
	items, err := r.st.PendingOutbox(ctx, "case", 10, 1<<20)
	if err != nil || len(items) != 1 {
		t.Fatalf("pending cases: %d, %v", len(items), err)
	}
	if err := r.st.Failed(ctx, []int64{items[0].ID}, "HTTP 503", r.clock.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	drain(t, r.cl, &retry.Backoff{Min: time.Second, Max: time.Minute})
}

// Found by the soak: a citizen rates a case (好差评) right after its
// receipt. If the case's upload failed once (one 503, one reset) its retry
// waits for the backoff, and Drain, finding no case due, uploads the
// evaluation first. The hall rejects it ("unknown case: send the case
// before its evaluation"), the client parks it, and the rating never
// reaches the hall although the case does a second later. The contract:
// everything collected reaches the hall exactly once in effect, and an
// evaluation needs its case at the hall first (client.Drain's own doc).
func TestEvaluationIsNotParkedWhenItsCaseRetriesLater(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	c := r.submit(t)
	if err := r.st.EvaluateCase(ctx, c.ID, kiosk.Evaluation{Level: 5, At: r.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	bo := &retry.Backoff{Min: time.Second, Max: time.Minute}
	r.proxy.Arm(faultproxy.Status503) // the case's first upload meets a 503
	if err := drain(t, r.cl, bo); err == nil {
		t.Fatal("the first drain went through a 503")
	}
	// The network is fine again; the terminal keeps syncing as time passes.
	for range 10 {
		drain(t, r.cl, bo)
		r.clock.Advance(2 * time.Second)
	}
	hc, err := r.hall.Case(ctx, c.Number)
	if err != nil {
		t.Fatalf("case not at the hall: %v", err)
	}
	if hc.Evaluation == nil {
		items, _ := r.st.Outbox(ctx)
		for _, o := range items {
			t.Logf("outbox: %s %s parked=%v attempts=%d last error %q", o.Kind, o.Ref, o.Parked, o.Attempts, o.LastError)
		}
		t.Fatal("the case reached the hall, its evaluation did not (parked at the terminal)")
	}
	if ob, _ := r.st.OutboxStats(ctx); ob.Pending != 0 || ob.Parked != 0 {
		t.Errorf("outbox at the end: %+v", ob)
	}
}
