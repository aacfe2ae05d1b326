package hall

import (
	"context"
	"database/sql"
	"fmt"
)

// sqliteMigrations are applied in order, each in its own transaction, and
// never edited once released: a hall in the field may be at any of them.
// Times are Unix milliseconds.
//
// Ingest writes a case row, its received event and their index entries in
// one group commit; every page an insert touches is written to the WAL at
// commit. Indexes whose keys arrive in random order (a case id from a
// foreign client, say) touch a page each, so only the indexes lookups need
// exist, and events refer to cases by their ascending rid.
var sqliteMigrations = []string{
	`CREATE TABLE meta (
		key   TEXT PRIMARY KEY,
		value BLOB NOT NULL
	);
	CREATE TABLE enrolment_codes (
		code_hash   BLOB PRIMARY KEY,
		created_at  INTEGER NOT NULL,
		expires_at  INTEGER NOT NULL,
		used_at     INTEGER,
		terminal_id TEXT
	);
	CREATE TABLE terminals (
		id              TEXT PRIMARY KEY,
		seq             INTEGER NOT NULL UNIQUE,
		name            TEXT NOT NULL,
		token_hash      BLOB NOT NULL UNIQUE,
		enrolled_at     INTEGER NOT NULL,
		last_seen       INTEGER,
		app_version     TEXT NOT NULL DEFAULT '',
		catalog_version INTEGER NOT NULL DEFAULT 0,
		outbox_pending  INTEGER NOT NULL DEFAULT 0,
		outbox_parked   INTEGER NOT NULL DEFAULT 0,
		devices         TEXT NOT NULL DEFAULT '[]',
		clock           TEXT NOT NULL DEFAULT '',
		clock_offset_ms INTEGER NOT NULL DEFAULT 0,
		status_cursor   INTEGER NOT NULL DEFAULT 0
	);
	CREATE TABLE cases (
		rid             INTEGER PRIMARY KEY, -- arrival order; events refer to it
		id              TEXT NOT NULL UNIQUE,
		terminal_id     TEXT NOT NULL REFERENCES terminals(id),
		terminal_seq    INTEGER NOT NULL,
		number          TEXT NOT NULL UNIQUE,
		item_code       TEXT NOT NULL,
		catalog_version INTEGER NOT NULL,
		submitted_at    INTEGER NOT NULL,
		received_at     INTEGER NOT NULL,
		status          TEXT NOT NULL,
		status_at       INTEGER NOT NULL,
		sealed          BLOB NOT NULL,
		UNIQUE (terminal_id, terminal_seq)
	);
	CREATE TABLE case_events (
		id          INTEGER PRIMARY KEY,
		case_rid    INTEGER NOT NULL REFERENCES cases(rid),
		terminal_id TEXT NOT NULL,
		cursor      INTEGER NOT NULL,
		status      TEXT NOT NULL,
		at          INTEGER NOT NULL,
		note        TEXT NOT NULL DEFAULT '',
		UNIQUE (terminal_id, cursor)
	);
	-- Both indexes grow at their right edge (rids ascend), so ingest does
	-- not scatter page writes over the file.
	CREATE INDEX case_events_case ON case_events(case_rid);
	CREATE TABLE evaluations (
		case_id     TEXT PRIMARY KEY REFERENCES cases(id),
		terminal_id TEXT NOT NULL,
		level       INTEGER NOT NULL CHECK (level BETWEEN 1 AND 5),
		reasons     TEXT NOT NULL,
		comment     TEXT NOT NULL,
		at          INTEGER NOT NULL,
		received_at INTEGER NOT NULL
	);
	CREATE TABLE catalog_versions (
		version      INTEGER PRIMARY KEY,
		doc          BLOB NOT NULL,
		sha256       TEXT NOT NULL,
		signature    BLOB NOT NULL,
		published_at INTEGER NOT NULL
	);
	CREATE TABLE catalog_items (
		code    TEXT NOT NULL,
		version INTEGER NOT NULL REFERENCES catalog_versions(version),
		PRIMARY KEY (code, version)
	) WITHOUT ROWID;
	CREATE TABLE commands (
		id          TEXT PRIMARY KEY,
		terminal_id TEXT NOT NULL REFERENCES terminals(id),
		kind        TEXT NOT NULL,
		args        TEXT NOT NULL,
		created_at  INTEGER NOT NULL,
		acked_at    INTEGER
	);
	CREATE INDEX commands_pending ON commands(terminal_id) WHERE acked_at IS NULL;`,

	// The web console: admins and their sessions (see AdminStore). A
	// session row holds only the SHA-256 of its cookie.
	`CREATE TABLE admins (
		name          TEXT PRIMARY KEY,
		password_hash TEXT NOT NULL,
		created_at    INTEGER NOT NULL,
		failures      INTEGER NOT NULL DEFAULT 0,
		locked_until  INTEGER
	);
	CREATE TABLE admin_sessions (
		hash       BLOB PRIMARY KEY,
		admin      TEXT NOT NULL REFERENCES admins(name),
		created_at INTEGER NOT NULL,
		expires_at INTEGER NOT NULL,
		csrf       TEXT NOT NULL
	);
	CREATE INDEX admin_sessions_admin ON admin_sessions(admin);
	CREATE INDEX admin_sessions_expiry ON admin_sessions(expires_at);`,

	// Log bundles terminals upload (LogStore); rid orders them, so the
	// newest per terminal are kept without trusting any clock.
	`CREATE TABLE log_bundles (
		rid         INTEGER PRIMARY KEY,
		id          TEXT NOT NULL UNIQUE,
		terminal_id TEXT NOT NULL REFERENCES terminals(id),
		command_id  TEXT NOT NULL DEFAULT '',
		received_at INTEGER NOT NULL,
		bytes       INTEGER NOT NULL,
		sha256      TEXT NOT NULL,
		files       INTEGER NOT NULL,
		data        BLOB NOT NULL
	);
	CREATE INDEX log_bundles_terminal ON log_bundles(terminal_id, rid);`,

	// What a terminal reports of each command it carried out; '' for those
	// acknowledged before results existed, or by a terminal too old to send
	// them. The index (rowid implied) lists a terminal's newest commands.
	`ALTER TABLE commands ADD COLUMN result TEXT NOT NULL DEFAULT '';
	CREATE INDEX commands_terminal ON commands(terminal_id);`,
}

// migrate brings the schema up to date. Each step reads the version inside
// its own (immediate) transaction, so a hall and a "hall admin" starting on a
// new file at the same moment do not both apply a step.
func migrate(ctx context.Context, db *sql.DB) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for {
		done, err := migrateStep(ctx, db)
		if err != nil || done {
			return err
		}
	}
}

func migrateStep(ctx context.Context, db *sql.DB) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	var have int
	err = tx.QueryRowContext(ctx, `SELECT version FROM schema_version`).Scan(&have)
	if err == sql.ErrNoRows {
		_, err = tx.ExecContext(ctx, `INSERT INTO schema_version VALUES (0)`)
	}
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	if have > len(sqliteMigrations) {
		return false, fmt.Errorf("migrate: hall store schema %d is newer than this program (%d); install the newer release", have, len(sqliteMigrations))
	}
	if have == len(sqliteMigrations) {
		return true, tx.Commit()
	}
	if _, err := tx.ExecContext(ctx, sqliteMigrations[have]); err != nil {
		return false, fmt.Errorf("migrate to %d: %w", have+1, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE schema_version SET version = ?`, have+1); err != nil {
		return false, fmt.Errorf("migrate to %d: %w", have+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate to %d: %w", have+1, err)
	}
	return false, nil
}
