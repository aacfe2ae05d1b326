package client_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/kiosktest"
	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// The hall's stores these benchmarks run against: SQLite always,
// PostgreSQL when GOVKIOSK_TEST_PG names a server (make bench starts one).
var benchStores = []string{"sqlite", "postgres"}

// benchHall starts an idle hall on loopback on a new store of the kind
// given.
func benchHall(b *testing.B, kind string) (*hall.Server, *httptest.Server) {
	b.Helper()
	dir := b.TempDir()
	cfg := hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.DiscardHandler)}
	if kind == "postgres" {
		cfg.DB, cfg.KeysDir = pgSchemaURL(b), dir
	}
	h, err := hall.Open(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h.Handler())
	b.Cleanup(func() { srv.Close(); h.Close() })
	return h, srv
}

// pgSchemaURL returns the URL of a new schema in the GOVKIOSK_TEST_PG
// server, dropped at the end; without the variable the benchmark is
// skipped.
func pgSchemaURL(b *testing.B) string {
	b.Helper()
	base := os.Getenv("GOVKIOSK_TEST_PG")
	if base == "" {
		b.Skip("GOVKIOSK_TEST_PG is not set; run under scripts/pg.sh (make bench does) for the PostgreSQL hall")
	}
	var r [6]byte
	rand.Read(r[:])
	schema := "bench_" + hex.EncodeToString(r[:])
	ctx := context.Background()
	exec := func(sql string) {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			b.Fatal(err)
		}
	}
	exec(`CREATE SCHEMA ` + schema)
	b.Cleanup(func() { exec(`DROP SCHEMA ` + schema + ` CASCADE`) })
	u, err := url.Parse(base)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// benchTerminal is an enrolled terminal: its own store, client and HTTP
// connections, counting the bytes it reads off the wire.
type benchTerminal struct {
	store *store.Store
	cl    *client.Client
	read  atomic.Int64
}

func newBenchTerminal(b *testing.B, h *hall.Server, hallURL, dir string) *benchTerminal {
	b.Helper()
	ctx := context.Background()
	code, err := h.NewEnrolmentCode(ctx)
	if err != nil {
		b.Fatal(err)
	}
	creds, err := client.Enroll(ctx, nil, hallURL, code.Code, filepath.Base(dir))
	if err != nil {
		b.Fatal(err)
	}
	sealer, err := creds.NewSealer()
	if err != nil {
		b.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "kiosk.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	t := &benchTerminal{store: st}
	var d net.Dialer
	transport := &http.Transport{DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := d.DialContext(ctx, network, addr)
		if err != nil {
			return nil, err
		}
		return &countingConn{Conn: c, n: &t.read}, nil
	}}
	b.Cleanup(transport.CloseIdleConnections)
	t.cl, err = client.New(client.Config{Credentials: creds, Store: st, HTTP: &http.Client{Transport: transport, Timeout: time.Minute}})
	if err != nil {
		b.Fatal(err)
	}
	return t
}

// countingConn counts the bytes read from the hall, headers included: what
// a terminal on a metered township line pays for.
type countingConn struct {
	net.Conn
	n *atomic.Int64
}

func (c *countingConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.n.Add(int64(n))
	return n, err
}

// BenchmarkDrainBacklog10k: a terminal that was offline comes back with
// 10,000 cases in its outbox and drains them to an idle hall through the
// real client (batches of 100, the client's default, each durable at the
// hall before the terminal marks it delivered, durably too). One op is one
// whole backlog; drain-s is the drain alone, without filling the outbox,
// cpu-s the CPU this process spent on it (processCPU). Target: ≤ 5 s.
func BenchmarkDrainBacklog10k(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) { benchDrain(b, kind) })
	}
}

func benchDrain(b *testing.B, kind string) {
	const backlog = 10000
	ctx := context.Background()
	var drained, cpu time.Duration
	for range b.N {
		h, srv := benchHall(b, kind)
		tm := newBenchTerminal(b, h, srv.URL, b.TempDir())
		// About 1.5 KB of form, as a case with a few filled-in fields and
		// an address; the sealed box adds its overhead. No ID number: the
		// argon2id applicant key it needs is the submit's cost, not the
		// drain's, and would make filling the outbox take minutes.
		form := map[string]string{"phone": "13812345678", "reason": strings.Repeat("申请办理社会保险参保缴费证明，用于购房资格审核。", 20)}
		for range backlog {
			now := time.Now()
			c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: "339900-GA-GG-0001", ItemName: "x", CatalogVersion: 1,
				SubmittedAt: now, MaskedName: "测*甲", Applicant: &kiosk.Identity{Name: "测试甲"},
				Form: form, Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}}}
			if err := tm.store.SubmitCase(ctx, c); err != nil {
				b.Fatal(err)
			}
		}
		start, cpu0 := time.Now(), processCPU(b)
		n, err := tm.cl.Drain(ctx, &retry.Backoff{Min: time.Millisecond, Max: 10 * time.Millisecond})
		drained += time.Since(start)
		cpu += processCPU(b) - cpu0
		if err != nil || n != backlog {
			b.Fatalf("drained %d of %d: %v", n, backlog, err)
		}
		if cs, err := h.Cases(ctx, hall.CaseQuery{Limit: 2 * backlog}); err != nil || len(cs) != backlog {
			b.Fatalf("hall holds %d cases, want %d (%v)", len(cs), backlog, err)
		}
	}
	per := drained.Seconds() / float64(b.N)
	b.ReportMetric(per, "drain-s")
	b.ReportMetric(backlog/per, "cases/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s")
}

// processCPU is the CPU time this process used so far (user and system,
// all threads). On the shared 2-core machine the drain's wall time swings
// with other work; its CPU time (terminal and hall, and for SQLite the
// whole hall, are in this process) does not, and on a quiet machine the
// drain cannot take less than about cpu-s / 2.
func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCatalogPublish10k: the hall publishes a 10,000-item catalogue
// and 200 terminals that hold the sample catalogue check for it;
// each downloads it, verifies its digest and signature against the pinned
// key and installs it through the real client. One op is one publish;
// install-s is the time from Publish until the last terminal installed it,
// MB/terminal what each one read off the wire for it (headers included).
func BenchmarkCatalogPublish10k(b *testing.B) {
	for _, kind := range benchStores {
		b.Run(kind, func(b *testing.B) { benchCatalogPublish(b, kind) })
	}
}

func benchCatalogPublish(b *testing.B, kind string) {
	const terminals, items = 200, 10000
	ctx := context.Background()
	base, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := json.Marshal(kiosktest.Synthetic(base, items, 1))
	if err != nil {
		b.Fatal(err)
	}
	var took time.Duration
	var perTerminal, docBytes float64
	for range b.N {
		h, srv := benchHall(b, kind)
		terms := make([]*benchTerminal, terminals)
		for i := range terms {
			terms[i] = newBenchTerminal(b, h, srv.URL, b.TempDir())
			if _, err := terms[i].cl.CheckCatalog(ctx); err != nil {
				b.Fatal(err)
			}
			terms[i].read.Store(0)
		}
		start := time.Now()
		v, err := h.Publish(ctx, doc)
		if err != nil {
			b.Fatal(err)
		}
		docBytes = float64(len(v.Doc))
		// The simulated terminals' parsing and installing comes out of the
		// same two cores as the hall; with all 200 at once the hall's own
		// requests waited behind them past the client's timeout. A few at a
		// time keeps the machine busy without starving the hall, and the
		// figure stays an upper bound of what the hall needs.
		slots := make(chan struct{}, 2*runtime.GOMAXPROCS(0))
		var wg sync.WaitGroup
		errs := make(chan error, terminals)
		for _, tm := range terms {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				cat, err := tm.cl.CheckCatalog(ctx)
				if err == nil && (cat == nil || cat.Version != v.Version || len(cat.Items) != items) {
					err = fmt.Errorf("installed %+v, want version %d with %d items", cat, v.Version, items)
				}
				if err != nil {
					errs <- err
				}
			}()
		}
		wg.Wait()
		took += time.Since(start)
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
		var read int64
		for _, tm := range terms {
			read += tm.read.Load()
		}
		perTerminal += float64(read) / terminals
	}
	b.ReportMetric(took.Seconds()/float64(b.N), "install-s")
	b.ReportMetric(perTerminal/float64(b.N)/1e6, "MB/terminal")
	b.ReportMetric(docBytes/1e6, "doc-MB")
}
