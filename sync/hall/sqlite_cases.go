package hall

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"govkiosk/kiosk"
)

// writeStmts are the statements of the ingest path, prepared once on the
// write connection: parsing them per case would cost more than the insert.
type writeStmts struct {
	insertCase, insertEvent, cursor, setCursor *sql.Stmt
}

func (w *writeStmts) prepare(db *sql.DB) error {
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var st *sql.Stmt
		st, err = db.Prepare(q)
		return st
	}
	w.insertCase = prep(`INSERT INTO cases (id, terminal_id, terminal_seq, number, item_code,
		catalog_version, submitted_at, received_at, status, status_at, sealed)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'received', ?, ?) ON CONFLICT DO NOTHING`)
	w.insertEvent = prep(`INSERT INTO case_events (case_rid, terminal_id, cursor, status, at, note)
		VALUES (?, ?, ?, ?, ?, ?)`)
	w.cursor = prep(`SELECT status_cursor FROM terminals WHERE id = ?`)
	w.setCursor = prep(`UPDATE terminals SET status_cursor = ? WHERE id = ?`)
	if err != nil {
		w.close()
	}
	return err
}

func (w *writeStmts) close() {
	for _, st := range []*sql.Stmt{w.insertCase, w.insertEvent, w.cursor, w.setCursor} {
		if st != nil {
			st.Close()
		}
	}
}

// ApplyCases stores the cases in the committer's transaction; see Store.
func (s *SQLiteStore) ApplyCases(ctx context.Context, terminalID string, cases []NewCase, at time.Time) ([]Outcome, error) {
	var out []Outcome
	err := s.write(func(tx *wtx) error {
		out = make([]Outcome, len(cases))
		cursor, err := tx.statusCursor(s, terminalID)
		if err != nil {
			return err
		}
		start := cursor
		for i, c := range cases {
			res, err := tx.stmt(s.stmts.insertCase).ExecContext(tx.ctx, c.ID, terminalID, c.TerminalSeq,
				c.Number, c.ItemCode, c.CatalogVersion, ms(c.SubmittedAt), ms(at), ms(at), c.Sealed)
			if err != nil {
				return fmt.Errorf("insert case %s: %w", c.ID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				if out[i], err = tx.caseConflict(terminalID, c); err != nil {
					return err
				}
				continue
			}
			rid, err := res.LastInsertId()
			if err != nil {
				return err
			}
			cursor++
			if _, err := tx.stmt(s.stmts.insertEvent).ExecContext(tx.ctx, rid, terminalID, cursor,
				kiosk.StatusReceived, ms(at), ""); err != nil {
				return fmt.Errorf("insert event of case %s: %w", c.ID, err)
			}
			out[i] = Outcome{Result: ResultApplied}
		}
		if cursor != start {
			if _, err := tx.stmt(s.stmts.setCursor).ExecContext(tx.ctx, cursor, terminalID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (tx *wtx) statusCursor(s *SQLiteStore, terminalID string) (int64, error) {
	var cursor int64
	err := tx.stmt(s.stmts.cursor).QueryRowContext(tx.ctx, terminalID).Scan(&cursor)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("terminal %s: %w", terminalID, ErrNotFound)
	}
	return cursor, err
}

// caseConflict says why a case was not inserted: the same case again, or a
// clash with another case on one of the unique keys.
func (tx *wtx) caseConflict(terminalID string, c NewCase) (Outcome, error) {
	var owner string
	err := tx.queryRow(`SELECT terminal_id FROM cases WHERE id = ?`, c.ID).Scan(&owner)
	switch {
	case err == nil && owner == terminalID:
		return Outcome{Result: ResultDuplicate}, nil
	case err == nil:
		return Outcome{Result: ResultRejected, Reason: "case id already used by another terminal"}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return Outcome{}, err
	}
	var other string
	err = tx.queryRow(`SELECT id FROM cases WHERE terminal_id = ? AND terminal_seq = ?`, terminalID, c.TerminalSeq).Scan(&other)
	switch {
	case err == nil:
		return Outcome{Result: ResultRejected, Reason: fmt.Sprintf("sequence reused: terminal_seq %d belongs to case %s", c.TerminalSeq, other)}, nil
	case !errors.Is(err, sql.ErrNoRows):
		return Outcome{}, err
	}
	return Outcome{Result: ResultRejected, Reason: fmt.Sprintf("number %s already belongs to another case", c.Number)}, nil
}

// ApplyEvaluations stores evaluations; see Store.
func (s *SQLiteStore) ApplyEvaluations(ctx context.Context, terminalID string, evs []NewEvaluation, at time.Time) ([]Outcome, error) {
	var out []Outcome
	err := s.write(func(tx *wtx) error {
		out = make([]Outcome, len(evs))
		for i, ev := range evs {
			var owner string
			err := tx.queryRow(`SELECT terminal_id FROM cases WHERE id = ?`, ev.CaseID).Scan(&owner)
			if errors.Is(err, sql.ErrNoRows) || (err == nil && owner != terminalID) {
				out[i] = Outcome{Result: ResultRejected, Reason: "unknown case: send the case before its evaluation"}
				continue
			} else if err != nil {
				return err
			}
			reasons, err := json.Marshal(nonNil(ev.Reasons))
			if err != nil {
				return err
			}
			res, err := tx.exec(`INSERT INTO evaluations (case_id, terminal_id, level, reasons, comment, at, received_at)
				VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
				ev.CaseID, terminalID, ev.Level, string(reasons), ev.Comment, ms(ev.At), ms(at))
			if err != nil {
				return fmt.Errorf("insert evaluation of case %s: %w", ev.CaseID, err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 1 {
				out[i] = Outcome{Result: ResultApplied}
				continue
			}
			stored, err := scanEvaluation(tx.queryRow(`SELECT case_id, level, reasons, comment, at FROM evaluations WHERE case_id = ?`, ev.CaseID))
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

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// repeatEvaluationOutcome is the outcome of an evaluation for a case that
// already has stored: the same one again is a duplicate (a replayed
// upload), a different one is rejected. Both stores answer by it.
func repeatEvaluationOutcome(stored, ev NewEvaluation) Outcome {
	if stored.Level == ev.Level && slices.Equal(nonNil(stored.Reasons), nonNil(ev.Reasons)) &&
		stored.Comment == ev.Comment && stored.At.UnixMilli() == ev.At.UnixMilli() {
		return Outcome{Result: ResultDuplicate}
	}
	return Outcome{Result: ResultRejected, Reason: "case already has a different evaluation (one per case)"}
}

func scanEvaluation(row *sql.Row) (NewEvaluation, error) {
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

const caseColumns = `id, terminal_id, terminal_seq, number, item_code, catalog_version,
	submitted_at, received_at, status, status_at`

func scanCase(sc interface{ Scan(...any) error }, extra ...any) (Case, error) {
	var c Case
	var submitted, received, statusAt int64
	err := sc.Scan(append([]any{&c.ID, &c.TerminalID, &c.TerminalSeq, &c.Number, &c.ItemCode,
		&c.CatalogVersion, &submitted, &received, &c.Status, &statusAt}, extra...)...)
	c.SubmittedAt, c.ReceivedAt, c.StatusAt = fromMS(submitted), fromMS(received), fromMS(statusAt)
	return c, err
}

// Case returns one case with its timeline, evaluation and sealed payload.
func (s *SQLiteStore) Case(ctx context.Context, number string) (Case, error) {
	var sealed []byte
	c, err := scanCase(s.rdb.QueryRowContext(ctx, `SELECT `+caseColumns+`, sealed FROM cases WHERE number = ?`, number), &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, fmt.Errorf("case %s: %w", number, ErrNotFound)
	}
	if err != nil {
		return Case{}, classify(err)
	}
	c.Sealed = sealed
	rows, err := s.rdb.QueryContext(ctx, `SELECT status, at, note FROM case_events
		WHERE case_rid = (SELECT rid FROM cases WHERE id = ?) ORDER BY id`, c.ID)
	if err != nil {
		return Case{}, classify(err)
	}
	defer rows.Close()
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&e.Status, &at, &e.Note); err != nil {
			return Case{}, classify(err)
		}
		e.At = fromMS(at)
		c.Timeline = append(c.Timeline, e)
	}
	if err := rows.Err(); err != nil {
		return Case{}, classify(err)
	}
	ev, err := scanEvaluation(s.rdb.QueryRowContext(ctx, `SELECT case_id, level, reasons, comment, at FROM evaluations WHERE case_id = ?`, c.ID))
	switch {
	case err == nil:
		c.Evaluation = &ev
	case !errors.Is(err, sql.ErrNoRows):
		return Case{}, classify(err)
	}
	return c, nil
}

// Cases lists cases without timeline or payload.
func (s *SQLiteStore) Cases(ctx context.Context, q CaseQuery) ([]Case, error) {
	if q.Limit <= 0 {
		q.Limit = 100
	}
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+caseColumns+` FROM cases
		WHERE (?1 = '' OR status = ?1) AND (?2 = '' OR terminal_id = ?2)
		ORDER BY rid DESC LIMIT ?3`, q.Status, q.TerminalID, q.Limit)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, c)
	}
	return out, classify(rows.Err())
}

// SetStatus appends a status event; see Store.
func (s *SQLiteStore) SetStatus(ctx context.Context, number, status, note string, at time.Time) error {
	return s.write(func(tx *wtx) error {
		var rid int64
		var terminalID string
		err := tx.queryRow(`SELECT rid, terminal_id FROM cases WHERE number = ?`, number).Scan(&rid, &terminalID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("case %s: %w", number, ErrNotFound)
		} else if err != nil {
			return err
		}
		cursor, err := tx.statusCursor(s, terminalID)
		if err != nil {
			return err
		}
		cursor++
		if _, err := tx.stmt(s.stmts.insertEvent).ExecContext(tx.ctx, rid, terminalID, cursor, status, ms(at), note); err != nil {
			return err
		}
		if _, err := tx.exec(`UPDATE cases SET status = ?, status_at = ? WHERE rid = ?`, status, ms(at), rid); err != nil {
			return err
		}
		_, err = tx.stmt(s.stmts.setCursor).ExecContext(tx.ctx, cursor, terminalID)
		return err
	})
}

// StatusUpdates returns the terminal's events after a cursor; see Store.
func (s *SQLiteStore) StatusUpdates(ctx context.Context, terminalID string, after int64, limit int) ([]StatusUpdate, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT e.cursor, c.id, c.number, e.status, e.at, e.note
		FROM case_events e JOIN cases c ON c.rid = e.case_rid
		WHERE e.terminal_id = ? AND e.cursor > ? ORDER BY e.cursor LIMIT ?`, terminalID, after, limit)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []StatusUpdate
	for rows.Next() {
		var u StatusUpdate
		var at int64
		if err := rows.Scan(&u.Cursor, &u.CaseID, &u.Number, &u.Status, &at, &u.Note); err != nil {
			return nil, classify(err)
		}
		u.At = fromMS(at)
		out = append(out, u)
	}
	return out, classify(rows.Err())
}
