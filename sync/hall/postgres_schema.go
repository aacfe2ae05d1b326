package hall

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// postgresMigrations are applied in order and never edited once released,
// like sqliteMigrations, whose tables they mirror. Times are Unix
// milliseconds as in the SQLite store, so both round times the same way
// and the hall behaves the same on either.
//
// cases and case_events, the tables ingest writes, have no foreign keys:
// PostgreSQL checks each with a query per inserted row, 40 per batch of 20.
// hall_apply_cases, the only writer of cases, inserts them only for the
// terminal whose row it holds locked, and events only for the rids it
// just inserted (SetStatus: a rid it just read).
//
// cases keeps rows of up to 8 KB inline (toast_tuple_target) and never
// tries to compress the sealed part (STORAGE EXTERNAL): sealed boxes are
// random bytes, so compressing them only burns CPU, and moving a typical
// 2 KB case to the TOAST table would cost a second heap and index insert
// per case.
var postgresMigrations = []string{
	`CREATE TABLE meta (
		key   text PRIMARY KEY,
		value bytea NOT NULL
	);
	CREATE TABLE enrolment_codes (
		code_hash   bytea PRIMARY KEY,
		created_at  bigint NOT NULL,
		expires_at  bigint NOT NULL,
		used_at     bigint,
		terminal_id text
	);
	CREATE TABLE terminals (
		id              text PRIMARY KEY,
		seq             bigint NOT NULL UNIQUE,
		name            text NOT NULL,
		token_hash      bytea NOT NULL UNIQUE,
		enrolled_at     bigint NOT NULL,
		last_seen       bigint,
		app_version     text NOT NULL DEFAULT '',
		catalog_version bigint NOT NULL DEFAULT 0,
		outbox_pending  bigint NOT NULL DEFAULT 0,
		outbox_parked   bigint NOT NULL DEFAULT 0,
		devices         text NOT NULL DEFAULT '[]',
		clock           text NOT NULL DEFAULT '',
		clock_offset_ms bigint NOT NULL DEFAULT 0,
		-- The last status cursor given out; taken and raised under the row
		-- lock (SELECT … FOR UPDATE), see Store.StatusUpdates.
		status_cursor   bigint NOT NULL DEFAULT 0
	);
	CREATE TABLE cases (
		rid             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		id              text NOT NULL UNIQUE,
		terminal_id     text NOT NULL,
		terminal_seq    bigint NOT NULL,
		number          text NOT NULL UNIQUE,
		item_code       text NOT NULL,
		catalog_version bigint NOT NULL,
		submitted_at    bigint NOT NULL,
		received_at     bigint NOT NULL,
		status          text NOT NULL,
		status_at       bigint NOT NULL,
		sealed          bytea NOT NULL,
		UNIQUE (terminal_id, terminal_seq)
	) WITH (toast_tuple_target = 8160);
	ALTER TABLE cases ALTER COLUMN sealed SET STORAGE EXTERNAL;
	-- An event is known by its terminal's cursor, which orders a case's
	-- timeline too: no id column, and one index fewer to write per case.
	CREATE TABLE case_events (
		terminal_id text NOT NULL,
		cursor      bigint NOT NULL,
		case_rid    bigint NOT NULL,
		status      text NOT NULL,
		at          bigint NOT NULL,
		note        text NOT NULL DEFAULT '',
		PRIMARY KEY (terminal_id, cursor)
	);
	CREATE INDEX case_events_case ON case_events(case_rid);
	CREATE TABLE evaluations (
		case_id     text PRIMARY KEY REFERENCES cases(id),
		terminal_id text NOT NULL,
		level       int NOT NULL CHECK (level BETWEEN 1 AND 5),
		reasons     text NOT NULL,
		comment     text NOT NULL,
		at          bigint NOT NULL,
		received_at bigint NOT NULL
	);
	CREATE TABLE catalog_versions (
		version      bigint PRIMARY KEY,
		doc          bytea NOT NULL,
		sha256       text NOT NULL,
		signature    bytea NOT NULL,
		published_at bigint NOT NULL
	);
	CREATE TABLE catalog_items (
		code    text NOT NULL,
		version bigint NOT NULL REFERENCES catalog_versions(version),
		PRIMARY KEY (code, version)
	);
	CREATE TABLE commands (
		rid         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, -- queue order
		id          text NOT NULL UNIQUE,
		terminal_id text NOT NULL REFERENCES terminals(id),
		kind        text NOT NULL,
		args        text NOT NULL,
		created_at  bigint NOT NULL,
		acked_at    bigint
	);
	CREATE INDEX commands_pending ON commands(terminal_id) WHERE acked_at IS NULL;
	CREATE TABLE admins (
		name          text PRIMARY KEY,
		password_hash text NOT NULL,
		created_at    bigint NOT NULL,
		failures      int NOT NULL DEFAULT 0,
		locked_until  bigint
	);
	CREATE TABLE admin_sessions (
		hash       bytea PRIMARY KEY,
		admin      text NOT NULL REFERENCES admins(name),
		created_at bigint NOT NULL,
		expires_at bigint NOT NULL,
		csrf       text NOT NULL
	);
	CREATE INDEX admin_sessions_admin ON admin_sessions(admin);
	CREATE INDEX admin_sessions_expiry ON admin_sessions(expires_at);

	-- hall_apply_cases is the ingest of one batch as a single statement, so
	-- a batch costs one round trip and one implicit transaction: lock the
	-- terminal's row (its status cursor), insert the cases that clash with
	-- nothing stored, give each a received event with the next cursors in
	-- the batch's order, and raise the cursor. It returns the cases it
	-- inserted; the caller asks why the others were not. The batch must not
	-- repeat a key within itself (the caller checks), or one case could
	-- stand for two.
	CREATE FUNCTION hall_apply_cases(p_terminal text, p_at bigint, p_status text,
		p_ids text[], p_seqs bigint[], p_numbers text[], p_items text[],
		p_versions bigint[], p_submitted bigint[], p_sealed bytea[])
	RETURNS TABLE (case_id text, case_rid bigint) LANGUAGE plpgsql AS $fn$
	DECLARE
		v_cursor bigint;
		v_applied bigint;
	BEGIN
		SELECT status_cursor INTO v_cursor FROM terminals WHERE id = p_terminal FOR UPDATE;
		IF NOT FOUND THEN
			RAISE EXCEPTION 'terminal % not found', p_terminal USING ERRCODE = 'no_data_found';
		END IF;
		RETURN QUERY
		WITH ins AS (
			INSERT INTO cases (id, terminal_id, terminal_seq, number, item_code, catalog_version,
				submitted_at, received_at, status, status_at, sealed)
			SELECT x.id, p_terminal, x.seq, x.number, x.item, x.version, x.submitted, p_at, p_status, p_at, x.sealed
			FROM unnest(p_ids, p_seqs, p_numbers, p_items, p_versions, p_submitted, p_sealed)
				AS x(id, seq, number, item, version, submitted, sealed)
			ON CONFLICT DO NOTHING
			RETURNING cases.id, cases.rid
		), numbered AS (
			SELECT ins.id, ins.rid, v_cursor + row_number() OVER (ORDER BY o.ord) AS cursor
			FROM ins JOIN unnest(p_ids) WITH ORDINALITY AS o(id, ord) ON o.id = ins.id
		), ev AS (
			INSERT INTO case_events (case_rid, terminal_id, cursor, status, at, note)
			SELECT numbered.rid, p_terminal, numbered.cursor, p_status, p_at, '' FROM numbered
		)
		SELECT numbered.id, numbered.rid FROM numbered;
		GET DIAGNOSTICS v_applied = ROW_COUNT;
		IF v_applied > 0 THEN
			UPDATE terminals SET status_cursor = v_cursor + v_applied WHERE id = p_terminal;
		END IF;
	END
	$fn$;`,

	// Log bundles terminals upload (LogStore), as in SQLite's third step.
	// The bundles are gzip already: PostgreSQL need not try to compress them.
	`CREATE TABLE log_bundles (
		rid         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
		id          text NOT NULL UNIQUE,
		terminal_id text NOT NULL REFERENCES terminals(id),
		command_id  text NOT NULL DEFAULT '',
		received_at bigint NOT NULL,
		bytes       bigint NOT NULL,
		sha256      text NOT NULL,
		files       int NOT NULL,
		data        bytea NOT NULL
	);
	ALTER TABLE log_bundles ALTER COLUMN data SET STORAGE EXTERNAL;
	CREATE INDEX log_bundles_terminal ON log_bundles(terminal_id, rid);`,

	// Command results, as in SQLite's fourth step.
	`ALTER TABLE commands ADD COLUMN result text NOT NULL DEFAULT '';
	CREATE INDEX commands_terminal ON commands(terminal_id, rid);`,

	// hall_apply_group is hall_apply_cases for the batches of several
	// terminals at once, the group commit of PostgresStore.ApplyCases
	// (postgres_group.go): one statement and one commit for every batch
	// that arrived while the previous groups were committing. Every
	// transaction and every commit costs PostgreSQL CPU (the commit record,
	// the WAL write and flush, waking the waiters) and the hall a round trip;
	// shared by a group of about 20 batches, PostgreSQL spent about a quarter
	// less CPU per case in BenchmarkIngestPostgres.
	//
	// p_ats and p_terminals give each case's time of receipt and terminal. The terminals' rows are
	// locked first, in id order, so two groups sharing terminals wait for
	// each other rather than deadlock; then the cases that clash with
	// nothing stored go in, each applied case gets the next cursor of its
	// terminal in the order of the arrays, and each terminal's cursor is
	// raised to its last. A terminal that does not exist fails the whole
	// group (no_data_found); the caller then applies the batches one by
	// one. The group must not repeat an id, a (terminal, seq) or a number
	// (the caller checks), or one case could stand for two.
	`CREATE FUNCTION hall_apply_group(p_status text, p_ats bigint[], p_terminals text[],
		p_ids text[], p_seqs bigint[], p_numbers text[], p_items text[],
		p_versions bigint[], p_submitted bigint[], p_sealed bytea[])
	RETURNS TABLE (applied_id text) LANGUAGE plpgsql AS $fn$
	DECLARE
		v_terms text[];
		v_cursors bigint[];
		v_want int;
	BEGIN
		SELECT count(DISTINCT t) INTO v_want FROM unnest(p_terminals) AS t;
		SELECT array_agg(l.id), array_agg(l.status_cursor) INTO v_terms, v_cursors
		FROM (SELECT id, status_cursor FROM terminals WHERE id = ANY(p_terminals) ORDER BY id FOR UPDATE) AS l;
		IF coalesce(cardinality(v_terms), 0) <> v_want THEN
			RAISE EXCEPTION 'terminal not found' USING ERRCODE = 'no_data_found';
		END IF;
		RETURN QUERY
		WITH ins AS (
			INSERT INTO cases (id, terminal_id, terminal_seq, number, item_code, catalog_version,
				submitted_at, received_at, status, status_at, sealed)
			SELECT x.id, x.term, x.seq, x.number, x.item, x.version, x.submitted, x.at, p_status, x.at, x.sealed
			FROM unnest(p_ats, p_terminals, p_ids, p_seqs, p_numbers, p_items, p_versions, p_submitted, p_sealed)
				AS x(at, term, id, seq, number, item, version, submitted, sealed)
			ON CONFLICT DO NOTHING
			RETURNING cases.id, cases.rid, cases.terminal_id, cases.received_at
		), numbered AS (
			SELECT ins.id, ins.rid, ins.terminal_id, ins.received_at,
				c.last + row_number() OVER (PARTITION BY ins.terminal_id ORDER BY o.ord) AS cursor
			FROM ins
			JOIN unnest(p_ids) WITH ORDINALITY AS o(id, ord) ON o.id = ins.id
			JOIN unnest(v_terms, v_cursors) AS c(term, last) ON c.term = ins.terminal_id
		), ev AS (
			INSERT INTO case_events (case_rid, terminal_id, cursor, status, at, note)
			SELECT numbered.rid, numbered.terminal_id, numbered.cursor, p_status, numbered.received_at, '' FROM numbered
		), raised AS (
			UPDATE terminals SET status_cursor = m.cursor
			FROM (SELECT numbered.terminal_id, max(numbered.cursor) AS cursor FROM numbered GROUP BY numbered.terminal_id) AS m
			WHERE terminals.id = m.terminal_id
		)
		SELECT numbered.id FROM numbered;
	END
	$fn$;`,
}

// Advisory lock keys (the first of pg_advisory_xact_lock's two int4 keys;
// the second is a hash of the schema, so halls in different schemas of one
// database do not wait for each other).
const (
	pgLockMigrate = 0x676b0001 // "gk" 1
	pgLockEnrol   = 0x676b0002
)

// pgMigrate brings the schema up to date in one transaction under an
// advisory lock: several hall instances starting at once on a new database
// apply each step exactly once, and the others wait and then find the
// schema current. CREATE TABLE IF NOT EXISTS alone is not enough: two
// sessions creating one table at once fail on the catalogue's unique index.
//
// A schema that is already current is found without the lock and without
// DDL, so instances restarting do not queue behind each other, and a
// read-only standby can still be opened (its writes are ErrUnavailable).
func pgMigrate(ctx context.Context, pool *pgxpool.Pool) error {
	var have int
	if pool.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&have) == nil && have == len(postgresMigrations) {
		return nil
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, pgLockMigrate); err != nil {
			return fmt.Errorf("migrate: lock: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version int NOT NULL)`); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		var have int
		err := tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&have)
		if err == pgx.ErrNoRows {
			_, err = tx.Exec(ctx, `INSERT INTO schema_version VALUES (0)`)
		}
		if err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
		if have > len(postgresMigrations) {
			return fmt.Errorf("migrate: hall store schema %d is newer than this program (%d); install the newer release", have, len(postgresMigrations))
		}
		for v := have; v < len(postgresMigrations); v++ {
			if _, err := tx.Exec(ctx, postgresMigrations[v]); err != nil {
				return fmt.Errorf("migrate to %d: %w", v+1, err)
			}
		}
		if have < len(postgresMigrations) {
			if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, len(postgresMigrations)); err != nil {
				return fmt.Errorf("migrate to %d: %w", len(postgresMigrations), err)
			}
		}
		return nil
	})
}
