package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"time"

	"govkiosk/kiosk"
)

// OutboxItem is one thing waiting for the hall: a case (with its sealed
// personal part) or an evaluation.
type OutboxItem struct {
	ID         int64
	Kind       string // case or evaluation
	Ref        string // the case id
	Attempts   int
	LastError  string
	Parked     bool
	CreatedAt  time.Time
	Case       *CaseSummary      // for kind case
	Sealed     []byte            // for kind case
	Evaluation *kiosk.Evaluation // for kind evaluation
}

// Size is roughly what the item adds to an upload body, for batching by bytes.
func (o *OutboxItem) Size() int {
	// base64 grows sealed data by 4/3; the JSON around it is under 400 bytes.
	return len(o.Sealed)*4/3 + 400
}

// PendingOutbox returns up to limit items of kind that are due (not parked,
// next attempt not in the future), oldest first, stopping before maxBytes
// of upload (but always returning at least one due item). An evaluation
// is due only once its case has left the outbox: the hall refuses the
// rating of a case it does not hold yet, and parking it would lose it.
func (s *Store) PendingOutbox(ctx context.Context, kind string, limit, maxBytes int) ([]*OutboxItem, error) {
	return s.PendingOutboxAfter(ctx, kind, 0, limit, maxBytes)
}

// PendingOutboxAfter is PendingOutbox for the items after the outbox id
// after: a client that has a batch in flight reads the next one without
// handing out the same items twice.
//
// The items and what they carry are read with three statements, not one
// per item: a terminal back from days offline drains thousands, and
// preparing a statement costs modernc's SQLite more than running it.
func (s *Store) PendingOutboxAfter(ctx context.Context, kind string, after int64, limit, maxBytes int) ([]*OutboxItem, error) {
	// NOT INDEXED: walk the outbox in id order from after. With the
	// (kind, ref) index SQLite read and sorted every item of the kind for
	// each batch: about 5 ms of CPU per batch of a 10,000-item backlog,
	// more the longer the backlog.
	rows, err := s.db.QueryContext(ctx, `SELECT id, kind, ref, attempts, last_error, created_at FROM outbox o NOT INDEXED
		WHERE kind = ? AND parked = 0 AND next_attempt_at <= ? AND id > ?
		AND NOT (kind = 'evaluation' AND EXISTS (SELECT 1 FROM outbox c WHERE c.kind = 'case' AND c.ref = o.ref))
		ORDER BY id LIMIT ?`, kind, ms(s.clock.Now()), after, limit)
	if err != nil {
		return nil, err
	}
	var items []*OutboxItem
	for rows.Next() {
		var o OutboxItem
		var created int64
		if err := rows.Scan(&o.ID, &o.Kind, &o.Ref, &o.Attempts, &o.LastError, &created); err != nil {
			rows.Close()
			return nil, err
		}
		o.CreatedAt = fromMS(created)
		items = append(items, &o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if err := s.fillOutboxItems(ctx, kind, items); err != nil {
		return nil, err
	}
	total := 0
	for i, o := range items {
		total += o.Size()
		if total > maxBytes && i > 0 {
			return items[:i], nil
		}
	}
	return items, nil
}

// fillOutboxItems adds to items, all of one kind, the case or evaluation
// each carries, with one query.
func (s *Store) fillOutboxItems(ctx context.Context, kind string, items []*OutboxItem) error {
	if len(items) == 0 {
		return nil
	}
	byRef := make(map[string]*OutboxItem, len(items))
	refs := make([]string, len(items))
	for i, o := range items {
		byRef[o.Ref], refs[i] = o, o.Ref
	}
	refsJSON, err := json.Marshal(refs)
	if err != nil {
		return err
	}
	var q string
	switch kind {
	case "case":
		q = `SELECT ` + summaryCols + `, sealed FROM cases WHERE id IN (SELECT value FROM json_each(?))`
	case "evaluation":
		q = `SELECT case_id, level, reasons, comment, at FROM evaluations WHERE case_id IN (SELECT value FROM json_each(?))`
	default:
		return fmt.Errorf("outbox: unknown kind %q", kind)
	}
	rows, err := s.db.QueryContext(ctx, q, string(refsJSON))
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var ref string
		var o *OutboxItem
		switch kind {
		case "case":
			var sealed []byte
			c, err := scanSummary(withSealed{rows, &sealed})
			if err != nil {
				return fmt.Errorf("outbox: case: %w", err)
			}
			ref, o = c.ID, byRef[c.ID]
			o.Case, o.Sealed = c, sealed
		case "evaluation":
			var e kiosk.Evaluation
			var reasons string
			var at int64
			if err := rows.Scan(&ref, &e.Level, &reasons, &e.Comment, &at); err != nil {
				return fmt.Errorf("outbox: evaluation: %w", err)
			}
			e.At = fromMS(at)
			_ = json.Unmarshal([]byte(reasons), &e.Reasons)
			o = byRef[ref]
			o.Evaluation = &e
		}
		delete(byRef, ref)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for ref, o := range byRef {
		return fmt.Errorf("outbox %d: %s %s: %w", o.ID, kind, ref, sql.ErrNoRows)
	}
	return nil
}

// withSealed scans a case summary row that ends with the sealed column.
type withSealed struct {
	rows   *sql.Rows
	sealed *[]byte
}

func (w withSealed) Scan(dest ...any) error { return w.rows.Scan(append(dest, w.sealed)...) }

// Delivered records that the hall durably holds these items (applied or
// duplicate): their outbox entries go, and a delivered case's sealed
// personal part is deleted at once — the terminal keeps personal data only
// as long as the sync needs it.
func (s *Store) Delivered(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	now := ms(s.clock.Now())
	// Two statements for the whole batch: one per item cost more than the
	// commit's fsync when a backlog drains.
	return s.tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `DELETE FROM outbox WHERE id IN (SELECT value FROM json_each(?)) RETURNING kind, ref`, string(idsJSON))
		if err != nil {
			return err
		}
		var cases []string // ids already delivered are simply not returned: idempotent
		for rows.Next() {
			var kind, ref string
			if err := rows.Scan(&kind, &ref); err != nil {
				rows.Close()
				return err
			}
			if kind == "case" {
				cases = append(cases, ref)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		if len(cases) == 0 {
			return nil
		}
		casesJSON, err := json.Marshal(cases)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE cases SET sealed = NULL, synced_at = ? WHERE id IN (SELECT value FROM json_each(?))`, now, string(casesJSON))
		return err
	})
}

// Park sets an item aside after the hall rejected it: it is reported and
// kept, and never holds up the queue. A technician can retry it.
func (s *Store) Park(ctx context.Context, id int64, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE outbox SET parked = 1, last_error = ?, attempts = attempts + 1 WHERE id = ?`, reason, id)
	return classify(err)
}

// Failed records a failed attempt and when to try again.
func (s *Store) Failed(ctx context.Context, ids []int64, reason string, next time.Time) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_attempt_at = ? WHERE id = ?`,
				reason, ms(next), id); err != nil {
				return err
			}
		}
		return nil
	})
}

// RetryAll makes every item due now, parked ones included.
func (s *Store) RetryAll(ctx context.Context) (int, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE outbox SET parked = 0, next_attempt_at = 0`)
	if err != nil {
		return 0, classify(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Outbox lists every outbox entry (pending and parked), oldest first.
func (s *Store) Outbox(ctx context.Context) ([]*OutboxItem, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.kind, o.ref, o.attempts, o.last_error, o.parked, o.created_at,
		coalesce(c.number, '') FROM outbox o LEFT JOIN cases c ON c.id = o.ref ORDER BY o.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*OutboxItem
	for rows.Next() {
		var o OutboxItem
		var created int64
		var number string
		if err := rows.Scan(&o.ID, &o.Kind, &o.Ref, &o.Attempts, &o.LastError, &o.Parked, &created, &number); err != nil {
			return nil, err
		}
		o.CreatedAt = fromMS(created)
		o.Case = &CaseSummary{ID: o.Ref, Number: number}
		out = append(out, &o)
	}
	return out, rows.Err()
}

// StatusUpdate is a status change the hall reports for one of our cases.
type StatusUpdate struct {
	CaseID string
	Status string
	At     time.Time // the hall's time
	Note   string
}

// ApplyStatusUpdates appends hall status changes to the cases' timelines,
// in the order the hall sent them (its cursor order): the hall's clock
// orders hall events, and the terminal's clock is never compared with it.
// Applying the same update twice changes nothing; updates for unknown or
// purged cases are skipped.
func (s *Store) ApplyStatusUpdates(ctx context.Context, ups []StatusUpdate) error {
	if len(ups) == 0 {
		return nil
	}
	return s.tx(ctx, func(tx *sql.Tx) error {
		for _, u := range ups {
			if _, ok := kiosk.StatusNames[u.Status]; !ok {
				continue
			}
			var exists, dup int
			if err := tx.QueryRowContext(ctx, `SELECT
				(SELECT count(*) FROM cases WHERE id = ?),
				(SELECT count(*) FROM case_events WHERE case_id = ? AND status = ? AND at = ?)`,
				u.CaseID, u.CaseID, u.Status, ms(u.At)).Scan(&exists, &dup); err != nil {
				return err
			}
			if exists == 0 || dup > 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, `UPDATE cases SET status = ?, status_at = ? WHERE id = ?`,
				u.Status, ms(u.At), u.CaseID); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, seq, status, at, note)
				SELECT ?, coalesce(max(seq), -1) + 1, ?, ?, ? FROM case_events WHERE case_id = ?`,
				u.CaseID, u.Status, ms(u.At), u.Note, u.CaseID); err != nil {
				return err
			}
		}
		return nil
	})
}

// Purge deletes cases delivered to the hall before now-retention, with
// their timelines and evaluations. Undelivered cases are never purged.
func (s *Store) Purge(ctx context.Context, retention time.Duration) (int, error) {
	cut := ms(s.clock.Now().Add(-retention))
	res, err := s.db.ExecContext(ctx, `DELETE FROM cases WHERE synced_at IS NOT NULL AND synced_at < ?
		AND id NOT IN (SELECT ref FROM outbox)`, cut)
	if err != nil {
		return 0, classify(err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// Meta reads a small setting kept in the store ("" when unset).
func (s *Store) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta writes a small setting.
func (s *Store) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	return classify(err)
}
