package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"govkiosk/assets"
	"govkiosk/sync/faultproxy"
)

// Options configure a soak run.
type Options struct {
	Terminals, Cases, Faults int
	Duration                 time.Duration
	Seed                     uint64
	Dir                      string
	ConvergeTimeout          time.Duration
	// Evaluate is the fraction of citizens who rate their case (好差评).
	Evaluate float64
	Verbose  bool
	// LongCut, if set, is how long one cut of the hall lasts (the others
	// last seconds): terminals work offline for minutes and catch up.
	LongCut time.Duration
	// MinPerGroup fails the run when fewer faults of a group (network,
	// power, disk, devices) were injected: a soak that planned faults but
	// could not apply them proves less than it claims.
	MinPerGroup int
	// MaxConverge fails the run when convergence after the last fault took
	// longer; 0: no limit beyond ConvergeTimeout.
	MaxConverge time.Duration
	// TerminalNice is the terminals' nice value. In a hall each terminal is
	// its own machine; here two hundred share two cores with the hall, and
	// at equal priority they starved it and the fault proxy carrying their
	// traffic (the driver fell a minute behind its plan, outboxes stood
	// still after the window). A few terminals beside other test binaries,
	// as in make test, are better at 0: niced, they are the ones starved.
	TerminalNice int
}

func defaultOptions() Options {
	return Options{Terminals: 5, Cases: 20, Faults: 30, Duration: 30 * time.Second, ConvergeTimeout: 2 * time.Minute, Evaluate: 0.5, TerminalNice: 10}
}

// Fault kinds the driver injects from outside the processes; the network
// kinds are faultproxy's.
const (
	faultKillTerminal = "kill_terminal" // at a random moment
	faultKillHall     = "kill_hall"     // while an upload is in flight
	faultDiskFull     = "disk_full"     // store capped at its size, then given room again
	faultPublish      = "publish"       // not a fault: a new catalogue version
)

// Terminal-side kinds: each terminal makes its share against its own
// simulated devices and network cable.
var terminalKinds = []string{"card_pulled", "printer_paper_out", "scanner_garbage", "terminal_offline"}

var stallKinds = []string{stallSubmitTx, stallBeforeAck, stallBeforePrint, stallCatalogInstal}

// allKinds lists every kind a -faults budget is spread over.
func allKinds() []string {
	var ks []string
	for _, k := range faultproxy.RequestKinds {
		ks = append(ks, string(k))
	}
	ks = append(ks, string(faultproxy.Cut), faultKillTerminal, faultKillHall, faultDiskFull)
	for _, s := range stallKinds {
		ks = append(ks, "kill_terminal_"+s)
	}
	return append(ks, terminalKinds...)
}

// The four kinds of fault. A -faults budget is split evenly
// between the groups, then between the kinds of each group, so a run with
// many kinds of network fault does not starve the disk of its share.
const (
	groupNetwork = "network"
	groupPower   = "power"
	groupDisk    = "disk"
	groupDevices = "devices"
)

var faultGroups = []string{groupNetwork, groupPower, groupDisk, groupDevices}

// groupOf is the group of a fault kind.
func groupOf(kind string) string {
	switch {
	case strings.HasPrefix(kind, "net_"), kind == "terminal_offline":
		return groupNetwork
	case strings.HasPrefix(kind, "kill_"):
		return groupPower
	case kind == faultDiskFull:
		return groupDisk
	default:
		return groupDevices
	}
}

// planned is one driver action at an offset into the fault window.
type planned struct {
	at   time.Duration
	kind string
	n    int // catalogue-install stalls to request with a publish
	// planned is when it was first due: retries move at, and the lag is
	// measured from the first.
	planned time.Duration
}

type driver struct {
	o     Options
	out   io.Writer
	rnd   *rand.Rand
	dir   string
	bin   string
	hall  *hallProc
	proxy *faultproxy.Proxy
	terms []*termProc

	mu        sync.Mutex
	counts    map[string]int // faults the driver applied
	lastFault time.Time
	midBatch  int // hall kills that hit an upload in flight
	pubs      sync.WaitGroup
	published int64
	peak      int

	// snap is every terminal's last status, read once a second by the
	// loop. Picking a terminal for a fault used to read and decode two
	// hundred status files per attempt; with hundreds of retries queued
	// that kept the loaded driver minutes behind its plan.
	snap []termSnap
	// lag is how late planned faults were taken up, to show whether the
	// driver kept its plan (a late stop point finds no citizen to stop).
	lagSum, lagMax time.Duration
	lagN           int

	// ops are kills and restarts in flight. Each runs off the loop: a
	// SIGKILL waits for the process to be reaped and a start for its
	// exec, tens of milliseconds each on a loaded machine, and a thousand
	// of them in the loop kept it seconds behind its plan.
	ops    sync.WaitGroup
	opErrs chan error

	// convergedSince is when the fleet was last seen to become converged
	// (zero while it is not). It is watched from the moment the last
	// planned fault is applied, not only after the window: a fleet that
	// converged a minute before the window's end converged then.
	convergedSince time.Time
}

// termSnap is a terminal's status as of the loop's last sample.
type termSnap struct {
	st terminalStatus
	ok bool
}

func (d *driver) logf(format string, args ...any) {
	if d.o.Verbose {
		fmt.Fprintf(d.out, "soak: "+format+"\n", args...)
	}
}

func (d *driver) count(kind string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.counts[kind]++
	d.lastFault = time.Now()
}

// Run runs a soak and prints its report; the last line is the JSON summary.
func Run(ctx context.Context, o Options, out io.Writer) (*Report, error) {
	if o.Terminals < 1 || o.Cases < 1 || o.Duration <= 0 {
		return nil, errors.New("want -terminals ≥ 1, -cases ≥ 1 and a positive -duration")
	}
	d := &driver{o: o, out: out, rnd: rand.New(rand.NewPCG(o.Seed, o.Seed^0x5eed)), counts: map[string]int{}}
	d.dir = o.Dir
	if d.dir == "" {
		var err error
		if d.dir, err = os.MkdirTemp("", "govkiosk-soak-"); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(out, "soak: %d terminals × %d cases, %d faults over %s, seed %d, work dir %s\n",
		o.Terminals, o.Cases, o.Faults, o.Duration, o.Seed, d.dir)
	rep, err := d.run(ctx)
	if rep != nil {
		rep.print(out)
		if rep.Pass() && o.Dir == "" {
			os.RemoveAll(d.dir)
		}
	}
	return rep, err
}

func (d *driver) run(ctx context.Context) (*Report, error) {
	if err := d.build(); err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	d.hall = &hallProc{proc: proc{name: "hall", logPath: filepath.Join(d.dir, "hall.log")},
		bin: filepath.Join(d.bin, "hall"), db: filepath.Join(d.dir, "hall.db"), addr: addr}
	if err := d.hall.startAndWait(ctx); err != nil {
		return nil, err
	}
	defer d.hall.stop(30 * time.Second)
	d.published = 1
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	defer ln.Close()
	d.proxy = faultproxy.New(addr)
	go d.proxy.Serve(ln)
	catalogFile := filepath.Join(d.dir, "catalog.json")
	if err := os.WriteFile(catalogFile, assets.SampleCatalog, 0o644); err != nil {
		return nil, err
	}

	d.opErrs = make(chan error, 1)
	plan, budgets := d.plan()
	start := time.Now()
	if err := d.startTerminals(ctx, "http://"+ln.Addr().String(), budgets); err != nil {
		d.stopTerminals()
		return nil, err
	}
	defer d.stopTerminals()
	fmt.Fprintf(d.out, "soak: %d terminals enrolled and running in %s\n", len(d.terms), time.Since(start).Round(time.Millisecond))

	window := time.Now()
	span := fmt.Sprintf("%d %d", window.UnixMilli(), window.Add(d.o.Duration).UnixMilli())
	for _, t := range d.terms {
		if err := os.WriteFile(filepath.Join(t.dir, fileWindow), []byte(span), 0o644); err != nil {
			return nil, err
		}
	}
	for i := range plan {
		plan[i].planned = plan[i].at
	}
	var lastConv time.Time
	sort.Slice(plan, func(i, j int) bool { return plan[i].at < plan[j].at })
	err = d.loop(ctx, func(now time.Time) bool {
		for len(plan) > 0 && now.Sub(window) >= plan[0].at && time.Since(now) < 100*time.Millisecond {
			p := plan[0]
			plan = plan[1:]
			if d.apply(p, catalogFile) {
				d.lagged(now.Sub(window) - p.planned)
			} else if p.at < d.o.Duration {
				// No terminal could take it now (all down, capped or
				// already asked): try again later — later than now, so a
				// driver that fell behind does not spin on it, and not
				// before the next status sample could say otherwise.
				p.at = now.Sub(window) + statusSample
				i := sort.Search(len(plan), func(i int) bool { return plan[i].at > p.at })
				plan = append(plan[:i], append([]planned{p}, plan[i:]...)...)
			}
		}
		if len(plan) == 0 && now.Sub(lastConv) >= statusSample {
			lastConv = now
			d.trackConvergence(now)
		}
		return now.Sub(window) >= d.o.Duration && len(plan) == 0
	})
	if err != nil {
		return nil, err
	}
	// The window is over: no new faults; what is armed and not yet
	// applied is dropped; capped stores get their room back.
	d.pubs.Wait()
	d.proxy.Disarm()
	for _, t := range d.terms {
		t.clearStallRequest()
	}
	fmt.Fprintf(d.out, "soak: fault window over after %s; waiting for convergence\n", time.Since(window).Round(time.Millisecond))
	var converged, lastCheck, lastWhy time.Time
	deadline := time.Now().Add(d.o.ConvergeTimeout)
	err = d.loop(ctx, func(now time.Time) bool {
		for _, t := range d.terms {
			if !t.busy.Load() && t.capped && t.running() {
				t.capUntil = now
			}
		}
		if now.Sub(lastCheck) >= 250*time.Millisecond {
			lastCheck = now
			ok, why := d.trackConvergence(now)
			if ok {
				converged = d.convergedSince
				return true
			}
			if now.Sub(lastWhy) >= 5*time.Second {
				lastWhy = now
				fmt.Fprintf(d.out, "soak: %s after the window: %s\n", now.Sub(window).Round(time.Second)-d.o.Duration, why)
			}
		}
		return now.After(deadline)
	})
	if err != nil {
		return nil, err
	}
	d.stopTerminals()
	d.hall.stop(30 * time.Second)
	return d.check(ctx, converged)
}

// build compiles the hall and this command into the work directory, so
// the processes under test are real binaries that can be killed.
func (d *driver) build() error {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return fmt.Errorf("go env GOMOD: %w", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(out)))
	d.bin = filepath.Join(d.dir, "bin")
	cmd := exec.Command("go", "build", "-o", d.bin+"/", "./cmd/hall", "./cmd/soak")
	cmd.Dir = root
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, b)
	}
	return nil
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// systemFaultGap is the mean gap between faults that cut every terminal off
// at once (a hall kill, a cut of its network).
const systemFaultGap = 15 * time.Second

// spread deals total out over list: each gets its share, the remainder
// goes to entries drawn at random.
func (d *driver) spread(total int, list []string, into map[string]int) {
	for i := range total {
		if i < total/len(list)*len(list) {
			into[list[i%len(list)]]++
		} else {
			into[list[d.rnd.IntN(len(list))]]++
		}
	}
}

// plan spreads the fault budget over the groups, each group's share over
// its kinds, and the faults over the window.
func (d *driver) plan() ([]planned, map[int]map[string]int) {
	kinds := allKinds()
	perGroup := map[string]int{}
	d.spread(d.o.Faults, faultGroups, perGroup)
	n := map[string]int{}
	for _, g := range faultGroups {
		var ks []string
		for _, k := range kinds {
			if groupOf(k) == g {
				ks = append(ks, k)
			}
		}
		d.spread(perGroup[g], ks, n)
		// Faults that take the whole hall away come at most once per
		// systemFaultGap: a hall killed every few seconds is a hall that is
		// never up, which proves nothing about the terminals. Their excess
		// goes to the group's other kinds.
		var rest []string
		excess := 0
		for _, k := range ks {
			if k == faultKillHall || k == string(faultproxy.Cut) {
				c := max(1, int(d.o.Duration/systemFaultGap))
				if n[k] > c {
					excess += n[k] - c
					n[k] = c
				}
			} else {
				rest = append(rest, k)
			}
		}
		if excess > 0 && len(rest) > 0 {
			d.spread(excess, rest, n)
		}
	}
	at := func() time.Duration {
		return time.Duration((0.05 + 0.8*d.rnd.Float64()) * float64(d.o.Duration))
	}
	var plan []planned
	for _, k := range kinds {
		if k == "kill_terminal_"+stallCatalogInstal || contains(terminalKinds, k) {
			continue
		}
		for range n[k] {
			when := at()
			if strings.HasPrefix(k, "kill_terminal_") || k == faultDiskFull {
				// A stop point is reached at the terminal's next citizen,
				// and a full disk needs one who submits: ask while the
				// terminals still serve citizens.
				when = when * 3 / 4
			}
			plan = append(plan, planned{at: when, kind: k})
		}
	}
	if d.o.LongCut > 0 && n[string(faultproxy.Cut)] > 0 {
		// One of the cuts is the long one, early enough in the window that
		// the terminals' backlog drains before the window ends.
		for i := range plan {
			if plan[i].kind == string(faultproxy.Cut) {
				plan[i].at, plan[i].n = d.o.Duration/5, 1
				break
			}
		}
	}
	// Catalogue installs: each publish asks a few terminals to stop inside
	// the install of the new version.
	stalls := n["kill_terminal_"+stallCatalogInstal]
	pubs := max(2, min(stalls, 6))
	for i := range pubs {
		k := stalls / pubs
		if i < stalls%pubs {
			k++
		}
		plan = append(plan, planned{at: time.Duration(float64(i+1) / float64(pubs+1) * 0.85 * float64(d.o.Duration)), kind: faultPublish, n: k})
	}
	budgets := map[int]map[string]int{}
	for i := range d.o.Terminals {
		budgets[i] = map[string]int{}
	}
	for _, k := range terminalKinds {
		for range n[k] {
			budgets[d.rnd.IntN(d.o.Terminals)][k]++
		}
	}
	return plan, budgets
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// startTerminals makes a code for each terminal, starts them all and waits
// until each has enrolled and installed the first catalogue.
func (d *driver) startTerminals(ctx context.Context, hallURL string, budgets map[int]map[string]int) error {
	codes := make([]string, d.o.Terminals)
	for i := range codes {
		var err error
		if codes[i], err = d.hall.enrolmentCode(); err != nil {
			return err
		}
	}
	// Terminal-side faults stop with the window, which starts once all are up.
	interval := time.Duration(float64(d.o.Duration) * 0.9 / float64(d.o.Cases))
	for i := range d.o.Terminals {
		dir := filepath.Join(d.dir, fmt.Sprintf("t%03d", i))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		var b []string
		for k, v := range budgets[i] {
			b = append(b, fmt.Sprintf("%s=%d", k, v))
		}
		t := &termProc{proc: proc{name: fmt.Sprintf("terminal %d", i), logPath: filepath.Join(dir, "terminal.log")}, i: i, dir: dir, nice: d.o.TerminalNice,
			args: []string{"-dir", dir, "-hall", hallURL, "-code", codes[i], "-name", fmt.Sprintf("soak-%03d", i),
				"-cases", fmt.Sprint(d.o.Cases), "-interval", interval.String(), "-seed", fmt.Sprint(d.o.Seed + uint64(i)),
				"-evaluate", fmt.Sprint(d.o.Evaluate), "-budget", strings.Join(b, ",")}}
		if err := t.startTerminal(filepath.Join(d.bin, "soak"), 0); err != nil {
			return err
		}
		d.terms = append(d.terms, t)
		// Terminals start in waves: two hundred processes enrolling and
		// installing a catalogue at once starve each other on two cores,
		// and the fault window must not open on a half-started fleet.
		if len(d.terms)%startWave == 0 || len(d.terms) == d.o.Terminals {
			if err := d.waitReady(ctx, d.terms[(len(d.terms)-1)/startWave*startWave:]); err != nil {
				return err
			}
		}
	}
	return nil
}

// startWave is how many terminals start together.
const startWave = 20

// waitReady waits until every terminal of terms has enrolled and installed
// the first catalogue.
func (d *driver) waitReady(ctx context.Context, terms []*termProc) error {
	deadline := time.Now().Add(60*time.Second + time.Duration(len(terms))*time.Second)
	for {
		ready := 0
		for _, t := range terms {
			if st, ok := t.status(); ok && st.Enrolled && st.Catalog >= 1 {
				ready++
			} else if !t.running() {
				return fmt.Errorf("%s died at start; see %s", t.name, t.logPath)
			}
		}
		if ready == len(terms) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("only %d of %d terminals of a start wave enrolled and got a catalogue", ready, len(terms))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func (d *driver) stopTerminals() {
	d.ops.Wait() // a restart in flight would otherwise outlive the run
	var wg sync.WaitGroup
	for _, t := range d.terms {
		wg.Add(1)
		go func() { defer wg.Done(); t.stop(10 * time.Second) }()
	}
	wg.Wait()
}

// loop runs the driver's housekeeping every 25 ms until step says done:
// kills stalled terminals, restarts what is due, lifts disk caps, tracks
// the peak outbox.
func (d *driver) loop(ctx context.Context, step func(now time.Time) bool) error {
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	var lastSample time.Time
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-tick.C:
		}
		now := time.Now()
		if !d.hall.running() && d.hall.upAtZero() {
			d.hall.kill(500 * time.Millisecond) // died on its own: a finding (oddExits); restart it
		}
		if d.hall.dueRestart(now) {
			// Started, not waited for: terminals find it up when it is (a
			// hall that dies at start is caught above as an odd exit), and
			// the loop keeps killing and restarting terminals meanwhile.
			if err := d.hall.start(d.hall.bin, d.hall.args()...); err != nil {
				return err
			}
			d.logf("hall restarted")
		}
		select {
		case err := <-d.opErrs:
			return err
		default:
		}
		for i, t := range d.terms {
			if t.busy.Load() {
				continue // a kill or restart is in flight
			}
			switch p := t.stalled(); {
			case p == "" && t.stallPending() && d.finished(i):
				d.moveStall(t)
			case p != "":
				down := d.downtime()
				d.async(t, func() error {
					t.kill(down)
					t.clearStall()
					d.count("kill_terminal_" + p)
					d.logf("killed %s stopped at %s", t.name, p)
					return nil
				})
			case t.capped && !t.capUntil.IsZero() && !now.Before(t.capUntil) && t.running():
				d.async(t, func() error {
					t.kill(0)
					t.capUntil = time.Time{}
					return t.startTerminal(d.termBin(), 0)
				})
			case t.dueRestart(now):
				d.async(t, func() error { return t.startTerminal(d.termBin(), 0) })
			case !t.running() && t.upAtZero():
				// died on its own (a crash is a finding: see oddExits); bring it back
				t.kill(d.downtime())
			}
		}
		if now.Sub(lastSample) >= statusSample {
			lastSample = now
			d.sample()
		}
		if step(now) {
			return nil
		}
	}
}

// statusSample is how often the loop reads every terminal's status.
const statusSample = time.Second

// sample reads every terminal's status into the snapshot and tracks the
// peak outbox.
func (d *driver) sample() {
	if d.snap == nil {
		d.snap = make([]termSnap, len(d.terms))
	}
	sum := 0
	for i, t := range d.terms {
		st, ok := t.status()
		d.snap[i] = termSnap{st, ok}
		if ok {
			sum += st.Pending
		}
	}
	d.mu.Lock()
	d.peak = max(d.peak, sum)
	d.mu.Unlock()
}

// lagged records how late a planned action was carried out.
func (d *driver) lagged(l time.Duration) {
	l = max(l, 0)
	d.mu.Lock()
	defer d.mu.Unlock()
	d.lagSum += l
	d.lagMax = max(d.lagMax, l)
	d.lagN++
}

// async runs a kill or restart of t off the loop; t is busy, and left
// alone by the loop and by pick, until it is done. An error (a terminal
// that cannot be started) ends the run.
func (d *driver) async(t *termProc, op func() error) {
	t.busy.Store(true)
	d.ops.Add(1)
	go func() {
		defer d.ops.Done()
		defer t.busy.Store(false)
		if err := op(); err != nil {
			select {
			case d.opErrs <- err:
			default:
			}
		}
	}()
}

func (d *driver) termBin() string { return filepath.Join(d.bin, "soak") }

func (d *driver) downtime() time.Duration {
	return time.Duration((0.2 + 0.8*d.rnd.Float64()) * float64(time.Second))
}

func (p *proc) upAtZero() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.upAt.IsZero()
}

// clearStallRequest withdraws a request not yet reached. asked stays set:
// the terminal may have stopped just now and still needs its kill.
func (t *termProc) clearStallRequest() {
	os.Remove(filepath.Join(t.dir, fileStall))
}

// moveStall hands the stop asked of t, which has served its last citizen
// without reaching it (the request came as it began its last case), to a
// terminal still serving, so that each planned stop happens. A catalogue
// install stop stays: it waits for the next publish, not a citizen.
func (d *driver) moveStall(t *termProc) {
	point := t.requestedStall()
	if point == "" || point == stallCatalogInstal {
		return
	}
	t.clearStall()
	if o := d.pick(d.serving); o != nil {
		o.requestStall(point)
		d.logf("%s is done: its %s stop moved to %s", t.name, point, o.name)
	}
}

// serving reports whether a terminal has citizens enough left (two) that a
// stop asked of it now will be reached.
func (d *driver) serving(st terminalStatus) bool { return st.Acked < d.o.Cases-1 }

// finished reports whether terminal i has acknowledged all its cases, by
// its last sampled status.
func (d *driver) finished(i int) bool {
	return d.snap != nil && d.snap[i].ok && d.snap[i].st.Acked >= d.o.Cases
}

// pick returns a random running terminal whose last sampled status
// satisfies ok, or nil.
func (d *driver) pick(ok func(terminalStatus) bool) *termProc {
	if d.snap == nil {
		d.sample()
	}
	var c []*termProc
	for i, t := range d.terms {
		if s := d.snap[i]; s.ok && !t.busy.Load() && t.running() && !t.capped && !t.stallPending() && ok(s.st) {
			c = append(c, t)
		}
	}
	if len(c) == 0 {
		return nil
	}
	return c[d.rnd.IntN(len(c))]
}

// apply carries out one planned action; false if no terminal could take it.
func (d *driver) apply(p planned, catalogFile string) bool {
	anyTerm := func(terminalStatus) bool { return true }
	// Stop points and full disks need a terminal that still has citizens
	// to serve.
	switch {
	case p.kind == string(faultproxy.Cut):
		dur := time.Duration((1 + 3*d.rnd.Float64()) * float64(time.Second))
		if p.n == 1 {
			dur = d.o.LongCut
		}
		d.proxy.CutFor(dur)
		d.logf("hall cut off for %s", dur)
	case strings.HasPrefix(p.kind, "net_"):
		d.proxy.Arm(faultproxy.Kind(p.kind))
	case p.kind == faultKillTerminal:
		t := d.pick(anyTerm)
		if t == nil {
			return false
		}
		down := d.downtime()
		d.async(t, func() error {
			t.kill(down)
			d.count(p.kind)
			d.logf("killed %s", t.name)
			return nil
		})
	case strings.HasPrefix(p.kind, "kill_terminal_"):
		// Ask a terminal still serving citizens to stop at the point.
		t := d.pick(d.serving)
		if t == nil {
			return false
		}
		t.requestStall(strings.TrimPrefix(p.kind, "kill_terminal_"))
	case p.kind == faultKillHall:
		d.killHall()
	case p.kind == faultDiskFull:
		t := d.pick(d.serving)
		if t == nil {
			return false
		}
		full := time.Duration((2 + 3*d.rnd.Float64()) * float64(time.Second))
		d.async(t, func() error {
			t.kill(0)
			if err := t.startTerminal(d.termBin(), 1); err != nil {
				return fmt.Errorf("restart %s with a full disk: %w", t.name, err)
			}
			t.capUntil = time.Now().Add(full)
			d.count(p.kind)
			d.logf("%s's disk is full", t.name)
			return nil
		})
	case p.kind == faultPublish:
		for range p.n {
			if t := d.pick(anyTerm); t != nil {
				t.requestStall(stallCatalogInstal)
			}
		}
		// Publishing runs its own process against the hall's database and
		// may wait out a busy or restarting hall: off the loop, retried
		// as an admin would, so kills and restarts stay on time.
		d.pubs.Add(1)
		go func() {
			defer d.pubs.Done()
			for try := 1; ; try++ {
				_, err := d.hall.admin("publish", catalogFile)
				if err == nil {
					break
				}
				if try == 10 {
					fmt.Fprintln(d.out, "soak: publish failed 10 times:", err)
					return
				}
				time.Sleep(time.Second)
			}
			d.mu.Lock()
			d.published++
			v := d.published
			d.mu.Unlock()
			d.logf("published catalogue version %d", v)
		}()
	}
	return true
}

// killHall kills the hall while an upload is in flight, or after 3 s if
// none comes; a hall that is down already is killed after it is back.
func (d *driver) killHall() {
	var mu sync.Mutex
	done := false
	var try func(mid bool)
	try = func(mid bool) {
		mu.Lock()
		defer mu.Unlock()
		if done {
			return
		}
		if !d.hall.running() {
			if mid {
				d.proxy.OnUploadInFlight(func() { try(true) })
			} else {
				time.AfterFunc(time.Second, func() { try(false) })
			}
			return
		}
		done = true
		d.hall.kill(time.Duration((0.5 + 1.5*rand.Float64()) * float64(time.Second)))
		d.count(faultKillHall)
		d.mu.Lock()
		if mid {
			d.midBatch++
		}
		d.mu.Unlock()
		d.logf("killed the hall (mid-batch %v)", mid)
	}
	d.proxy.OnUploadInFlight(func() { try(true) })
	time.AfterFunc(3*time.Second, func() { try(false) })
}

// trackConvergence checks convergence now and keeps convergedSince.
func (d *driver) trackConvergence(now time.Time) (bool, string) {
	ok, why := d.converged()
	switch {
	case !ok:
		d.convergedSince = time.Time{}
	case d.convergedSince.IsZero():
		d.convergedSince = now
	}
	return ok, why
}

// converged: every terminal is up, has acknowledged its cases, has an
// empty outbox and runs the newest catalogue. If not, why reports what is
// still outstanding, for the operator watching a slow convergence.
func (d *driver) converged() (ok bool, why string) {
	d.mu.Lock()
	latest := d.published
	d.mu.Unlock()
	var down, serving, toGo, outbox, parked, oldCat int
	for _, t := range d.terms {
		st, ok := t.status()
		switch {
		case !ok || !t.running() || t.capped:
			down++
			continue
		case st.Acked < d.o.Cases:
			serving++
			toGo += d.o.Cases - st.Acked
		}
		if st.Pending > 0 {
			outbox++
		}
		if st.Parked > 0 {
			parked++
		}
		if st.Catalog != latest {
			oldCat++
		}
	}
	hall := "up"
	if !d.hall.running() {
		hall = "down"
	}
	if hall == "up" && down+serving+outbox+parked+oldCat == 0 {
		return true, ""
	}
	return false, fmt.Sprintf("hall %s; terminals: %d down or capped, %d still serving citizens (%d cases to go), %d with an outbox, %d with parked cases, %d on a catalogue older than v%d",
		hall, down, serving, toGo, outbox, parked, oldCat, latest)
}
