package hall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"govkiosk/kiosk"
)

// lockTerminal locks the terminal's row until the transaction ends and
// returns its last status cursor. Every writer of a terminal's events takes
// this lock first, so their cursors commit in the order they were taken.
func lockTerminal(ctx context.Context, tx pgx.Tx, terminalID string) (int64, error) {
	var cursor int64
	err := tx.QueryRow(ctx, `SELECT status_cursor FROM terminals WHERE id = $1 FOR UPDATE`, terminalID).Scan(&cursor)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("terminal %s: %w", terminalID, ErrNotFound)
	}
	return cursor, err
}

// ApplyCases stores a batch; see Store. The batch goes to the group commit
// (postgres_group.go): with the batches of other terminals that arrived
// meanwhile, it is one call of hall_apply_group (postgres_schema.go), one
// statement, one round trip, one commit. A statement per case and its
// event would cost a round trip each, and on two cores the ingest target
// leaves well under a millisecond of CPU per case for everything.
//
// The call returns after the batch's group committed. Why a case was not
// inserted is asked after the commit: stored cases never change, so the
// answer is the same.
func (s *PostgresStore) ApplyCases(ctx context.Context, terminalID string, cases []NewCase, at time.Time) ([]Outcome, error) {
	var inserted []bool
	err := s.writeStatement(ctx, func(ctx context.Context) error {
		if !repeatsKey(cases) {
			var err error
			inserted, err = s.submitApply(terminalID, cases, at)
			return err
		}
		// A batch that repeats a key goes in case by case, in order, in one
		// transaction, as the SQLite store does it: the first of two
		// cases with one id is applied and the second is its duplicate.
		inserted = make([]bool, len(cases))
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
			for i := range cases {
				ins, err := pgApplyCases(ctx, tx, terminalID, cases[i:i+1], at)
				if err != nil {
					return err
				}
				inserted[i] = ins[0]
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return s.caseOutcomes(ctx, terminalID, cases, inserted)
}

// caseOutcomes answers a batch once it committed: applied for the cases it
// inserted, and for the others why not.
func (s *PostgresStore) caseOutcomes(ctx context.Context, terminalID string, cases []NewCase, inserted []bool) ([]Outcome, error) {
	out := make([]Outcome, len(cases))
	for i, c := range cases {
		if inserted[i] {
			out[i] = Outcome{Result: ResultApplied}
			continue
		}
		if err := s.read(func() error {
			var err error
			out[i], err = pgCaseConflict(ctx, s.pool, terminalID, c)
			return err
		}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// repeatsKey reports whether two cases of the batch share an id, a
// sequence number or a case number.
func repeatsKey(cases []NewCase) bool {
	ids, seqs, numbers := map[string]bool{}, map[int64]bool{}, map[string]bool{}
	for _, c := range cases {
		if ids[c.ID] || seqs[c.TerminalSeq] || numbers[c.Number] {
			return true
		}
		ids[c.ID], seqs[c.TerminalSeq], numbers[c.Number] = true, true, true
	}
	return false
}

// pgQuerier is a pool or a transaction.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// pgApplyCases calls hall_apply_cases and reports, per case, whether it
// was inserted.
func pgApplyCases(ctx context.Context, q pgQuerier, terminalID string, cases []NewCase, at time.Time) ([]bool, error) {
	n := len(cases)
	ids, numbers, items := make([]string, n), make([]string, n), make([]string, n)
	seqs, versions, submitted := make([]int64, n), make([]int64, n), make([]int64, n)
	sealed := make([][]byte, n)
	for i, c := range cases {
		ids[i], numbers[i], items[i] = c.ID, c.Number, c.ItemCode
		seqs[i], versions[i], submitted[i] = c.TerminalSeq, c.CatalogVersion, ms(c.SubmittedAt)
		sealed[i] = c.Sealed
	}
	rows, err := q.Query(ctx, `SELECT case_id FROM hall_apply_cases($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		terminalID, ms(at), kiosk.StatusReceived, ids, seqs, numbers, items, versions, submitted, sealed)
	if err != nil {
		return nil, fmt.Errorf("apply cases: %w", err)
	}
	got := map[string]bool{}
	var id string
	if _, err := pgx.ForEachRow(rows, []any{&id}, func() error { got[id] = true; return nil }); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "P0002" {
			return nil, fmt.Errorf("terminal %s: %w", terminalID, ErrNotFound)
		}
		return nil, fmt.Errorf("apply cases: %w", err)
	}
	inserted := make([]bool, n)
	for i, c := range cases {
		inserted[i] = got[c.ID]
	}
	return inserted, nil
}

// pgCaseConflict says why a case was not inserted; see caseConflict.
func pgCaseConflict(ctx context.Context, q pgQuerier, terminalID string, c NewCase) (Outcome, error) {
	var owner string
	err := q.QueryRow(ctx, `SELECT terminal_id FROM cases WHERE id = $1`, c.ID).Scan(&owner)
	switch {
	case err == nil && owner == terminalID:
		return Outcome{Result: ResultDuplicate}, nil
	case err == nil:
		return Outcome{Result: ResultRejected, Reason: "case id already used by another terminal"}, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return Outcome{}, err
	}
	var other string
	err = q.QueryRow(ctx, `SELECT id FROM cases WHERE terminal_id = $1 AND terminal_seq = $2`, terminalID, c.TerminalSeq).Scan(&other)
	switch {
	case err == nil:
		return Outcome{Result: ResultRejected, Reason: fmt.Sprintf("sequence reused: terminal_seq %d belongs to case %s", c.TerminalSeq, other)}, nil
	case !errors.Is(err, pgx.ErrNoRows):
		return Outcome{}, err
	}
	return Outcome{Result: ResultRejected, Reason: fmt.Sprintf("number %s already belongs to another case", c.Number)}, nil
}

// ApplyEvaluations stores evaluations; see Store.
func (s *PostgresStore) ApplyEvaluations(ctx context.Context, terminalID string, evs []NewEvaluation, at time.Time) ([]Outcome, error) {
	var out []Outcome
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		out = make([]Outcome, len(evs))
		for i, ev := range evs {
			var owner string
			err := tx.QueryRow(ctx, `SELECT terminal_id FROM cases WHERE id = $1`, ev.CaseID).Scan(&owner)
			if errors.Is(err, pgx.ErrNoRows) || (err == nil && owner != terminalID) {
				out[i] = Outcome{Result: ResultRejected, Reason: "unknown case: send the case before its evaluation"}
				continue
			} else if err != nil {
				return err
			}
			reasons, err := json.Marshal(nonNil(ev.Reasons))
			if err != nil {
				return err
			}
			tag, err := tx.Exec(ctx, `INSERT INTO evaluations (case_id, terminal_id, level, reasons, comment, at, received_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
				ev.CaseID, terminalID, ev.Level, string(reasons), ev.Comment, ms(ev.At), ms(at))
			if err != nil {
				return fmt.Errorf("insert evaluation of case %s: %w", ev.CaseID, err)
			}
			if tag.RowsAffected() == 1 {
				out[i] = Outcome{Result: ResultApplied}
				continue
			}
			stored, err := pgScanEvaluation(tx.QueryRow(ctx, `SELECT case_id, level, reasons, comment, at FROM evaluations WHERE case_id = $1`, ev.CaseID))
			if err != nil {
				return err
			}
			out[i] = repeatEvaluationOutcome(stored, ev)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func pgScanEvaluation(row pgx.Row) (NewEvaluation, error) {
	var ev NewEvaluation
	var reasons string
	var at int64
	if err := row.Scan(&ev.CaseID, &ev.Level, &reasons, &ev.Comment, &at); err != nil {
		return ev, err
	}
	ev.At = fromMS(at)
	if err := json.Unmarshal([]byte(reasons), &ev.Reasons); err != nil {
		return ev, fmt.Errorf("evaluation of case %s: stored reasons: %w", ev.CaseID, err)
	}
	return ev, nil
}

// Case returns one case with its timeline, evaluation and sealed payload.
func (s *PostgresStore) Case(ctx context.Context, number string) (Case, error) {
	var c Case
	err := s.read(func() error {
		var sealed []byte
		var rid int64
		var err error
		c, err = scanCase(s.pool.QueryRow(ctx, `SELECT `+caseColumns+`, sealed, rid FROM cases WHERE number = $1`, number), &sealed, &rid)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("case %s: %w", number, ErrNotFound)
		}
		if err != nil {
			return err
		}
		c.Sealed = sealed
		rows, err := s.pool.Query(ctx, `SELECT status, at, note FROM case_events WHERE case_rid = $1 ORDER BY cursor`, rid)
		if err != nil {
			return err
		}
		var e Event
		var at int64
		if _, err := pgx.ForEachRow(rows, []any{&e.Status, &at, &e.Note}, func() error {
			e.At = fromMS(at)
			c.Timeline = append(c.Timeline, e)
			return nil
		}); err != nil {
			return err
		}
		ev, err := pgScanEvaluation(s.pool.QueryRow(ctx, `SELECT case_id, level, reasons, comment, at FROM evaluations WHERE case_id = $1`, c.ID))
		switch {
		case err == nil:
			c.Evaluation = &ev
		case !errors.Is(err, pgx.ErrNoRows):
			return err
		}
		return nil
	})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}

// Cases lists cases without timeline or payload, newest received first.
func (s *PostgresStore) Cases(ctx context.Context, q CaseQuery) ([]Case, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	return pgList(ctx, s, `SELECT `+caseColumns+` FROM cases
		WHERE ($1 = '' OR status = $1) AND ($2 = '' OR terminal_id = $2)
		ORDER BY rid DESC LIMIT $3`, func(r pgx.Row) (Case, error) { return scanCase(r) }, q.Status, q.TerminalID, q.Limit)
}

// SetStatus appends a status event under the terminal's row lock; see
// Store.
func (s *PostgresStore) SetStatus(ctx context.Context, number, status, note string, at time.Time) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var rid int64
		var terminalID string
		err := tx.QueryRow(ctx, `SELECT rid, terminal_id FROM cases WHERE number = $1`, number).Scan(&rid, &terminalID)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("case %s: %w", number, ErrNotFound)
		} else if err != nil {
			return err
		}
		cursor, err := lockTerminal(ctx, tx, terminalID)
		if err != nil {
			return err
		}
		cursor++
		_, err = tx.Exec(ctx, `WITH ev AS (
				INSERT INTO case_events (case_rid, terminal_id, cursor, status, at, note) VALUES ($1, $2, $3, $4, $5, $6)
			), c AS (
				UPDATE cases SET status = $4, status_at = $5 WHERE rid = $1
			)
			UPDATE terminals SET status_cursor = $3 WHERE id = $2`,
			rid, terminalID, cursor, status, ms(at), note)
		return err
	})
}

// StatusUpdates returns the terminal's events after a cursor; see Store.
func (s *PostgresStore) StatusUpdates(ctx context.Context, terminalID string, after int64, limit int) ([]StatusUpdate, error) {
	var out []StatusUpdate
	err := s.read(func() error {
		rows, err := s.pool.Query(ctx, `SELECT e.cursor, c.id, c.number, e.status, e.at, e.note
			FROM case_events e JOIN cases c ON c.rid = e.case_rid
			WHERE e.terminal_id = $1 AND e.cursor > $2 ORDER BY e.cursor LIMIT $3`, terminalID, after, limit)
		if err != nil {
			return err
		}
		var u StatusUpdate
		var at int64
		_, err = pgx.ForEachRow(rows, []any{&u.Cursor, &u.CaseID, &u.Number, &u.Status, &at, &u.Note}, func() error {
			u.At = fromMS(at)
			out = append(out, u)
			return nil
		})
		return err
	})
	return out, err
}
