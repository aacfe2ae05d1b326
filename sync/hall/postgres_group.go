package hall

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"govkiosk/kiosk"
)

// Group commit of ingest on PostgreSQL.
//
// Each batch as a transaction of its own left PostgreSQL doing a commit (a
// commit record, a WAL write and flush, waking the waiters) per 20 cases,
// and the hall a round trip per batch, on the same two cores as everything
// else: the ingest target was borderline. PostgresStore.ApplyCases
// therefore hands a batch to a few committers (pgCommitters). A committer
// takes one batch, and with it every batch that queued while the
// committers were busy, and applies them all with one call of
// hall_apply_group: one statement, one commit. Under light load a batch
// goes alone at once, so grouping adds no wait; under heavy load the groups
// grow by themselves.
//
// Each batch is answered only after its own group committed: nothing is
// acknowledged before it is durable. The outcomes are those of applying
// the batches one after another in the order they were taken:
//
//   - a batch that shares a key (id, terminal and sequence, number) with
//     an earlier batch of the group is held back, with every later batch
//     that shares a key with a held one, and applied on its own after the
//     group committed, so its clashing cases find the earlier ones stored
//     and resolve as duplicate or rejected exactly as they would have
//     one batch at a time;
//   - a group that fails is applied again one batch at a time, so one bad
//     batch (say, of a terminal deleted meanwhile) fails only its own
//     request.
const (
	// pgCommitters is how many groups may be in PostgreSQL at once: while
	// one waits for its WAL flush, another executes. In
	// BenchmarkIngestPostgres two carried about 20 batches a commit; three
	// made the groups smaller (7-15 batches) and cost PostgreSQL more CPU
	// per case, one left it idle during each flush.
	pgCommitters = 2
	// pgMaxGroupCases bounds a group (the arrays of one statement, about
	// 2 KB a case): a committer stops taking batches at this many cases.
	pgMaxGroupCases = 2000
)

// pgApplyOp is one ApplyCases call waiting for a committer.
type pgApplyOp struct {
	terminalID string
	cases      []NewCase
	at         time.Time
	inserted   []bool // per case: inserted by this call
	err        error
	done       chan struct{}
}

// startCommitters starts the committers; Close stops them after the last
// write returned.
func (s *PostgresStore) startCommitters() {
	s.applyOps = make(chan *pgApplyOp, 1024)
	s.committersDone = make(chan struct{})
	left := make(chan struct{}, pgCommitters)
	for range pgCommitters {
		go func() {
			defer func() {
				left <- struct{}{}
				if len(left) == pgCommitters {
					close(s.committersDone)
				}
			}()
			s.commitLoop()
		}()
	}
}

// stopCommitters is called by Close holding mu exclusively: no write is in
// progress and none can start, so no op is sent after the close.
func (s *PostgresStore) stopCommitters() {
	close(s.applyOps)
	<-s.committersDone
}

// submitApply queues a batch for the committers and waits until its group
// committed (or failed). The caller holds mu shared.
func (s *PostgresStore) submitApply(terminalID string, cases []NewCase, at time.Time) ([]bool, error) {
	op := &pgApplyOp{terminalID: terminalID, cases: cases, at: at, done: make(chan struct{})}
	s.applyOps <- op
	<-op.done
	return op.inserted, op.err
}

func (s *PostgresStore) commitLoop() {
	var group []*pgApplyOp
	cases := func(op *pgApplyOp) int { return len(op.cases) }
	for op := range s.applyOps {
		s.commitGroup(gather(s.applyOps, append(group[:0], op), cases, pgMaxGroupCases))
	}
}

// commitGroup applies a group and answers each of its ops; see the top of
// the file for the order and the fallbacks.
func (s *PostgresStore) commitGroup(group []*pgApplyOp) {
	s.stats.groups.Add(1)
	s.stats.batches.Add(int64(len(group)))
	together, held := splitGroup(group)
	err := s.applyGroup(together)
	if err != nil && len(together) > 1 {
		// One bad batch must not fail the others: each alone.
		held = append(together, held...)
	} else {
		for _, op := range together {
			op.err = err
			close(op.done)
		}
	}
	for _, op := range held {
		op.err = s.applyGroup([]*pgApplyOp{op})
		close(op.done)
	}
}

// splitGroup keeps the ops that share no key with an earlier op together
// and holds back the others (in order). An op held back holds back every
// later op sharing a key with it too, so clashing batches are applied in the
// order they were taken. No op repeats a key within itself (ApplyCases
// checks).
func splitGroup(group []*pgApplyOp) (together, held []*pgApplyOp) {
	if len(group) == 1 {
		return group, nil
	}
	type termSeq struct {
		terminal string
		seq      int64
	}
	ids, seqs, numbers := map[string]bool{}, map[termSeq]bool{}, map[string]bool{}
	for _, op := range group {
		clash := false
		for _, c := range op.cases {
			if ids[c.ID] || seqs[termSeq{op.terminalID, c.TerminalSeq}] || numbers[c.Number] {
				clash = true
				break
			}
		}
		for _, c := range op.cases {
			ids[c.ID], seqs[termSeq{op.terminalID, c.TerminalSeq}], numbers[c.Number] = true, true, true
		}
		if clash {
			held = append(held, op)
		} else {
			together = append(together, op)
		}
	}
	return together, held
}

// applyGroup calls hall_apply_group for the ops, which share no key, and
// sets each op's inserted. It returns after the statement committed. A
// deadlock or serialization failure is retried as writeStatement does.
func (s *PostgresStore) applyGroup(ops []*pgApplyOp) error {
	ctx, cancel := context.WithTimeout(context.Background(), writeTimeout)
	defer cancel()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = pgApplyGroup(ctx, s.pool, ops); !retryable(err) {
			break
		}
	}
	if err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "P0002" && len(ops) == 1 {
			err = fmt.Errorf("terminal %s: %w", ops[0].terminalID, ErrNotFound)
		}
		for _, op := range ops {
			op.inserted = nil
		}
	}
	return pgClassify(err)
}

// pgApplyGroup runs hall_apply_group once. The statement commits on its own
// before the server says it is ready for the next, and pgx returns only
// after that (ReadyForQuery), so the group is durable when it returns nil.
func pgApplyGroup(ctx context.Context, q pgQuerier, ops []*pgApplyOp) error {
	n := 0
	for _, op := range ops {
		n += len(op.cases)
	}
	terms, ids, numbers, items := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	ats, seqs, versions, submitted := make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n), make([]int64, 0, n)
	sealed := make([][]byte, 0, n)
	for _, op := range ops {
		at := ms(op.at)
		for _, c := range op.cases {
			terms, ids, numbers, items = append(terms, op.terminalID), append(ids, c.ID), append(numbers, c.Number), append(items, c.ItemCode)
			ats, seqs, versions, submitted = append(ats, at), append(seqs, c.TerminalSeq), append(versions, c.CatalogVersion), append(submitted, ms(c.SubmittedAt))
			sealed = append(sealed, c.Sealed)
		}
	}
	rows, err := q.Query(ctx, `SELECT applied_id FROM hall_apply_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		kiosk.StatusReceived, ats, terms, ids, seqs, numbers, items, versions, submitted, sealed)
	if err != nil {
		return fmt.Errorf("apply cases: %w", err)
	}
	got := make(map[string]bool, n)
	var id string
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { got[id] = true; return nil }); err != nil {
		return fmt.Errorf("apply cases: %w", err)
	}
	for _, op := range ops {
		op.inserted = make([]bool, len(op.cases))
		for i, c := range op.cases {
			op.inserted[i] = got[c.ID]
		}
	}
	return nil
}
