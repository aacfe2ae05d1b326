package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations are applied in order, each in its own transaction, and never
// edited once released: a terminal in the field may be at any of them.
var migrations = []string{
	`CREATE TABLE catalog_versions (
		version      INTEGER PRIMARY KEY,
		sha256       TEXT NOT NULL,
		state        TEXT NOT NULL CHECK (state IN ('active', 'previous')),
		installed_at INTEGER NOT NULL,
		doc          BLOB NOT NULL,
		snapshot     BLOB
	);
	CREATE UNIQUE INDEX catalog_one_active ON catalog_versions(state) WHERE state = 'active';
	CREATE TABLE sequences (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
	INSERT INTO sequences VALUES ('case', 0);
	CREATE TABLE cases (
		id              TEXT PRIMARY KEY,
		terminal_seq    INTEGER NOT NULL UNIQUE,
		number          TEXT NOT NULL UNIQUE,
		item_code       TEXT NOT NULL,
		item_name       TEXT NOT NULL,
		catalog_version INTEGER NOT NULL,
		submitted_at    INTEGER NOT NULL,
		masked_name     TEXT NOT NULL,
		promised_date   TEXT NOT NULL DEFAULT '',
		sealed          BLOB,
		status          TEXT NOT NULL,
		status_at       INTEGER NOT NULL,
		synced_at       INTEGER
	);
	CREATE TABLE case_events (
		case_id TEXT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
		seq     INTEGER NOT NULL,
		status  TEXT NOT NULL,
		at      INTEGER NOT NULL,
		note    TEXT NOT NULL DEFAULT '',
		PRIMARY KEY (case_id, seq)
	);
	CREATE TABLE evaluations (
		case_id   TEXT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
		level     INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
		reasons   TEXT NOT NULL,
		comment   TEXT NOT NULL,
		at        INTEGER NOT NULL
	);
	CREATE TABLE outbox (
		id              INTEGER PRIMARY KEY AUTOINCREMENT,
		kind            TEXT NOT NULL CHECK (kind IN ('case', 'evaluation')),
		ref             TEXT NOT NULL,
		created_at      INTEGER NOT NULL,
		attempts        INTEGER NOT NULL DEFAULT 0,
		next_attempt_at INTEGER NOT NULL DEFAULT 0,
		last_error      TEXT NOT NULL DEFAULT '',
		parked          INTEGER NOT NULL DEFAULT 0,
		UNIQUE (kind, ref)
	);`,
	`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE INDEX cases_synced ON cases(synced_at);`,
	`ALTER TABLE cases ADD COLUMN applicant_key TEXT NOT NULL DEFAULT '';
	CREATE INDEX cases_applicant ON cases(applicant_key) WHERE applicant_key != '';`,
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	var have int
	err := s.db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&have)
	if err == sql.ErrNoRows {
		if _, err := s.db.ExecContext(ctx, `INSERT INTO schema_version VALUES (0)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if have > len(migrations) {
		return fmt.Errorf("migrate: store schema %d is newer than this program (%d); install the newer release", have, len(migrations))
	}
	for v := have; v < len(migrations); v++ {
		err := s.tx(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, v+1)
			return err
		})
		if err != nil {
			return fmt.Errorf("migrate to schema %d: %w", v+1, err)
		}
	}
	return nil
}

// checkSchema refuses a store whose schema is not the one this program
// writes, for read-only opens that cannot migrate.
func (s *Store) checkSchema(ctx context.Context) error {
	var have int
	if err := s.db.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&have); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if have != len(migrations) {
		return fmt.Errorf("store schema %d, this program needs %d; open it read-write once to migrate", have, len(migrations))
	}
	return nil
}
