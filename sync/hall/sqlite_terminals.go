package hall

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// TerminalID formats the terminal id for an enrolment sequence number:
// "K0001". Terminals start their case numbers with it. Past 9999 it grows a
// digit ("K10000"), which case-number prefixes (2-12 characters) allow.
func TerminalID(seq int64) string { return fmt.Sprintf("K%04d", seq) }

// CreateCode stores a one-time enrolment code.
func (s *SQLiteStore) CreateCode(ctx context.Context, c EnrolmentCode) error {
	return s.write(func(tx *wtx) error {
		_, err := tx.exec(`INSERT INTO enrolment_codes (code_hash, created_at, expires_at) VALUES (?, ?, ?)`,
			c.Hash[:], ms(c.CreatedAt), ms(c.ExpiresAt))
		return err
	})
}

// Enroll consumes a code and registers a terminal; see Store.
func (s *SQLiteStore) Enroll(ctx context.Context, codeHash Hash, name string, tokenHash Hash, at time.Time) (Terminal, error) {
	var t Terminal
	err := s.write(func(tx *wtx) error {
		var seq int64
		if err := tx.queryRow(`SELECT COALESCE(MAX(seq), 0) + 1 FROM terminals`).Scan(&seq); err != nil {
			return err
		}
		t = Terminal{ID: TerminalID(seq), Name: name, EnrolledAt: at}
		res, err := tx.exec(`UPDATE enrolment_codes SET used_at = ?, terminal_id = ?
			WHERE code_hash = ? AND used_at IS NULL AND expires_at > ?`, ms(at), t.ID, codeHash[:], ms(at))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return ErrCodeInvalid
		}
		_, err = tx.exec(`INSERT INTO terminals (id, seq, name, token_hash, enrolled_at) VALUES (?, ?, ?, ?, ?)`,
			t.ID, seq, name, tokenHash[:], ms(at))
		return err
	})
	if err != nil {
		return Terminal{}, err
	}
	return t, nil
}

const terminalColumns = `id, name, enrolled_at, last_seen, app_version, catalog_version,
	outbox_pending, outbox_parked, devices, clock, clock_offset_ms`

func scanTerminal(sc interface{ Scan(...any) error }) (Terminal, error) {
	var t Terminal
	var enrolled, offset int64
	var lastSeen sql.NullInt64
	var devices string
	err := sc.Scan(&t.ID, &t.Name, &enrolled, &lastSeen, &t.AppVersion, &t.CatalogVersion,
		&t.OutboxPending, &t.OutboxParked, &devices, &t.Clock, &offset)
	if err != nil {
		return t, err
	}
	t.EnrolledAt, t.LastSeen = fromMS(enrolled), fromNullMS(lastSeen)
	t.At = t.LastSeen
	t.ClockOffset = time.Duration(offset) * time.Millisecond
	if err := json.Unmarshal([]byte(devices), &t.Devices); err != nil {
		return t, fmt.Errorf("terminal %s: stored devices: %w", t.ID, err)
	}
	return t, nil
}

// TerminalByToken finds the terminal a bearer token belongs to.
func (s *SQLiteStore) TerminalByToken(ctx context.Context, tokenHash Hash) (Terminal, error) {
	t, err := scanTerminal(s.rdb.QueryRowContext(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE token_hash = ?`, tokenHash[:]))
	if errors.Is(err, sql.ErrNoRows) {
		return Terminal{}, ErrNotFound
	}
	return t, classify(err)
}

// Terminals lists every terminal in enrolment order.
func (s *SQLiteStore) Terminals(ctx context.Context) ([]Terminal, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+terminalColumns+` FROM terminals ORDER BY seq`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Terminal
	for rows.Next() {
		t, err := scanTerminal(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, t)
	}
	return out, classify(rows.Err())
}

// RecordHeartbeat stores a terminal's reported state; see Store.
func (s *SQLiteStore) RecordHeartbeat(ctx context.Context, terminalID string, hb HeartbeatRecord, acks []CommandAck) ([]Command, error) {
	devices, err := json.Marshal(hb.Devices)
	if err != nil {
		return nil, err
	}
	if hb.Devices == nil {
		devices = []byte("[]")
	}
	var acked []Command
	err = s.write(func(tx *wtx) error {
		acked = nil
		res, err := tx.exec(`UPDATE terminals SET last_seen = ?, app_version = ?, catalog_version = ?,
			outbox_pending = ?, outbox_parked = ?, devices = ?, clock = ?, clock_offset_ms = ? WHERE id = ?`,
			ms(hb.At), hb.AppVersion, hb.CatalogVersion, hb.OutboxPending, hb.OutboxParked,
			string(devices), hb.Clock, hb.ClockOffset.Milliseconds(), terminalID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			return fmt.Errorf("terminal %s: %w", terminalID, ErrNotFound)
		}
		for _, a := range acks {
			c := Command{ID: a.ID, TerminalID: terminalID, AckedAt: fromMS(ms(hb.At)), Result: a.Result}
			var args string
			var created int64
			err := tx.queryRow(`UPDATE commands SET acked_at = ?, result = ?
				WHERE id = ? AND terminal_id = ? AND acked_at IS NULL RETURNING kind, args, created_at`,
				ms(hb.At), a.Result, a.ID, terminalID).Scan(&c.Kind, &args, &created)
			if errors.Is(err, sql.ErrNoRows) {
				continue // acknowledged before, or not this terminal's
			} else if err != nil {
				return err
			}
			c.Args, c.CreatedAt = json.RawMessage(args), fromMS(created)
			acked = append(acked, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return acked, nil
}

// QueueCommand stores a remote command; see Store.
func (s *SQLiteStore) QueueCommand(ctx context.Context, c Command) error {
	return s.write(func(tx *wtx) error {
		var one int
		err := tx.queryRow(`SELECT 1 FROM terminals WHERE id = ?`, c.TerminalID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("terminal %s: %w", c.TerminalID, ErrNotFound)
		} else if err != nil {
			return err
		}
		_, err = tx.exec(`INSERT INTO commands (id, terminal_id, kind, args, created_at) VALUES (?, ?, ?, ?, ?)`,
			c.ID, c.TerminalID, c.Kind, string(c.Args), ms(c.CreatedAt))
		return err
	})
}

// PendingCommands returns the terminal's unacknowledged commands.
func (s *SQLiteStore) PendingCommands(ctx context.Context, terminalID string) ([]Command, error) {
	return s.commands(ctx, `WHERE terminal_id = ? AND acked_at IS NULL ORDER BY rowid`, terminalID)
}

// RecentCommands returns the terminal's newest commands; see Store.
func (s *SQLiteStore) RecentCommands(ctx context.Context, terminalID string, limit int) ([]Command, error) {
	return s.commands(ctx, `WHERE terminal_id = ? ORDER BY rowid DESC LIMIT ?`, terminalID, limit)
}

func (s *SQLiteStore) commands(ctx context.Context, where string, args ...any) ([]Command, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, terminal_id, kind, args, created_at, acked_at, result
		FROM commands `+where, args...)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Command
	for rows.Next() {
		var c Command
		var args string
		var created int64
		var acked sql.NullInt64
		if err := rows.Scan(&c.ID, &c.TerminalID, &c.Kind, &args, &created, &acked, &c.Result); err != nil {
			return nil, classify(err)
		}
		c.Args, c.CreatedAt = json.RawMessage(args), fromMS(created)
		c.AckedAt = fromNullMS(acked)
		out = append(out, c)
	}
	return out, classify(rows.Err())
}
