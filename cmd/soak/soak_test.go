package main

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

// TestSoakShort is the short soak of make test: real hall and terminal
// processes, every fault kind, the full checker. It takes about a minute.
func TestSoakShort(t *testing.T) {
	if testing.Short() {
		t.Skip("soak: real processes for about a minute; skipped with -short")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 110*time.Second)
	defer cancel()
	o := defaultOptions()
	o.Terminals, o.Cases, o.Faults, o.Duration, o.Seed = 5, 20, 96, 25*time.Second, 8
	o.MinPerGroup = 8
	o.TerminalNice = 0 // beside the other test binaries of make test
	o.ConvergeTimeout = 40 * time.Second
	var out bytes.Buffer
	rep, err := Run(ctx, o, &out)
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var sum map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &sum); err != nil {
		t.Fatalf("last line is not JSON: %v", err)
	}
	for _, k := range []string{"submitted", "acknowledged", "delivered", "lost", "duplicated", "faults", "converge_seconds", "peak_outbox"} {
		if _, ok := sum[k]; !ok {
			t.Errorf("summary has no %q", k)
		}
	}
	if !rep.Pass() {
		t.Fatalf("soak failed: %d lost, %d duplicated, %d violations", rep.Lost, rep.Duplicated, len(rep.Violations))
	}
	if rep.Acknowledged != o.Terminals*o.Cases || rep.Delivered != rep.Acknowledged {
		t.Errorf("acknowledged %d, delivered %d; want %d each", rep.Acknowledged, rep.Delivered, o.Terminals*o.Cases)
	}
	if rep.Rated == 0 || rep.RatingsIn != rep.Rated {
		t.Errorf("evaluations: %d stored at terminals, %d at the hall", rep.Rated, rep.RatingsIn)
	}
	for _, k := range allKinds() {
		if rep.Faults[k] == 0 && k != "kill_terminal_"+stallCatalogInstal {
			t.Errorf("no %s fault was injected", k)
		}
	}
}

// TestPlanSharesBudgetByGroup: the budget is split evenly between the four
// kinds of fault the issue names, so the 500-of-every-kind target of
// make soak is reachable whatever the number of network kinds.
func TestPlanSharesBudgetByGroup(t *testing.T) {
	o := defaultOptions()
	o.Terminals, o.Faults, o.Duration, o.Seed, o.LongCut = 200, 2400, 10*time.Minute, 3, 2*time.Minute
	d := &driver{o: o, rnd: rand.New(rand.NewPCG(o.Seed, o.Seed))}
	plan, budgets := d.plan()
	got := map[string]int{}
	long := 0
	for _, p := range plan {
		switch {
		case p.kind == faultPublish:
			got[groupPower] += p.n // each publish asks n terminals to stop mid-install
		default:
			got[groupOf(p.kind)]++
		}
		if p.kind == "net_cut" && p.n == 1 {
			long++
		}
	}
	for _, b := range budgets {
		for k, n := range b {
			got[groupOf(k)] += n
		}
	}
	for _, g := range faultGroups {
		if got[g] != o.Faults/len(faultGroups) {
			t.Errorf("%s: %d faults planned, want %d", g, got[g], o.Faults/len(faultGroups))
		}
	}
	if long != 1 {
		t.Errorf("%d long cuts planned, want 1", long)
	}
}
