package hall

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"govkiosk/assets"
	"govkiosk/kiosk"
)

// openPGTestHall starts a hall on the PostgreSQL schema at url behind its
// own HTTP server on loopback; halls given one url and keysDir are
// instances of one hall.
func openPGTestHall(t testing.TB, url, keysDir string) *testHall {
	t.Helper()
	clock := kiosk.NewManualClock(testEpoch)
	srv, err := Open(context.Background(), Config{DB: url, KeysDir: keysDir, Clock: clock, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	h := &testHall{Server: srv, t: t, http: httptest.NewServer(srv.Handler()), db: url, clock: clock}
	t.Cleanup(h.close)
	return h
}

// via returns the terminal as seen through another hall instance: same
// credentials, the other instance's address.
func (tm *terminal) via(h *testHall) *terminal {
	other := &terminal{t: tm.t, base: h.http.URL, client: h.http.Client(), id: tm.id, token: tm.token,
		catalogKey: tm.catalogKey, sealKey: tm.sealKey}
	other.seq.Store(tm.seq.Load())
	return other
}

// Two hall instances on one PostgreSQL act as one hall: a terminal enrolled
// on one uploads through the other, a batch sent through both at once is
// applied once, status changes made on either reach the terminal through
// either in cursor order, and publishes on both at once both survive.
func TestTwoHallsOnOnePostgres(t *testing.T) {
	url, keys := pgTestURL(t), t.TempDir()
	h1 := openPGTestHall(t, url, keys)
	h2 := openPGTestHall(t, url, keys)
	ctx := context.Background()

	t.Run("EnrolOnOneUploadOnTheOther", func(t *testing.T) {
		tm := h1.enroll("甲")
		c := tm.newCase(500)
		if r := tm.via(h2).upload(c); r[0].Result != ResultApplied {
			t.Fatalf("upload through the second hall: %+v", r)
		}
		if _, err := h1.Case(ctx, c.Number); err != nil {
			t.Errorf("first hall does not see the case: %v", err)
		}
	})

	t.Run("SameBatchThroughBothAppliedOnce", func(t *testing.T) {
		tm1 := h1.enroll("乙")
		tm2 := tm1.via(h2)
		for round := range 10 {
			batch := make([]wireCase, 20)
			for i := range batch {
				batch[i] = tm1.newCase(500)
			}
			var wg sync.WaitGroup
			results := make([][]wireResult, 4)
			for i := range results {
				tm := []*terminal{tm1, tm2}[i%2]
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := tm.tryUpload(batch)
					if err != nil {
						t.Error(err)
					}
					results[i] = r
				}()
			}
			wg.Wait()
			for i, c := range batch {
				applied := 0
				for _, r := range results {
					if len(r) != len(batch) {
						t.FailNow()
					}
					switch r[i].Result {
					case ResultApplied:
						applied++
					case ResultDuplicate:
					default:
						t.Errorf("round %d case %d: %+v", round, i, r[i])
					}
				}
				if applied != 1 {
					t.Errorf("round %d case %s applied %d times through two halls", round, c.ID, applied)
				}
			}
		}
		cs, err := h2.Cases(ctx, CaseQuery{TerminalID: tm1.id, Limit: 1000})
		if err != nil || len(cs) != 200 {
			t.Errorf("%d cases stored, want 200 (%v)", len(cs), err)
		}
	})

	t.Run("StatusFromEitherReachesTerminalInOrder", func(t *testing.T) {
		tm := h1.enroll("丙")
		cases := make([]wireCase, 10)
		for i := range cases {
			cases[i] = tm.newCase(300)
		}
		tm.upload(cases...)
		// Admins on both instances change statuses while the terminal
		// polls through the second. A poll that advanced its cursor past an
		// event committed later would lose that event for good.
		const perAdmin = 40
		var setters, poller sync.WaitGroup
		stop := make(chan struct{})
		var got []wireStatusUpdate
		cursor := int64(0)
		viaH2 := tm.via(h2)
		poll := func() {
			r := viaH2.heartbeat(heartbeatRequest{StatusCursor: cursor})
			got = append(got, r.StatusUpdates...)
			cursor = r.StatusCursor
		}
		poller.Add(1)
		go func() {
			defer poller.Done()
			for {
				select {
				case <-stop:
					return
				default:
					poll()
				}
			}
		}()
		for a, h := range []*testHall{h1, h2} {
			setters.Add(1)
			go func() {
				defer setters.Done()
				for i := range perAdmin {
					c := cases[(i+a)%len(cases)]
					if err := h.SetStatus(ctx, c.Number, kiosk.StatusInProcess, fmt.Sprintf("admin%d-%d", a, i)); err != nil {
						t.Error(err)
					}
				}
			}()
		}
		setters.Wait()
		close(stop)
		poller.Wait()
		poll()
		if cursor != int64(len(cases)+2*perAdmin) {
			t.Errorf("terminal's cursor %d, want %d", cursor, len(cases)+2*perAdmin)
		}
		seen := map[string]bool{}
		next := map[int]int{0: 0, 1: 0}
		for _, u := range got {
			if u.Status == kiosk.StatusReceived {
				continue
			}
			if seen[u.Note] {
				t.Errorf("update %s delivered twice", u.Note)
			}
			seen[u.Note] = true
			// Each admin's changes were made one after another, so they
			// must arrive in that order.
			var a, i int
			if _, err := fmt.Sscanf(u.Note, "admin%d-%d", &a, &i); err != nil {
				t.Fatal(err)
			}
			if i != next[a] {
				t.Errorf("admin %d's change %d arrived when %d was due", a, i, next[a])
			}
			next[a] = i + 1
		}
		if len(seen) != 2*perAdmin {
			t.Errorf("terminal received %d of %d status changes", len(seen), 2*perAdmin)
		}
	})

	t.Run("ConcurrentPublishesBothKept", func(t *testing.T) {
		docs := []string{
			strings.Replace(string(assets.SampleCatalog), `"339900-GA-GG-0001"`, `"339900-GA-GG-0901"`, 1),
			strings.Replace(string(assets.SampleCatalog), `"339900-GA-GG-0001"`, `"339900-GA-GG-0902"`, 1),
		}
		var wg sync.WaitGroup
		versions := make([]CatalogVersion, 2)
		for i, h := range []*testHall{h1, h2} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				v, err := h.Publish(ctx, []byte(docs[i]))
				if err != nil {
					t.Error(err)
				}
				versions[i] = v
			}()
		}
		wg.Wait()
		if versions[0].Version == versions[1].Version {
			t.Fatalf("both publishes got version %d", versions[0].Version)
		}
		for i, v := range versions {
			stored, err := h1.Store().Catalog(ctx, v.Version)
			if err != nil || stored.SHA256 != v.SHA256 || !strings.Contains(string(stored.Doc), fmt.Sprintf("339900-GA-GG-090%d", i+1)) {
				t.Errorf("version %d as stored: %v; overwritten by the other publish?", v.Version, err)
			}
		}
		// A terminal asking either instance gets the newest.
		tm := h1.enroll("丁")
		for _, h := range []*testHall{h1, h2} {
			code, _, body := tm.via(h).get("/v1/catalog/manifest", nil)
			if code != http.StatusOK || !strings.Contains(string(body), fmt.Sprintf(`"version":%d`, max(versions[0].Version, versions[1].Version))) {
				t.Errorf("manifest from %s: %d %s", h.http.URL, code, body)
			}
		}
	})
}
