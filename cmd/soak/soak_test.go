package main

import (
	"bytes"
	"context"
	"encoding/json"
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
	o.Terminals, o.Cases, o.Faults, o.Duration, o.Seed = 5, 20, 30, 25*time.Second, 8
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
