package hall

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

var _ LogStore = (*SQLiteStore)(nil)

// PutLogBundle stores a bundle and prunes the terminal's older ones in the
// committer's transaction; see LogStore.
func (s *SQLiteStore) PutLogBundle(ctx context.Context, b LogBundle, keep int) (LogBundle, bool, error) {
	var stored LogBundle
	var dup bool
	err := s.write(func(tx *wtx) error {
		stored, dup = b, false
		var one int
		err := tx.queryRow(`SELECT 1 FROM terminals WHERE id = ?`, b.TerminalID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("terminal %s: %w", b.TerminalID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if b.CommandID != "" {
			var kind string
			err := tx.queryRow(`SELECT kind FROM commands WHERE id = ? AND terminal_id = ?`, b.CommandID, b.TerminalID).Scan(&kind)
			if errors.Is(err, sql.ErrNoRows) || err == nil && kind != CommandUploadLogs {
				return fmt.Errorf("log bundle for command %s: %w", b.CommandID, ErrUnknownCommand)
			}
			if err != nil {
				return err
			}
		}
		prev, err := scanLogBundle(tx.queryRow(`SELECT `+logBundleColumns+` FROM log_bundles
			WHERE terminal_id = ? AND command_id = ? AND sha256 = ?`, b.TerminalID, b.CommandID, b.SHA256))
		if err == nil {
			stored, dup = prev, true
			return nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if _, err := tx.exec(`INSERT INTO log_bundles (id, terminal_id, command_id, received_at, bytes, sha256, files, data)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			b.ID, b.TerminalID, b.CommandID, ms(b.ReceivedAt), b.Bytes, b.SHA256, b.Files, b.Data); err != nil {
			return err
		}
		_, err = tx.exec(`DELETE FROM log_bundles WHERE terminal_id = ? AND rid NOT IN
			(SELECT rid FROM log_bundles WHERE terminal_id = ? ORDER BY rid DESC LIMIT ?)`, b.TerminalID, b.TerminalID, keep)
		return err
	})
	if err != nil {
		return LogBundle{}, false, err
	}
	stored.Data = nil
	return stored, dup, nil
}

const logBundleColumns = `id, terminal_id, command_id, received_at, bytes, sha256, files`

func scanLogBundle(sc interface{ Scan(...any) error }, extra ...any) (LogBundle, error) {
	var b LogBundle
	var received int64
	if err := sc.Scan(append([]any{&b.ID, &b.TerminalID, &b.CommandID, &received, &b.Bytes, &b.SHA256, &b.Files}, extra...)...); err != nil {
		return LogBundle{}, err
	}
	b.ReceivedAt = fromMS(received)
	return b, nil
}

// LogBundles lists a terminal's bundles, newest first; see LogStore.
func (s *SQLiteStore) LogBundles(ctx context.Context, terminalID string) ([]LogBundle, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+logBundleColumns+` FROM log_bundles
		WHERE terminal_id = ? ORDER BY rid DESC`, terminalID)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []LogBundle
	for rows.Next() {
		b, err := scanLogBundle(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, b)
	}
	return out, classify(rows.Err())
}

// LogBundle returns one bundle with its data; see LogStore.
func (s *SQLiteStore) LogBundle(ctx context.Context, id string) (LogBundle, error) {
	var data []byte
	b, err := scanLogBundle(s.rdb.QueryRowContext(ctx, `SELECT `+logBundleColumns+`, data FROM log_bundles WHERE id = ?`, id), &data)
	if errors.Is(err, sql.ErrNoRows) {
		return LogBundle{}, fmt.Errorf("log bundle %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return LogBundle{}, classify(err)
	}
	b.Data = data
	return b, nil
}
