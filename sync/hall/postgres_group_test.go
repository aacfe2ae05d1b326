package hall

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// The group commit's cases are driven through commitGroup with a group
// made up by the test (the committers form groups from whatever queued,
// which a test cannot arrange), and answered by caseOutcomes, as
// ApplyCases answers.

func newApplyOp(term string, cases ...NewCase) *pgApplyOp {
	return &pgApplyOp{terminalID: term, cases: cases, at: testEpoch, done: make(chan struct{})}
}

// commitAndAnswer commits the ops as one group and returns each op's
// results (or error) as ApplyCases would.
func commitAndAnswer(t *testing.T, s *PostgresStore, ops ...*pgApplyOp) ([][]string, []error) {
	t.Helper()
	s.commitGroup(ops)
	results, errs := make([][]string, len(ops)), make([]error, len(ops))
	for i, op := range ops {
		select {
		case <-op.done:
		default:
			t.Fatalf("op %d not answered after its group", i)
		}
		if errs[i] = op.err; op.err != nil {
			continue
		}
		outs, err := s.caseOutcomes(context.Background(), op.terminalID, op.cases, op.inserted)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range outs {
			results[i] = append(results[i], o.Result)
		}
	}
	return results, errs
}

// cursorsOf returns the terminal's events as "case number@cursor", in
// cursor order.
func cursorsOf(t *testing.T, s Store, term string) []string {
	t.Helper()
	ups, err := s.StatusUpdates(context.Background(), term, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range ups {
		out = append(out, fmt.Sprintf("%s@%d", u.Number[len(u.Number)-8:len(u.Number)-2], u.Cursor))
	}
	return out
}

func TestPostgresGroupAppliesBatchesTogether(t *testing.T) {
	s := openPGTestStore(t)
	initStore(t, s)
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	a1, a2, a3, a4 := storeCase(a, 1), storeCase(a, 2), storeCase(a, 3), storeCase(a, 4)
	b1 := storeCase(b, 1)
	// Two batches of one terminal and one of another: one statement, the
	// cursors of a in the order of the group.
	res, errs := commitAndAnswer(t, s, newApplyOp(a, a1, a2), newApplyOp(b, b1), newApplyOp(a, a3, a4))
	want := [][]string{{ResultApplied, ResultApplied}, {ResultApplied}, {ResultApplied, ResultApplied}}
	if diff := cmp.Diff(want, res); diff != "" || errors.Join(errs...) != nil {
		t.Fatalf("results (-want +got):\n%s errors %v", diff, errs)
	}
	if got := cursorsOf(t, s, a); !slices.Equal(got, []string{"000001@1", "000002@2", "000003@3", "000004@4"}) {
		t.Errorf("terminal a's events: %v", got)
	}
	if got := cursorsOf(t, s, b); !slices.Equal(got, []string{"000001@1"}) {
		t.Errorf("terminal b's events: %v", got)
	}
	// The next group continues each terminal's cursors.
	a5, b2 := storeCase(a, 5), storeCase(b, 2)
	if _, errs := commitAndAnswer(t, s, newApplyOp(b, b2), newApplyOp(a, a5)); errors.Join(errs...) != nil {
		t.Fatal(errs)
	}
	if got := cursorsOf(t, s, a); len(got) != 5 || got[4] != "000005@5" {
		t.Errorf("terminal a's events: %v", got)
	}
	if got := cursorsOf(t, s, b); len(got) != 2 || got[1] != "000002@2" {
		t.Errorf("terminal b's events: %v", got)
	}
}

// Batches of one group that share keys resolve as they would one after
// another: the replayed case is a duplicate, a reused sequence number and a
// number taken by another terminal's case are rejected, and the batches
// that clash with nothing are applied in the group.
func TestPostgresGroupDuplicatesAcrossBatches(t *testing.T) {
	s := openPGTestStore(t)
	initStore(t, s)
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	a1, a2, a3 := storeCase(a, 1), storeCase(a, 2), storeCase(a, 3)
	b1 := storeCase(b, 1)
	seqReused := storeCase(a, 2) // a new id with a2's sequence number
	seqReused.Number = a + "-20261125-000099-X"
	numberTaken := storeCase(b, 2) // b's case with a1's number
	numberTaken.Number = a1.Number
	res, errs := commitAndAnswer(t, s,
		newApplyOp(a, a1, a2),
		newApplyOp(a, a2, a3),      // replays a2: held back, then a2 duplicate, a3 applied
		newApplyOp(b, b1),          // clashes with nothing: in the group
		newApplyOp(a, seqReused),   // a's seq 2 again: rejected
		newApplyOp(b, numberTaken), // a1's number: rejected
		newApplyOp(a, a1, a2, a3),  // the whole thing again: duplicates
		newApplyOp(a, storeCase(a, 4)),
	)
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{ResultApplied, ResultApplied},
		{ResultDuplicate, ResultApplied},
		{ResultApplied},
		{ResultRejected},
		{ResultRejected},
		{ResultDuplicate, ResultDuplicate, ResultDuplicate},
		{ResultApplied},
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Fatalf("results (-want +got):\n%s", diff)
	}
	// Each applied case once, with gapless cursors in the order applied.
	if got := cursorsOf(t, s, a); !slices.Equal(got, []string{"000001@1", "000002@2", "000004@3", "000003@4"}) {
		t.Errorf("terminal a's events: %v", got)
	}
	if got := cursorsOf(t, s, b); !slices.Equal(got, []string{"000001@1"}) {
		t.Errorf("terminal b's events: %v", got)
	}
	c, err := s.Case(context.Background(), a1.Number)
	if err != nil || c.ID != a1.ID {
		t.Errorf("a1's number belongs to %q (%v), want a1", c.ID, err)
	}
}

// A batch that fails the group's statement (its terminal is not
// enrolled) fails alone: the group is applied again batch by batch.
func TestPostgresGroupFailingBatchFailsAlone(t *testing.T) {
	s := openPGTestStore(t)
	initStore(t, s)
	a, b := enrollDirect(t, s, 1), enrollDirect(t, s, 2)
	res, errs := commitAndAnswer(t, s,
		newApplyOp(a, storeCase(a, 1)),
		newApplyOp("K9999", storeCase("K9999", 1)),
		newApplyOp(b, storeCase(b, 1), storeCase(b, 2)),
	)
	if errs[0] != nil || errs[2] != nil || !errors.Is(errs[1], ErrNotFound) {
		t.Fatalf("errors %v, want only the second ErrNotFound", errs)
	}
	if diff := cmp.Diff([][]string{{ResultApplied}, nil, {ResultApplied, ResultApplied}}, res); diff != "" {
		t.Fatalf("results (-want +got):\n%s", diff)
	}
	if got := cursorsOf(t, s, b); !slices.Equal(got, []string{"000001@1", "000002@2"}) {
		t.Errorf("terminal b's events: %v", got)
	}
	if n := s.stats.groups.Load(); n != 1 {
		t.Errorf("%d groups counted, want 1", n)
	}
}

// Concurrent ApplyCases calls go through the committers in groups, and a
// replayed batch is a duplicate whether it lands in the same group as the
// original or a later one.
func TestPostgresGroupConcurrentReplays(t *testing.T) {
	s := openPGTestStore(t)
	initStore(t, s)
	const terminals, batches = 20, 5
	var terms []string
	for i := range terminals {
		terms = append(terms, enrollDirect(t, s, i))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	counts := map[string]int{}
	for _, term := range terms {
		for b := range batches {
			batch := []NewCase{storeCase(term, int64(2*b+1)), storeCase(term, int64(2*b+2))}
			for range 3 {
				wg.Go(func() {
					outs, err := s.ApplyCases(context.Background(), term, batch, testEpoch.Add(time.Duration(b)*time.Second))
					mu.Lock()
					defer mu.Unlock()
					if err != nil {
						counts[err.Error()]++
						return
					}
					for _, o := range outs {
						counts[o.Result]++
					}
				})
			}
		}
	}
	wg.Wait()
	cases := terminals * batches * 2
	if want := map[string]int{ResultApplied: cases, ResultDuplicate: 2 * cases}; !cmp.Equal(want, counts) {
		t.Fatalf("outcomes %v, want %v", counts, want)
	}
	// Each case once, cursors 1, 2, … without gaps (the batches of one
	// terminal raced each other, so in any order).
	for _, term := range terms {
		got := cursorsOf(t, s, term)
		seqs := map[string]bool{}
		for i, e := range got {
			seq, cursor, _ := strings.Cut(e, "@")
			seqs[seq] = true
			if cursor != fmt.Sprint(i+1) {
				t.Fatalf("terminal %s's events: %v", term, got)
			}
		}
		if len(got) != 2*batches || len(seqs) != 2*batches {
			t.Fatalf("terminal %s's events: %v", term, got)
		}
	}
	t.Logf("%d batches in %d groups", s.stats.batches.Load(), s.stats.groups.Load())
}
