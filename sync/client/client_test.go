package client_test

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// env is a real hall on loopback and an enrolled terminal store.
type env struct {
	hall  *hall.Server
	srv   *httptest.Server
	creds *client.Credentials
	store *store.Store
	cl    *client.Client
	dir   string
}

func newEnv(t *testing.T, wrap func(http.Handler) http.Handler) *env {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	h, err := hall.Open(ctx, hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	handler := h.Handler()
	if wrap != nil {
		handler = wrap(handler)
	}
	srv := httptest.NewServer(handler)
	t.Cleanup(srv.Close)
	code, err := h.NewEnrolmentCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := client.Enroll(ctx, nil, srv.URL, code.Code, "test kiosk")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.Enroll(ctx, nil, srv.URL, code.Code, "again"); err == nil {
		t.Fatal("a used enrolment code enrolled twice")
	}
	if err := creds.Save(dir); err != nil {
		t.Fatal(err)
	}
	sealer, err := creds.NewSealer()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "kiosk.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cl, err := client.New(client.Config{Credentials: creds, Store: st, MinBackoff: time.Millisecond, MaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return &env{hall: h, srv: srv, creds: creds, store: st, cl: cl, dir: dir}
}

func (e *env) submit(t *testing.T, item string) *kiosk.Case {
	t.Helper()
	now := time.Now()
	c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: item, ItemName: "x", CatalogVersion: 1, SubmittedAt: now,
		MaskedName: "测*甲", Applicant: &kiosk.Identity{Name: "测试甲", IDNumber: "11010519491231002X"},
		Form: map[string]string{"phone": "13812345678"}, Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}}}
	if err := e.store.SubmitCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCredentialsFileIsPrivate(t *testing.T) {
	e := newEnv(t, nil)
	fi, err := os.Stat(filepath.Join(e.dir, client.CredentialsFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials mode = %v, %v", fi.Mode(), err)
	}
	back, err := client.LoadCredentials(e.dir)
	if err != nil || back.Token != e.creds.Token {
		t.Fatal(err)
	}
	if _, err := client.LoadCredentials(t.TempDir()); !errors.Is(err, client.ErrNotEnrolled) {
		t.Errorf("no file: %v", err)
	}
}

// Good cases are delivered, a case for an unknown item is parked and does
// not hold up the others, and the hall opens what was sealed.
func TestDrainDeliversAndParks(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	good := []*kiosk.Case{e.submit(t, "339900-RS-GG-0001"), e.submit(t, "339900-GA-GG-0001")}
	bad := e.submit(t, "999999-XX-XX-0000")
	good = append(good, e.submit(t, "339900-MZ-GG-0001"))
	n, err := e.cl.Drain(ctx, &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond})
	if err != nil || n != 3 {
		t.Fatalf("drain = %d, %v", n, err)
	}
	st, _ := e.store.OutboxStats(ctx)
	if st.Pending != 0 || st.Parked != 1 {
		t.Errorf("outbox = %+v", st)
	}
	list, _ := e.store.Outbox(ctx)
	if list[0].Ref != bad.ID || list[0].LastError == "" {
		t.Errorf("parked = %+v", list[0])
	}
	for _, c := range good {
		hc, err := e.hall.Case(ctx, c.Number)
		if err != nil {
			t.Fatalf("hall lacks %s: %v", c.Number, err)
		}
		plain, err := e.hall.OpenCase(hc)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Applicant struct {
				IDNumber string `json:"id_number"`
			} `json:"applicant"`
		}
		if json.Unmarshal(plain, &p) != nil || p.Applicant.IDNumber != "11010519491231002X" {
			t.Errorf("sealed part at the hall: %s", plain)
		}
		if b, _ := e.store.Sealed(ctx, c.ID); b != nil {
			t.Error("terminal kept the sealed part after delivery")
		}
	}
	// A second drain sends nothing: the parked case stays parked.
	if n, err := e.cl.Drain(ctx, &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond}); n != 0 || err != nil {
		t.Errorf("second drain = %d, %v", n, err)
	}
}

// A hall that fails (502) or dies mid-request loses nothing: the batch is
// retried later and delivered exactly once.
func TestDrainRetriesAfterFailures(t *testing.T) {
	var fail atomic.Int32
	fail.Store(2)
	e := newEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/cases" && fail.Add(-1) >= 0 {
				if fail.Load() == 1 {
					w.WriteHeader(http.StatusBadGateway)
					return
				}
				// The hall applies the batch but the answer never arrives.
				h.ServeHTTP(httptest.NewRecorder(), r)
				hj, _ := w.(http.Hijacker)
				conn, _, _ := hj.Hijack()
				conn.Close()
				return
			}
			h.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	c := e.submit(t, "339900-RS-GG-0001")
	bo := &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond}
	for i := 0; i < 2; i++ {
		var tr *client.Transient
		if _, err := e.cl.DrainOnce(ctx, "case", bo); !errors.As(err, &tr) {
			t.Fatalf("attempt %d: want a transient error, got %v", i, err)
		}
		time.Sleep(5 * time.Millisecond) // past the 1 ms backoff
	}
	if _, err := e.cl.Drain(ctx, bo); err != nil {
		t.Fatal(err)
	}
	hc, err := e.hall.Case(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	if len(hc.Timeline) == 0 {
		t.Error("no timeline at the hall")
	}
	st, _ := e.store.OutboxStats(ctx)
	if st.Pending != 0 {
		t.Errorf("pending after recovery: %d", st.Pending)
	}
}

func TestCatalogUpdateVerifiedAndInstalled(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	cat, err := e.cl.CheckCatalog(ctx)
	if err != nil || cat == nil || cat.Version != 1 {
		t.Fatalf("first check: %v, %v", cat, err)
	}
	if again, err := e.cl.CheckCatalog(ctx); again != nil || err != nil {
		t.Errorf("same version installed again: %v, %v", again, err)
	}
	doc, _ := os.ReadFile("../../assets/catalog/catalog.json")
	if _, err := e.hall.Publish(ctx, doc); err != nil {
		t.Fatal(err)
	}
	cat, err = e.cl.CheckCatalog(ctx)
	if err != nil || cat == nil || cat.Version != 2 {
		t.Fatalf("after publish: %v, %v", cat, err)
	}
	list, _ := e.store.Catalogs(ctx)
	if len(list) != 2 || list[1].State != "previous" {
		t.Errorf("installed = %+v", list)
	}
}

func TestVerifyCatalogRejectsTampering(t *testing.T) {
	e := newEnv(t, nil)
	get := func(path string) []byte {
		req, _ := http.NewRequest("GET", e.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.creds.Token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return b
	}
	var m client.Manifest
	if err := json.Unmarshal(get("/v1/catalog/manifest"), &m); err != nil {
		t.Fatal(err)
	}
	doc := get("/v1/catalog/1")
	key := mustKey(t, e.creds)
	if err := client.VerifyCatalog(key, m, doc); err != nil {
		t.Fatalf("genuine catalogue: %v", err)
	}
	tampered := append([]byte(nil), doc...)
	tampered[len(tampered)/2] ^= 1
	if err := client.VerifyCatalog(key, m, tampered); !errors.Is(err, client.ErrCatalogSignature) {
		t.Errorf("tampered catalogue: %v", err)
	}
	m2 := m
	m2.SHA256 = hex.EncodeToString(sha256Of(tampered))
	if err := client.VerifyCatalog(key, m2, tampered); !errors.Is(err, client.ErrCatalogSignature) {
		t.Errorf("tampered catalogue with a matching digest: %v", err)
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if err := client.VerifyCatalog(other, m, doc); !errors.Is(err, client.ErrCatalogSignature) {
		t.Errorf("catalogue signed by another key: %v", err)
	}
}

func TestHeartbeatAppliesStatusUpdates(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	c := e.submit(t, "339900-RS-GG-0001")
	if _, err := e.cl.Drain(ctx, &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if err := e.hall.SetStatus(ctx, c.Number, kiosk.StatusApproved, "已办结，请到窗口领取"); err != nil {
		t.Fatal(err)
	}
	if err := e.cl.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ := e.store.CaseByNumber(ctx, c.Number)
	if got.Status != kiosk.StatusApproved {
		t.Fatalf("status = %s, timeline %+v", got.Status, got.Timeline)
	}
	n := len(got.Timeline)
	if err := e.cl.Heartbeat(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := e.store.CaseByNumber(ctx, c.Number); len(again.Timeline) != n {
		t.Error("the same update applied twice")
	}
	if !e.cl.Online() {
		t.Error("not online after successful calls")
	}
}

func TestUnauthorized(t *testing.T) {
	e := newEnv(t, nil)
	bad := *e.creds
	bad.Token = "not-a-token"
	cl, _ := client.New(client.Config{Credentials: &bad, Store: e.store})
	if err := cl.Heartbeat(context.Background()); !errors.Is(err, client.ErrUnauthorized) {
		t.Errorf("bad token: %v", err)
	}
}
