package hall

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

var _ LogStore = (*PostgresStore)(nil)

// PutLogBundle stores a bundle and prunes the terminal's older ones in one
// transaction; see LogStore. The terminal's row is locked first, so two
// instances storing bundles of one terminal at once do not both find no
// duplicate, and their prunes do not interleave.
func (s *PostgresStore) PutLogBundle(ctx context.Context, b LogBundle, keep int) (LogBundle, bool, error) {
	var stored LogBundle
	var dup bool
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		stored, dup = b, false
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM terminals WHERE id = $1 FOR UPDATE`, b.TerminalID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("terminal %s: %w", b.TerminalID, ErrNotFound)
		}
		if err != nil {
			return err
		}
		if b.CommandID != "" {
			var kind string
			err := tx.QueryRow(ctx, `SELECT kind FROM commands WHERE id = $1 AND terminal_id = $2`, b.CommandID, b.TerminalID).Scan(&kind)
			if errors.Is(err, pgx.ErrNoRows) || err == nil && kind != CommandUploadLogs {
				return fmt.Errorf("log bundle for command %s: %w", b.CommandID, ErrUnknownCommand)
			}
			if err != nil {
				return err
			}
		}
		prev, err := pgScanLogBundle(tx.QueryRow(ctx, `SELECT `+logBundleColumns+` FROM log_bundles
			WHERE terminal_id = $1 AND command_id = $2 AND sha256 = $3`, b.TerminalID, b.CommandID, b.SHA256))
		if err == nil {
			stored, dup = prev, true
			return nil
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO log_bundles (id, terminal_id, command_id, received_at, bytes, sha256, files, data)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			b.ID, b.TerminalID, b.CommandID, ms(b.ReceivedAt), b.Bytes, b.SHA256, b.Files, b.Data); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `DELETE FROM log_bundles WHERE terminal_id = $1 AND rid NOT IN
			(SELECT rid FROM log_bundles WHERE terminal_id = $1 ORDER BY rid DESC LIMIT $2)`, b.TerminalID, keep)
		return err
	})
	if err != nil {
		return LogBundle{}, false, err
	}
	stored.Data = nil
	return stored, dup, nil
}

func pgScanLogBundle(row pgx.Row, extra ...any) (LogBundle, error) {
	var b LogBundle
	var received int64
	if err := row.Scan(append([]any{&b.ID, &b.TerminalID, &b.CommandID, &received, &b.Bytes, &b.SHA256, &b.Files}, extra...)...); err != nil {
		return LogBundle{}, err
	}
	b.ReceivedAt = fromMS(received)
	return b, nil
}

// LogBundles lists a terminal's bundles, newest first; see LogStore.
func (s *PostgresStore) LogBundles(ctx context.Context, terminalID string) ([]LogBundle, error) {
	return pgList(ctx, s, `SELECT `+logBundleColumns+` FROM log_bundles
		WHERE terminal_id = $1 ORDER BY rid DESC`, func(r pgx.Row) (LogBundle, error) { return pgScanLogBundle(r) }, terminalID)
}

// LogBundle returns one bundle with its data; see LogStore.
func (s *PostgresStore) LogBundle(ctx context.Context, id string) (LogBundle, error) {
	var b LogBundle
	err := s.read(func() error {
		var data []byte
		var err error
		b, err = pgScanLogBundle(s.pool.QueryRow(ctx, `SELECT `+logBundleColumns+`, data FROM log_bundles WHERE id = $1`, id), &data)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("log bundle %s: %w", id, ErrNotFound)
		}
		b.Data = data
		return err
	})
	return b, err
}
