package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// Summary is the report's last line, as JSON.
type Summary struct {
	Submitted       int            `json:"submitted"`
	Acknowledged    int            `json:"acknowledged"`
	Delivered       int            `json:"delivered"`
	Lost            int            `json:"lost"`
	Duplicated      int            `json:"duplicated"`
	Faults          map[string]int `json:"faults"`
	FaultGroups     map[string]int `json:"fault_groups"` // faults summed by the kinds: network, power, disk, devices
	ConvergeSeconds float64        `json:"converge_seconds"`
	PeakOutbox      int            `json:"peak_outbox"`
	// How late the driver carried out its planned faults: a driver that
	// falls behind its plan injects stop points after the citizens left.
	LagMeanSeconds float64 `json:"driver_lag_mean_seconds"`
	LagMaxSeconds  float64 `json:"driver_lag_max_seconds"`
}

// Report is the checker's verdict.
type Report struct {
	Summary
	Orphans    int      // cases the hall holds whose submit never returned to the terminal
	Rated      int      // evaluations the terminals stored
	RatingsIn  int      // of those, at the hall
	MidBatch   int      // hall kills that hit an upload in flight
	Info       []string // figures worth a line
	Violations []string // broken promises: any fails the run
}

// Pass: nothing lost, nothing duplicated, no broken promise, converged.
func (r *Report) Pass() bool {
	return r.Lost == 0 && r.Duplicated == 0 && len(r.Violations) == 0 && r.ConvergeSeconds >= 0
}

func (r *Report) print(w io.Writer) {
	for _, l := range r.Info {
		fmt.Fprintln(w, "soak:", l)
	}
	for i, v := range r.Violations {
		if i == 50 {
			fmt.Fprintf(w, "FAIL: … and %d more\n", len(r.Violations)-50)
			break
		}
		fmt.Fprintln(w, "FAIL:", v)
	}
	verdict := "PASS"
	if !r.Pass() {
		verdict = "FAIL"
	}
	fmt.Fprintf(w, "soak: %s: %d submitted, %d acknowledged, %d delivered, %d lost, %d duplicated, %d orphans, converged in %.1f s, peak outbox %d\n",
		verdict, r.Submitted, r.Acknowledged, r.Delivered, r.Lost, r.Duplicated, r.Orphans, r.ConvergeSeconds, r.PeakOutbox)
	b, _ := json.Marshal(r.Summary)
	fmt.Fprintln(w, string(b))
}

type ackedCase struct{ id, number string }

// check compares what every terminal acknowledged with what the hall holds,
// and checks every terminal store. The processes are stopped.
func (d *driver) check(ctx context.Context, converged time.Time) (*Report, error) {
	r := &Report{}
	r.Faults = map[string]int{}
	for k, v := range d.proxy.Counts() {
		r.Faults[string(k)] = v
	}
	d.mu.Lock()
	for k, v := range d.counts {
		r.Faults[k] = v
	}
	last := d.lastFault
	r.PeakOutbox, r.MidBatch = d.peak, d.midBatch
	if d.lagN > 0 {
		r.LagMeanSeconds = (d.lagSum / time.Duration(d.lagN)).Seconds()
	}
	r.LagMaxSeconds = d.lagMax.Seconds()
	d.mu.Unlock()
	if pl := d.proxy.LastFault(); pl.After(last) {
		last = pl
	}
	for _, k := range allKinds() {
		if _, ok := r.Faults[k]; !ok {
			r.Faults[k] = 0
		}
	}

	srv, err := hall.Open(ctx, hall.Config{DB: d.hall.db, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, fmt.Errorf("checker: open the hall's database: %w", err)
	}
	defer srv.Close()
	cases, err := srv.Cases(ctx, hall.CaseQuery{Limit: 1 << 30})
	if err != nil {
		return nil, fmt.Errorf("checker: hall cases: %w", err)
	}
	byID := map[string][]hall.Case{}
	bySeq := map[string]int{}
	byNumber := map[string]int{}
	for _, c := range cases {
		byID[c.ID] = append(byID[c.ID], c)
		bySeq[c.TerminalID+"/"+strconv.FormatInt(c.TerminalSeq, 10)]++
		byNumber[c.Number]++
	}
	for id, cs := range byID {
		r.Duplicated += len(cs) - 1
		if len(cs) > 1 {
			r.Violations = append(r.Violations, fmt.Sprintf("case %s is %d times at the hall", id, len(cs)))
		}
	}
	for k, n := range bySeq {
		if n > 1 {
			r.Duplicated += n - 1
			r.Violations = append(r.Violations, fmt.Sprintf("terminal/sequence %s is %d times at the hall", k, n))
		}
	}
	for k, n := range byNumber {
		if n > 1 {
			r.Duplicated += n - 1
			r.Violations = append(r.Violations, fmt.Sprintf("case number %s is %d times at the hall", k, n))
		}
	}
	latest, err := srv.Store().LatestCatalog(ctx)
	if err != nil {
		return nil, fmt.Errorf("checker: latest catalogue: %w", err)
	}

	acked := map[string]bool{}
	events := map[string]int{}
	for _, t := range d.terms {
		tr := d.checkTerminal(ctx, srv, t, byID, latest.Version, acked, events)
		r.Submitted += tr.submitted
		r.Acknowledged += tr.acknowledged
		r.Delivered += tr.delivered
		r.Lost += tr.lost
		r.Duplicated += tr.duplicated
		r.Rated += tr.rated
		r.RatingsIn += tr.ratingsIn
		r.Violations = append(r.Violations, tr.violations...)
		if tr.lastFault.After(last) {
			last = tr.lastFault
		}
		t.mu.Lock()
		r.Violations = append(r.Violations, t.oddExits...)
		t.mu.Unlock()
	}
	d.hall.mu.Lock()
	r.Violations = append(r.Violations, d.hall.oddExits...)
	d.hall.mu.Unlock()
	for _, k := range terminalKinds {
		r.Faults[k] = events[k]
	}
	for _, c := range cases {
		if !acked[c.ID] {
			r.Orphans++
		}
	}
	switch {
	case converged.IsZero():
		r.ConvergeSeconds = -1
		r.Violations = append(r.Violations, fmt.Sprintf("no convergence within %s of the fault window's end", d.o.ConvergeTimeout))
	case last.IsZero() || converged.Before(last):
		r.ConvergeSeconds = 0
	default:
		r.ConvergeSeconds = float64(converged.Sub(last).Milliseconds()) / 1000
	}
	if d.o.MaxConverge > 0 && r.ConvergeSeconds > d.o.MaxConverge.Seconds() {
		r.Violations = append(r.Violations, fmt.Sprintf("converged %.1f s after the last fault; the limit is %s", r.ConvergeSeconds, d.o.MaxConverge))
	}
	total := 0
	r.FaultGroups = map[string]int{}
	for _, g := range faultGroups {
		r.FaultGroups[g] = 0
	}
	for k, v := range r.Faults {
		total += v
		r.FaultGroups[groupOf(k)] += v
	}
	for _, g := range faultGroups {
		if r.FaultGroups[g] < d.o.MinPerGroup {
			r.Violations = append(r.Violations, fmt.Sprintf("only %d %s faults were injected; the run asked for at least %d", r.FaultGroups[g], g, d.o.MinPerGroup))
		}
	}
	r.Info = append(r.Info,
		fmt.Sprintf("%d faults injected; %d of %d hall kills hit an upload in flight", total, r.MidBatch, r.Faults[faultKillHall]),
		fmt.Sprintf("driver kept its plan: faults carried out %.1f s late on average, %.1f s at worst", r.LagMeanSeconds, r.LagMaxSeconds),
		fmt.Sprintf("hall holds %d cases: %d acknowledged by a terminal, %d orphans (committed, then the terminal was killed before it recorded the receipt)",
			len(cases), len(cases)-r.Orphans, r.Orphans),
		fmt.Sprintf("evaluations (好差评): %d stored at terminals, %d at the hall", r.Rated, r.RatingsIn),
		fmt.Sprintf("catalogue: %d versions published; every terminal store checked (integrity, catalogue, outbox)", latest.Version),
		fmt.Sprintf("seen inside terminals: %s", formatCounts(events, "disk_full_refused", "catalog_install_survived", "submit_error", "print_error", "paper_out_unreported", "scan_error", "card_error", "evaluate_error")))
	return r, nil
}

type terminalResult struct {
	submitted, acknowledged, delivered, lost, duplicated int
	rated, ratingsIn                                     int
	lastFault                                            time.Time
	violations                                           []string
}

func (d *driver) checkTerminal(ctx context.Context, srv *hall.Server, t *termProc, byID map[string][]hall.Case,
	latest int64, acked map[string]bool, events map[string]int) terminalResult {
	var tr terminalResult
	bad := func(format string, args ...any) {
		tr.violations = append(tr.violations, fmt.Sprintf("%s: ", t.name)+fmt.Sprintf(format, args...))
	}
	attempts, _ := countLines(filepath.Join(t.dir, fileAttempts))
	tr.submitted = attempts
	creds, err := client.LoadCredentials(t.dir)
	if err != nil {
		bad("credentials: %v", err)
		return tr
	}
	b, _ := os.ReadFile(filepath.Join(t.dir, fileAcked))
	var list []ackedCase
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 {
			list = append(list, ackedCase{f[0], f[1]})
		} else if len(f) != 0 {
			bad("torn line in %s: %q", fileAcked, l)
		}
	}
	tr.acknowledged = len(list)
	st, err := store.Open(filepath.Join(t.dir, fileStore), store.Options{})
	if err != nil {
		bad("open store: %v", err)
		return tr
	}
	defer st.Close()
	if err := st.IntegrityCheck(ctx); err != nil {
		bad("store: %v", err)
	}
	for _, a := range list {
		if acked[a.id] {
			tr.duplicated++
			bad("case %s acknowledged twice", a.id)
			continue
		}
		acked[a.id] = true
		hc := byID[a.id]
		switch {
		case len(hc) == 0:
			tr.lost++
			bad("acknowledged case %s (%s) is not at the hall", a.number, a.id)
		case hc[0].Number != a.number || hc[0].TerminalID != creds.TerminalID:
			tr.lost++
			bad("acknowledged case %s is at the hall as %s from %s", a.number, hc[0].Number, hc[0].TerminalID)
		default:
			tr.delivered++
		}
		if cs, err := st.CaseByNumber(ctx, a.number); err != nil {
			bad("acknowledged case %s is not in its own store: %v", a.number, err)
		} else if cs.SyncedAt.IsZero() {
			bad("case %s is at the hall but its terminal does not know", a.number)
		}
	}
	eb, _ := os.ReadFile(filepath.Join(t.dir, fileEvaluated))
	for _, l := range strings.Split(string(eb), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			continue
		}
		tr.rated++
		hc, err := srv.Case(ctx, f[1])
		switch {
		case err != nil:
			bad("rated case %s is not at the hall: %v", f[1], err)
		case hc.Evaluation == nil:
			bad("evaluation of case %s did not reach the hall", f[1])
		default:
			tr.ratingsIn++
		}
	}
	if ob, err := st.OutboxStats(ctx); err != nil || ob.Pending > 0 || ob.Parked > 0 {
		bad("outbox not empty at the end: %+v %v", ob, err)
	}
	d.checkCatalogs(ctx, srv, st, latest, bad)
	evb, _ := os.ReadFile(filepath.Join(t.dir, fileEvents))
	for _, l := range strings.Split(string(evb), "\n") {
		f := strings.SplitN(l, " ", 3)
		if len(f) < 2 {
			continue
		}
		events[f[1]]++
		if f[1] == "violation" && len(f) == 3 {
			bad("%s", f[2])
		}
		if contains(terminalKinds, f[1]) {
			if ms, err := strconv.ParseInt(f[0], 10, 64); err == nil && time.UnixMilli(ms).After(tr.lastFault) {
				tr.lastFault = time.UnixMilli(ms)
			}
		}
	}
	return tr
}

// checkCatalogs: one active version, the newest, byte for byte the one the
// hall signed, and at most one previous one, also whole.
func (d *driver) checkCatalogs(ctx context.Context, srv *hall.Server, st *store.Store, latest int64, bad func(string, ...any)) {
	cats, err := st.Catalogs(ctx)
	if err != nil {
		bad("catalogues: %v", err)
		return
	}
	active := 0
	for _, c := range cats {
		hv, err := srv.Store().Catalog(ctx, c.Version)
		if err != nil {
			bad("catalogue v%d installed but not at the hall: %v", c.Version, err)
			continue
		}
		if hv.SHA256 != c.SHA256 {
			bad("catalogue v%d installed with sha256 %s, the hall signed %s", c.Version, c.SHA256, hv.SHA256)
		}
		switch c.State {
		case "active":
			active++
			if c.Version != latest {
				bad("active catalogue v%d, newest is v%d", c.Version, latest)
			}
		case "previous":
		default:
			bad("catalogue v%d in state %q", c.Version, c.State)
		}
	}
	if active != 1 || len(cats) > 2 {
		bad("%d catalogue versions installed, %d active", len(cats), active)
	}
	if cat, err := st.ActiveCatalog(ctx); err != nil {
		bad("active catalogue does not load: %v", err)
	} else if cat.Version != latest {
		bad("active catalogue document is v%d, newest is v%d", cat.Version, latest)
	}
}

func formatCounts(m map[string]int, keys ...string) string {
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s=%d", k, m[k]))
	}
	sort.Strings(parts)
	return strings.Join(parts, " ")
}
