package hall

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// tryUpload posts a batch and returns the results, or an error for anything
// but a 200 (a 503, a refused or cut connection).
func (tm *terminal) tryUpload(cases []wireCase) ([]wireResult, error) {
	body, err := json.Marshal(casesRequest{Cases: cases})
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(http.MethodPost, tm.base+"/v1/cases", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+tm.token)
	resp, err := tm.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%d %s", resp.StatusCode, b)
	}
	var rr resultsResponse
	if err := json.Unmarshal(b, &rr); err != nil {
		return nil, err
	}
	if len(rr.Results) != len(cases) {
		return nil, fmt.Errorf("%d results for %d cases", len(rr.Results), len(cases))
	}
	return rr.Results, nil
}

// ledger is what terminals know after a load: the cases the hall
// acknowledged and the batches that got no answer, which a terminal keeps
// in its outbox and sends again.
type ledger struct {
	mu         sync.Mutex
	acked      map[string]wireCase // id → case, answered applied or duplicate
	unanswered map[*terminal][]wireCase
	rejected   []wireResult
}

func newLedger() *ledger {
	return &ledger{acked: map[string]wireCase{}, unanswered: map[*terminal][]wireCase{}}
}

// load has each terminal send batches from workers goroutines until stop
// is closed or its uploads fail twice in a row after stop.
func (l *ledger) load(terms []*terminal, workers, batch int, stop <-chan struct{}) {
	var wg sync.WaitGroup
	for w := range workers {
		tm := terms[w%len(terms)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				cases := make([]wireCase, batch)
				for i := range cases {
					cases[i] = tm.newCase(1500)
				}
				results, err := tm.tryUpload(cases)
				l.mu.Lock()
				if err != nil {
					l.unanswered[tm] = append(l.unanswered[tm], cases...)
				}
				for i, r := range results {
					if r.Result == ResultRejected {
						l.rejected = append(l.rejected, r)
					} else {
						l.acked[cases[i].ID] = cases[i]
					}
				}
				l.mu.Unlock()
				if err != nil {
					select {
					case <-stop:
						return
					case <-time.After(10 * time.Millisecond):
					}
				}
			}
		}()
	}
	wg.Wait()
}

// waitAcked waits until the hall has acknowledged n cases, and a little
// more so that requests are in flight when the test pulls the plug.
func (l *ledger) waitAcked(t *testing.T, n int) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		l.mu.Lock()
		got := len(l.acked)
		l.mu.Unlock()
		if got >= n {
			time.Sleep(30 * time.Millisecond)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d cases acknowledged in a minute", got)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// check reopens the store and verifies nothing acknowledged was lost, then
// sends the unanswered cases again, as terminals would, and verifies each
// case is at the hall exactly once.
func (l *ledger) check(t *testing.T, db string) {
	t.Helper()
	if len(l.rejected) > 0 {
		t.Fatalf("%d cases rejected under load, e.g. %+v", len(l.rejected), l.rejected[0])
	}
	h := openTestHall(t, db)
	stored := map[string]bool{}
	cs, err := h.Cases(context.Background(), CaseQuery{Limit: 1 << 30})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		stored[c.ID] = true
	}
	lost := 0
	for id := range l.acked {
		if !stored[id] {
			lost++
		}
	}
	if lost > 0 {
		t.Fatalf("%d of %d acknowledged cases lost", lost, len(l.acked))
	}
	resent := 0
	for tm, cases := range l.unanswered {
		tm.base, tm.client = h.http.URL, h.http.Client()
		for start := 0; start < len(cases); start += 100 {
			batch := cases[start:min(start+100, len(cases))]
			for _, r := range tm.upload(batch...) {
				if r.Result == ResultRejected {
					t.Fatalf("resent case %s rejected: %s", r.ID, r.Reason)
				}
			}
			resent += len(batch)
		}
	}
	cs, _ = h.Cases(context.Background(), CaseQuery{Limit: 1 << 30})
	if want := len(l.acked) + resent; len(cs) != want {
		t.Fatalf("%d cases at the hall, want %d acknowledged + %d resent = %d", len(cs), len(l.acked), resent, want)
	}
	t.Logf("%d cases acknowledged before the hall went down, %d unanswered and sent again", len(l.acked), resent)
}

func TestHallClosedMidRequestLosesNothingAcknowledged(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hall.db")
	srv, err := Open(context.Background(), Config{DB: db, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	h := &testHall{Server: srv, t: t, http: ts, db: db}
	terms := []*terminal{h.enroll("A"), h.enroll("B"), h.enroll("C"), h.enroll("D")}
	l := newLedger()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { l.load(terms, 16, 10, stop); close(done) }()
	l.waitAcked(t, 300)
	// The store closes under running requests: those in the committer
	// finish, the rest get 503.
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(50 * time.Millisecond)
	ts.CloseClientConnections()
	ts.Close()
	close(stop)
	<-done
	if len(l.unanswered) == 0 {
		t.Log("no request was cut off; the check below still holds")
	}
	l.check(t, db)
}

// TestHallKilledMidRequestLosesNothingAcknowledged runs the hall in a child
// process and kills it (SIGKILL) under load: no deferred Close, no
// graceful shutdown.
func TestHallKilledMidRequestLosesNothingAcknowledged(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	db := filepath.Join(t.TempDir(), "hall.db")
	setup := openTestHall(t, db)
	terms := []*terminal{setup.enroll("A"), setup.enroll("B"), setup.enroll("C"), setup.enroll("D")}
	setup.close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHallProcess$")
	cmd.Env = append(os.Environ(), "GOVKIOSK_HALL_HELPER_DB="+db)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	addr := ""
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if a, ok := strings.CutPrefix(sc.Text(), "LISTEN "); ok {
			addr = a
			break
		}
	}
	if addr == "" {
		t.Fatal("child hall did not start")
	}
	go io.Copy(io.Discard, out)
	client := &http.Client{Timeout: 10 * time.Second}
	for _, tm := range terms {
		tm.base, tm.client = "http://"+addr, client
	}
	l := newLedger()
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() { l.load(terms, 16, 10, stop); close(done) }()
	l.waitAcked(t, 300)
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	time.Sleep(50 * time.Millisecond)
	close(stop)
	<-done
	if len(l.acked) == 0 {
		t.Fatal("no case acknowledged before the kill; the test proves nothing")
	}
	l.check(t, db)
}

// TestHelperHallProcess is the child of
// TestHallKilledMidRequestLosesNothingAcknowledged: a hall serving until
// it is killed.
func TestHelperHallProcess(t *testing.T) {
	db := os.Getenv("GOVKIOSK_HALL_HELPER_DB")
	if db == "" {
		t.Skip("only runs as a child process")
	}
	srv, err := Open(context.Background(), Config{DB: db, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("LISTEN %s\n", ln.Addr())
	err = http.Serve(ln, srv.Handler())
	t.Fatal(err)
}

func TestFullDiskAnswers503AndStoresNothingOfTheBatch(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hall.db")
	setup := openTestHall(t, db)
	tm := setup.enroll("T")
	var pages int
	if err := setup.store.(*SQLiteStore).rdb.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	setup.close()

	st, err := OpenSQLite(db, SQLiteOptions{MaxPageCount: pages + 40})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Open(context.Background(), Config{DB: db, Store: st, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	tm.base, tm.client = ts.URL, ts.Client()
	acked := map[string]bool{}
	var refused []wireCase
	for range 100 {
		batch := []wireCase{tm.newCase(3000), tm.newCase(3000), tm.newCase(3000)}
		results, err := tm.tryUpload(batch)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "503 ") || !strings.Contains(err.Error(), "retry later") {
				t.Fatalf("full disk: %v, want 503 asking to retry", err)
			}
			refused = batch
			break
		}
		for _, r := range results {
			acked[r.ID] = true
		}
	}
	if refused == nil {
		t.Fatal("the store never filled up")
	}
	ts.Close()
	srv.Close()

	h := openTestHall(t, db) // no cap: the admin freed space
	tm.base, tm.client = h.http.URL, h.http.Client()
	cs, _ := h.Cases(context.Background(), CaseQuery{Limit: 1000})
	if len(cs) != len(acked) {
		t.Fatalf("%d cases stored, %d acknowledged: a refused batch was partly stored", len(cs), len(acked))
	}
	for _, r := range tm.upload(refused...) {
		if r.Result != ResultApplied {
			t.Errorf("refused case sent again: %+v", r)
		}
	}
}
