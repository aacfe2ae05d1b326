package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/crypto/argon2"

	"govkiosk/kiosk"
)

// personal is the sealed part of a case: everything that identifies the
// citizen or that they entered.
type personal struct {
	Applicant *kiosk.Identity        `json:"applicant"`
	Form      map[string]string      `json:"form"`
	Materials []kiosk.MaterialRecord `json:"materials"`
}

var _ kiosk.Submitter = (*Store)(nil)
var _ kiosk.Evaluator = (*Store)(nil)

// SubmitCase seals the personal part of c and writes the case, its first
// timeline event and its outbox entry in one transaction with
// synchronous=FULL. It assigns c.TerminalSeq and c.Number only when the
// commit succeeded; on error the store is unchanged and c is as it was.
func (s *Store) SubmitCase(ctx context.Context, c *kiosk.Case) error {
	if s.sealer == nil {
		return ErrNoSealer
	}
	plain, err := json.Marshal(personal{c.Applicant, c.Form, c.Materials})
	if err != nil {
		return fmt.Errorf("submit case: %w", err)
	}
	sealed, err := s.sealer.Seal(plain)
	clear(plain)
	if err != nil {
		return fmt.Errorf("submit case: seal: %w", err)
	}
	var applicant string
	if c.Applicant != nil && c.Applicant.IDNumber != "" {
		if applicant, err = s.applicantKey(ctx, c.Applicant.IDNumber); err != nil {
			return fmt.Errorf("submit case: %w", err)
		}
	}
	var seq int64
	var number string
	err = s.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `UPDATE sequences SET value = value + 1 WHERE name = 'case' RETURNING value`).Scan(&seq); err != nil {
			return err
		}
		var err error
		if number, err = kiosk.FormatCaseNumber(s.prefix, c.SubmittedAt, seq); err != nil {
			return err
		}
		status := c.Status()
		if _, err := tx.ExecContext(ctx, `INSERT INTO cases (id, terminal_seq, number, item_code, item_name,
			catalog_version, submitted_at, masked_name, promised_date, sealed, status, status_at, applicant_key)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, seq, number, c.ItemCode, c.ItemName, c.CatalogVersion, ms(c.SubmittedAt),
			c.MaskedName, c.PromisedDate, sealed, status, ms(c.SubmittedAt), applicant); err != nil {
			return err
		}
		for i, ev := range c.Timeline {
			if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (case_id, seq, status, at, note) VALUES (?, ?, ?, ?, ?)`,
				c.ID, i, ev.Status, ms(ev.At), ev.Note); err != nil {
				return err
			}
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO outbox (kind, ref, created_at) VALUES ('case', ?, ?)`, c.ID, ms(s.clock.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("submit case: %w", err)
	}
	c.TerminalSeq, c.Number = seq, number
	return nil
}

// EvaluateCase stores the case's 好差评 and queues it for the hall, once.
func (s *Store) EvaluateCase(ctx context.Context, caseID string, e kiosk.Evaluation) error {
	if err := e.Validate(); err != nil {
		return err
	}
	reasons, _ := json.Marshal(e.Reasons)
	err := s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM cases WHERE id = ?`, caseID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO evaluations (case_id, level, reasons, comment, at)
			VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id) DO NOTHING`, caseID, e.Level, string(reasons), e.Comment, ms(e.At))
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			return kiosk.ErrAlreadyEvaluated
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO outbox (kind, ref, created_at) VALUES ('evaluation', ?, ?)`, caseID, ms(s.clock.Now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("evaluate case %s: %w", caseID, err)
	}
	return nil
}

// CaseSummary is what the terminal keeps in clear about a case: enough to
// show its progress, nothing that identifies the citizen beyond a masked name.
type CaseSummary struct {
	ID             string
	Number         string
	TerminalSeq    int64
	ItemCode       string
	ItemName       string
	CatalogVersion int64
	SubmittedAt    time.Time
	MaskedName     string
	PromisedDate   string
	Status         string
	StatusAt       time.Time
	SyncedAt       time.Time // zero until the hall acknowledged it
	Timeline       []kiosk.StatusEvent
	Evaluation     *kiosk.Evaluation
}

const summaryCols = `id, number, terminal_seq, item_code, item_name, catalog_version, submitted_at,
	masked_name, promised_date, status, status_at, coalesce(synced_at, 0)`

func scanSummary(row interface{ Scan(...any) error }) (*CaseSummary, error) {
	var c CaseSummary
	var sub, stat, synced int64
	if err := row.Scan(&c.ID, &c.Number, &c.TerminalSeq, &c.ItemCode, &c.ItemName, &c.CatalogVersion,
		&sub, &c.MaskedName, &c.PromisedDate, &c.Status, &stat, &synced); err != nil {
		return nil, err
	}
	c.SubmittedAt, c.StatusAt = fromMS(sub), fromMS(stat)
	if synced != 0 {
		c.SyncedAt = fromMS(synced)
	}
	return &c, nil
}

// CaseByNumber returns a case with its timeline and evaluation, or ErrNotFound.
func (s *Store) CaseByNumber(ctx context.Context, number string) (*CaseSummary, error) {
	c, err := scanSummary(s.db.QueryRowContext(ctx, `SELECT `+summaryCols+` FROM cases WHERE number = ?`, number))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", number, err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT status, at, note FROM case_events WHERE case_id = ? ORDER BY seq`, c.ID)
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", number, err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev kiosk.StatusEvent
		var at int64
		if err := rows.Scan(&ev.Status, &at, &ev.Note); err != nil {
			return nil, err
		}
		ev.At = fromMS(at)
		c.Timeline = append(c.Timeline, ev)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var e kiosk.Evaluation
	var reasons string
	var at int64
	err = s.db.QueryRowContext(ctx, `SELECT level, reasons, comment, at FROM evaluations WHERE case_id = ?`, c.ID).
		Scan(&e.Level, &reasons, &e.Comment, &at)
	switch {
	case err == nil:
		e.At = fromMS(at)
		_ = json.Unmarshal([]byte(reasons), &e.Reasons)
		c.Evaluation = &e
	case !errors.Is(err, sql.ErrNoRows):
		return nil, err
	}
	return c, nil
}

// RecentCases lists the newest cases first, at most limit.
func (s *Store) RecentCases(ctx context.Context, limit int) ([]*CaseSummary, error) {
	return s.summaries(ctx, `ORDER BY terminal_seq DESC LIMIT ?`, limit)
}

// summaries runs a query for case summaries; tail is what follows FROM cases.
func (s *Store) summaries(ctx context.Context, tail string, args ...any) ([]*CaseSummary, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+summaryCols+` FROM cases `+tail, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*CaseSummary
	for rows.Next() {
		c, err := scanSummary(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Sealed returns the sealed personal part of a case, for upload.
func (s *Store) Sealed(ctx context.Context, caseID string) ([]byte, error) {
	var b []byte
	err := s.db.QueryRowContext(ctx, `SELECT sealed FROM cases WHERE id = ?`, caseID).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return b, err
}

// OutboxStats counts what waits for the hall.
type OutboxStats struct {
	Pending int
	Parked  int
}

// OutboxStats counts pending and parked outbox entries.
func (s *Store) OutboxStats(ctx context.Context) (OutboxStats, error) {
	var st OutboxStats
	err := s.db.QueryRowContext(ctx, `SELECT
		coalesce(sum(CASE WHEN parked = 0 THEN 1 ELSE 0 END), 0),
		coalesce(sum(parked), 0) FROM outbox`).Scan(&st.Pending, &st.Parked)
	return st, err
}

// applicantKey derives the key under which a citizen's cases can be found
// again by their ID card, without the ID number being on disk: argon2id
// with a per-terminal salt (one pass over 8 MiB, about 10 ms here), slow
// and memory-hard enough that trying every plausible ID number against a
// stolen disk is out of reach. It still lets
// someone holding a given person's number check whether that person used
// this terminal; that is the price of "query by ID card" offline.
func (s *Store) applicantKey(ctx context.Context, idNumber string) (string, error) {
	salt, err := s.Meta(ctx, "applicant_salt")
	if err != nil {
		return "", err
	}
	if salt == "" {
		b := make([]byte, 16)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		salt = hex.EncodeToString(b)
		if _, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('applicant_salt', ?) ON CONFLICT (key) DO NOTHING`, salt); err != nil {
			return "", classify(err)
		}
		if salt, err = s.Meta(ctx, "applicant_salt"); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(argon2.IDKey([]byte(idNumber), []byte(salt), 1, 8*1024, 1, 16)), nil
}

// CasesByApplicant lists, newest first, the cases submitted on this
// terminal with the given ID number.
func (s *Store) CasesByApplicant(ctx context.Context, idNumber string) ([]*CaseSummary, error) {
	key, err := s.applicantKey(ctx, idNumber)
	if err != nil {
		return nil, err
	}
	return s.summaries(ctx, `WHERE applicant_key = ? ORDER BY terminal_seq DESC`, key)
}
