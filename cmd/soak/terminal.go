package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
)

// The files a terminal keeps in its directory. The driver reads them; only
// acked.log is a promise (fsynced, as a printed receipt is), the others are
// plain appends that survive kill -9 in the page cache.
const (
	fileStore     = "store.db"
	fileAcked     = "acked.log"     // "<case id> <number>" per acknowledged case, fsynced
	fileAttempts  = "attempts.log"  // "<case id>" before each SubmitCase
	fileEvaluated = "evaluated.log" // "<case id> <number>" per stored 好差评, fsynced
	fileEvents    = "events.log"    // "<unix ms> <kind> [detail]": faults and violations seen inside
	fileStatus    = "status.json"   // written atomically every few hundred ms
	fileStall     = "stall"         // the driver asks: stop at this point and wait for kill -9
	fileStalled   = "stalled"       // the terminal says: I am stopped there
	fileInstalled = "installing"    // "<from> <to>": a catalogue install was stopped mid-transaction
	fileWindow    = "window"        // the driver says: "<start> <end>" of the fault window in unix ms, once every terminal is up
)

// Points where the driver can have a terminal stop and then kill it.
const (
	stallSubmitTx      = "submit_tx"       // inside SubmitCase's transaction
	stallBeforeAck     = "before_ack"      // SubmitCase returned, receipt not yet recorded
	stallBeforePrint   = "before_print"    // acknowledged, receipt not yet printed
	stallCatalogInstal = "catalog_install" // inside InstallCatalog's transaction
)

// terminalStatus is what the driver samples.
type terminalStatus struct {
	Enrolled   bool   `json:"enrolled"`
	TerminalID string `json:"terminal_id"`
	Acked      int    `json:"acked"`
	Pending    int    `json:"pending"`
	Parked     int    `json:"parked"`
	Catalog    int64  `json:"catalog"`
	Capped     bool   `json:"capped"`
	Online     bool   `json:"online"`
	LastErr    string `json:"last_error,omitempty"`
}

type terminalFlags struct {
	dir, hall, code, name string
	cases                 int
	interval              time.Duration
	seed                  uint64
	capSlack              int // >0: store capped at its size + this many pages
	evaluate              float64
	budget                map[string]int
}

// runTerminal is the hidden "soak terminal" subcommand: a headless kiosk.
func runTerminal(args []string) int {
	fs := flag.NewFlagSet("soak terminal", flag.ContinueOnError)
	var f terminalFlags
	var budget string
	fs.StringVar(&f.dir, "dir", "", "terminal directory")
	fs.StringVar(&f.hall, "hall", "", "hall URL (the fault proxy)")
	fs.StringVar(&f.code, "code", "", "enrolment code")
	fs.StringVar(&f.name, "name", "soak", "terminal name")
	fs.IntVar(&f.cases, "cases", 10, "cases to acknowledge")
	fs.DurationVar(&f.interval, "interval", time.Second, "mean time between citizens")
	fs.Uint64Var(&f.seed, "seed", 1, "random seed")
	fs.IntVar(&f.capSlack, "cap-slack", 0, "cap the store at its size plus this many pages (full disk)")
	fs.Float64Var(&f.evaluate, "evaluate", 0, "fraction of citizens who rate their case (好差评) after the receipt")
	fs.StringVar(&budget, "budget", "", "device and offline faults for this terminal's life: kind=n,…")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	f.budget = map[string]int{}
	for _, kv := range strings.Split(budget, ",") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			var n int
			fmt.Sscan(v, &n)
			f.budget[k] = n
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	t := &terminal{f: f, rnd: rand.New(rand.NewPCG(f.seed, uint64(time.Now().UnixNano()))), kick: make(chan struct{}, 1)}
	if err := t.run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "soak terminal:", err)
		return 1
	}
	return 0
}

type terminal struct {
	f     terminalFlags
	rnd   *rand.Rand
	rndMu sync.Mutex

	st      *store.Store
	cl      *client.Client
	clock   *stallClock
	offline atomic.Bool
	acked   atomic.Int64
	capped  bool
	// quiet: store users hold it shared; a stall point that arms the clock
	// holds it alone, so the first clock reading after arming is the one
	// inside the transaction it means to stop.
	quiet sync.RWMutex

	// kick wakes the sync loop when a case or rating is stored, as the
	// kiosk's client is kicked, so that an idle terminal need not poll its
	// outbox often: two hundred of them polling starve a two-core machine.
	kick chan struct{}

	evMu       sync.Mutex
	events     *os.File
	lastStatus []byte
	used       map[string]int // faults of each kind already made in earlier lives
}

func (t *terminal) path(name string) string { return filepath.Join(t.f.dir, name) }

func (t *terminal) randFloat() float64 {
	t.rndMu.Lock()
	defer t.rndMu.Unlock()
	return t.rnd.Float64()
}

// event appends a line to events.log.
func (t *terminal) event(kind, detail string) {
	t.evMu.Lock()
	defer t.evMu.Unlock()
	t.used[kind]++
	fmt.Fprintf(t.events, "%d %s %s\n", time.Now().UnixMilli(), kind, strings.ReplaceAll(detail, "\n", " "))
}

// violation records a broken promise; the checker fails the run on any.
func (t *terminal) violation(format string, args ...any) {
	t.event("violation", fmt.Sprintf(format, args...))
}

// want says whether to make a fault of kind now, spreading the life budget
// over the cases still to come.
func (t *terminal) want(kind string, left int) bool {
	if end, ok := t.windowEnd(); !ok || time.Now().After(end) {
		return false
	}
	t.evMu.Lock()
	rem := t.f.budget[kind] - t.used[kind]
	t.evMu.Unlock()
	if rem <= 0 {
		return false
	}
	return left <= rem || t.randFloat() < float64(rem)/float64(left)
}

func (t *terminal) run(ctx context.Context) error {
	if err := os.MkdirAll(t.f.dir, 0o755); err != nil {
		return err
	}
	var err error
	if t.events, err = os.OpenFile(t.path(fileEvents), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644); err != nil {
		return err
	}
	t.used = countEvents(t.path(fileEvents))
	creds, err := client.LoadCredentials(t.f.dir)
	if errors.Is(err, client.ErrNotEnrolled) {
		if creds, err = client.Enroll(ctx, &http.Client{Timeout: 10 * time.Second}, t.f.hall, t.f.code, t.f.name); err != nil {
			return err
		}
		if err = creds.Save(t.f.dir); err != nil {
			return err
		}
	}
	if err != nil {
		return err
	}
	sealer, err := creds.NewSealer()
	if err != nil {
		return err
	}
	opts := store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer}
	if t.f.capSlack > 0 {
		pages, err := pageCount(t.path(fileStore))
		if err != nil {
			return err
		}
		opts.MaxPageCount = pages + t.f.capSlack
		t.capped = true
	}
	t.clock = &stallClock{stall: t.stall}
	opts.Clock = t.clock
	if t.st, err = store.Open(t.path(fileStore), opts); err != nil {
		return err
	}
	defer t.st.Close()
	t.checkCatalogAfterStart(ctx)
	n, err := countLines(t.path(fileAcked))
	if err != nil {
		return err
	}
	t.acked.Store(int64(n))

	hc := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if t.offline.Load() {
				return nil, errors.New("soak: terminal offline (cable pulled)")
			}
			return (&net.Dialer{Timeout: 2 * time.Second}).DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 2,
	}}
	dev, err := openDevices(t.f.dir)
	if err != nil {
		return err
	}
	defer dev.Close()
	if t.cl, err = client.New(client.Config{Credentials: creds, Store: t.st, HTTP: hc, AppVersion: "soak",
		Log:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError})),
		MinBackoff: 200 * time.Millisecond, MaxBackoff: 2 * time.Second, Devices: dev.health}); err != nil {
		return err
	}
	var wg sync.WaitGroup
	loops := []func(context.Context){t.syncLoop, t.statusLoop, func(ctx context.Context) { t.offlineLoop(ctx, hc) }}
	for _, loop := range loops {
		wg.Add(1)
		go func() { defer wg.Done(); loop(ctx) }()
	}
	t.citizens(ctx, dev)
	<-ctx.Done()
	wg.Wait()
	t.writeStatus(context.Background())
	return nil
}

// stallClock is the store's clock. Armed, its next reading — inside the
// transaction the arming stall point is about to run — stops the terminal
// for good: the driver kills it there.
type stallClock struct {
	armed atomic.Pointer[string]
	stall func(point string)
}

func (c *stallClock) Now() time.Time {
	if p := c.armed.Swap(nil); p != nil {
		c.stall(*p)
	}
	return time.Now()
}

// stallRequested says whether the driver asked for a stop at point.
func (t *terminal) stallRequested(point string) bool {
	b, err := os.ReadFile(t.path(fileStall))
	return err == nil && strings.TrimSpace(string(b)) == point
}

// stall tells the driver where the terminal stopped and waits for kill -9.
func (t *terminal) stall(point string) {
	os.WriteFile(t.path(fileStalled), []byte(point), 0o644)
	select {}
}

func (t *terminal) syncLoop(ctx context.Context) {
	bo := &retry.Backoff{Min: 200 * time.Millisecond, Max: 2 * time.Second}
	var nextBeat, nextCat time.Time
	for ctx.Err() == nil {
		t.quiet.RLock()
		_, err := t.cl.Drain(ctx, bo)
		if now := time.Now(); now.After(nextBeat) {
			t.cl.Heartbeat(ctx)
			nextBeat = now.Add(5 * time.Second)
		}
		t.quiet.RUnlock()
		if now := time.Now(); now.After(nextCat) {
			t.checkCatalog(ctx)
			nextCat = now.Add(5 * time.Second)
		}
		wait := time.Second
		if err != nil {
			wait = 300 * time.Millisecond // Drain scheduled the retry; poll for it
		}
		tm := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.kick:
		case <-tm.C:
		}
		tm.Stop()
	}
}

// wake kicks the sync loop without waiting.
func (t *terminal) wake() {
	select {
	case t.kick <- struct{}{}:
	default:
	}
}

// checkCatalog runs the client's catalogue check; asked to, it stops inside
// the install transaction so that the driver kills it there.
func (t *terminal) checkCatalog(ctx context.Context) {
	if !t.stallRequested(stallCatalogInstal) {
		t.quiet.RLock()
		t.cl.CheckCatalog(ctx)
		t.quiet.RUnlock()
		return
	}
	t.quiet.Lock()
	defer t.quiet.Unlock()
	from := t.activeVersion(ctx)
	os.WriteFile(t.path(fileInstalled), fmt.Appendf(nil, "%d", from), 0o644)
	p := stallCatalogInstal
	t.clock.armed.Store(&p)
	t.cl.CheckCatalog(ctx)
	t.clock.armed.Store(nil) // nothing newer: no install, no stop
	os.Remove(t.path(fileInstalled))
}

func (t *terminal) activeVersion(ctx context.Context) int64 {
	cats, _ := t.st.Catalogs(ctx)
	for _, c := range cats {
		if c.State == "active" {
			return c.Version
		}
	}
	return 0
}

// checkCatalogAfterStart checks the installed catalogues once at start:
// one active version that loads whole, at most one previous, and after a
// kill inside an install, the version that was active before it.
func (t *terminal) checkCatalogAfterStart(ctx context.Context) {
	cats, err := t.st.Catalogs(ctx)
	if err != nil {
		t.violation("catalogs after restart: %v", err)
		return
	}
	var active, previous int
	var activeV int64
	for _, c := range cats {
		switch c.State {
		case "active":
			active++
			activeV = c.Version
		case "previous":
			previous++
		default:
			t.violation("catalogue v%d in state %q", c.Version, c.State)
		}
	}
	if active > 1 || previous > 1 || (active == 0 && previous > 0) {
		t.violation("after restart: %d active and %d previous catalogue versions", active, previous)
	}
	if active == 1 {
		cat, err := t.st.ActiveCatalog(ctx)
		if err != nil {
			t.violation("active catalogue v%d does not load: %v", activeV, err)
		} else if cat.Version != activeV {
			t.violation("active catalogue row says v%d, its document v%d", activeV, cat.Version)
		}
	}
	if b, err := os.ReadFile(t.path(fileInstalled)); err == nil {
		var from int64
		fmt.Sscan(string(b), &from)
		if activeV != from {
			t.violation("killed inside the install over v%d, restarted with v%d active", from, activeV)
		}
		t.event("catalog_install_survived", fmt.Sprintf("v%d", from))
		os.Remove(t.path(fileInstalled))
	}
}

func (t *terminal) statusLoop(ctx context.Context) {
	for ctx.Err() == nil {
		t.writeStatus(ctx)
		sleep(ctx, time.Second)
	}
}

func (t *terminal) writeStatus(ctx context.Context) {
	st := terminalStatus{Enrolled: true, Acked: int(t.acked.Load()), Capped: t.capped, Online: t.cl.Online(), LastErr: t.cl.LastError()}
	if os, err := t.st.OutboxStats(ctx); err == nil {
		st.Pending, st.Parked = os.Pending, os.Parked
	}
	st.Catalog = t.activeVersion(ctx)
	b, _ := json.Marshal(st)
	if bytes.Equal(b, t.lastStatus) {
		return // unchanged: spare the disk two hundred renames a second
	}
	tmp := t.path(fileStatus + ".tmp")
	if os.WriteFile(tmp, b, 0o644) == nil && os.Rename(tmp, t.path(fileStatus)) == nil {
		t.lastStatus = b
	}
}

// offlineLoop pulls the terminal's network cable for stretches, as a
// township line does, until the fault window ends.
func (t *terminal) offlineLoop(ctx context.Context, hc *http.Client) {
	for ctx.Err() == nil {
		end, ok := t.windowEnd()
		if !ok {
			sleep(ctx, time.Second) // the fleet is still starting
			continue
		}
		left := time.Until(end)
		if left <= 0 {
			return
		}
		sleep(ctx, time.Duration(t.randFloat()*float64(min(left, 4*time.Second))))
		if !t.want("terminal_offline", 2) {
			continue
		}
		t.event("terminal_offline", "")
		t.offline.Store(true)
		hc.CloseIdleConnections()
		sleep(ctx, time.Duration((0.5+2.5*t.randFloat())*float64(time.Second)))
		t.offline.Store(false)
	}
}

// windowEnd is the end of the fault window, once the driver has opened it:
// a terminal makes no faults of its own before every terminal is up, nor
// after the window.
func (t *terminal) windowEnd() (time.Time, bool) {
	_, end, ok := t.window()
	return end, ok
}

// window is the fault window's start and end, once the driver has opened it.
func (t *terminal) window() (start, end time.Time, ok bool) {
	b, err := os.ReadFile(t.path(fileWindow))
	if err != nil {
		return start, end, false
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return start, end, false
	}
	s, err1 := strconv.ParseInt(f[0], 10, 64)
	e, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return start, end, false
	}
	return time.UnixMilli(s), time.UnixMilli(e), true
}

func sleep(ctx context.Context, d time.Duration) {
	tm := time.NewTimer(d)
	defer tm.Stop()
	select {
	case <-ctx.Done():
	case <-tm.C:
	}
}

// pageCount is the store's size in pages (0 before it exists).
func pageCount(path string) (int, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	var n int
	err = db.QueryRow("PRAGMA page_count").Scan(&n)
	return n, err
}

func countLines(path string) (int, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	n := 0
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n, nil
}

// countEvents counts the lines of events.log by kind.
func countEvents(path string) map[string]int {
	out := map[string]int{}
	b, _ := os.ReadFile(path)
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) >= 2 {
			out[f[1]]++
		}
	}
	return out
}

// kioskClock is what the terminal stamps cases with.
var kioskClock kiosk.Clock = kiosk.SystemClock{}
