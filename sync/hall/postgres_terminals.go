package hall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Identity returns the public keys stored at Init.
func (s *PostgresStore) Identity(ctx context.Context) (Identity, error) {
	var id Identity
	err := s.read(func() error { return pgIdentity(ctx, s.pool, &id) })
	if err != nil {
		return Identity{}, err
	}
	if id.CatalogKey == nil || id.SealKey == nil {
		return Identity{}, ErrNotInitialized
	}
	return id, nil
}

func pgIdentity(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, id *Identity) error {
	return q.QueryRow(ctx, `SELECT
		(SELECT value FROM meta WHERE key = 'catalog_key'),
		(SELECT value FROM meta WHERE key = 'seal_key')`).Scan(&id.CatalogKey, &id.SealKey)
}

// Init stores the identity and the first catalogue if the store is empty;
// see Store. Of several instances starting at once on an empty database,
// the first to insert the keys publishes; the others wait on its rows
// (ON CONFLICT), then read and return what it stored.
func (s *PostgresStore) Init(ctx context.Context, id Identity, first CatalogVersion) (Identity, error) {
	var stored Identity
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ('catalog_key', $1), ('seal_key', $2)
			ON CONFLICT DO NOTHING`, id.CatalogKey, id.SealKey)
		if err != nil {
			return err
		}
		switch tag.RowsAffected() {
		case 2:
			stored = id
			return pgPutCatalog(ctx, tx, first)
		case 0:
			stored = Identity{}
			return pgIdentity(ctx, tx, &stored)
		}
		return errors.New("hall store has one of its two public keys only; it was changed by hand")
	})
	if err != nil {
		return Identity{}, err
	}
	return stored, nil
}

// CreateCode stores a one-time enrolment code.
func (s *PostgresStore) CreateCode(ctx context.Context, c EnrolmentCode) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO enrolment_codes (code_hash, created_at, expires_at) VALUES ($1, $2, $3)`,
			c.Hash[:], ms(c.CreatedAt), ms(c.ExpiresAt))
		return err
	})
}

// Enroll consumes a code and registers a terminal; see Store. The UPDATE
// of the code row is the atomic consumption: a second enrolment with the
// code waits for the first to commit and then finds it used. Terminal
// numbers are handed out under an advisory lock so that they stay dense
// when instances enrol different terminals at once.
func (s *PostgresStore) Enroll(ctx context.Context, codeHash Hash, name string, tokenHash Hash, at time.Time) (Terminal, error) {
	var t Terminal
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE enrolment_codes SET used_at = $1
			WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1`, ms(at), codeHash[:])
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrCodeInvalid
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, hashtext(current_schema()))`, pgLockEnrol); err != nil {
			return err
		}
		var seq int64
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM terminals`).Scan(&seq); err != nil {
			return err
		}
		t = Terminal{ID: TerminalID(seq), Name: name, EnrolledAt: at}
		_, err = tx.Exec(ctx, `WITH c AS (UPDATE enrolment_codes SET terminal_id = $1 WHERE code_hash = $5)
			INSERT INTO terminals (id, seq, name, token_hash, enrolled_at) VALUES ($1, $2, $3, $4, $6)`,
			t.ID, seq, name, tokenHash[:], codeHash[:], ms(at))
		return err
	})
	if err != nil {
		return Terminal{}, err
	}
	return t, nil
}

func pgScanTerminal(row pgx.Row) (Terminal, error) {
	var t Terminal
	var enrolled, offset int64
	var lastSeen *int64
	var devices string
	err := row.Scan(&t.ID, &t.Name, &enrolled, &lastSeen, &t.AppVersion, &t.CatalogVersion,
		&t.OutboxPending, &t.OutboxParked, &devices, &t.Clock, &offset)
	if err != nil {
		return t, err
	}
	t.EnrolledAt = fromMS(enrolled)
	if lastSeen != nil {
		t.LastSeen = fromMS(*lastSeen)
	}
	t.At = t.LastSeen
	t.ClockOffset = time.Duration(offset) * time.Millisecond
	if err := json.Unmarshal([]byte(devices), &t.Devices); err != nil {
		return t, fmt.Errorf("terminal %s: stored devices: %w", t.ID, err)
	}
	return t, nil
}

// TerminalByToken finds the terminal a bearer token belongs to.
func (s *PostgresStore) TerminalByToken(ctx context.Context, tokenHash Hash) (Terminal, error) {
	var t Terminal
	err := s.read(func() error {
		var err error
		t, err = pgScanTerminal(s.pool.QueryRow(ctx, `SELECT `+terminalColumns+` FROM terminals WHERE token_hash = $1`, tokenHash[:]))
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		return err
	})
	if err != nil {
		return Terminal{}, err
	}
	return t, nil
}

// Terminals lists every terminal in enrolment order.
func (s *PostgresStore) Terminals(ctx context.Context) ([]Terminal, error) {
	return pgList(ctx, s, `SELECT `+terminalColumns+` FROM terminals ORDER BY seq`, pgScanTerminal)
}

// RecordHeartbeat stores a terminal's reported state; see Store.
func (s *PostgresStore) RecordHeartbeat(ctx context.Context, terminalID string, hb HeartbeatRecord, acks []CommandAck) ([]Command, error) {
	devices, err := json.Marshal(hb.Devices)
	if err != nil {
		return nil, err
	}
	if hb.Devices == nil {
		devices = []byte("[]")
	}
	ids, results := make([]string, len(acks)), make([]string, len(acks))
	for i, a := range acks {
		ids[i], results[i] = a.ID, a.Result
	}
	var acked []Command
	err = s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		acked = nil
		tag, err := tx.Exec(ctx, `UPDATE terminals SET last_seen = $1, app_version = $2, catalog_version = $3,
			outbox_pending = $4, outbox_parked = $5, devices = $6, clock = $7, clock_offset_ms = $8 WHERE id = $9`,
			ms(hb.At), hb.AppVersion, hb.CatalogVersion, hb.OutboxPending, hb.OutboxParked,
			string(devices), hb.Clock, hb.ClockOffset.Milliseconds(), terminalID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("terminal %s: %w", terminalID, ErrNotFound)
		}
		if len(acks) == 0 {
			return nil
		}
		// One statement for all acks. An id repeated in acks would update
		// its row with either result, so the caller sends each id once.
		rows, err := tx.Query(ctx, `WITH a AS (
				SELECT * FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS a(id, result, ord)
			), u AS (
				UPDATE commands c SET acked_at = $1, result = a.result FROM a
				WHERE c.terminal_id = $2 AND c.id = a.id AND c.acked_at IS NULL
				RETURNING c.id, c.kind, c.args, c.created_at, c.result, a.ord
			)
			SELECT id, kind, args, created_at, result FROM u ORDER BY ord`, ms(hb.At), terminalID, ids, results)
		if err != nil {
			return err
		}
		c := Command{TerminalID: terminalID, AckedAt: fromMS(ms(hb.At))}
		var args string
		var created int64
		_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.Kind, &args, &created, &c.Result}, func() error {
			c.Args, c.CreatedAt = json.RawMessage(args), fromMS(created)
			acked = append(acked, c)
			return nil
		})
		return err
	})
	if err != nil {
		return nil, err
	}
	return acked, nil
}

// QueueCommand stores a remote command; see Store.
func (s *PostgresStore) QueueCommand(ctx context.Context, c Command) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO commands (id, terminal_id, kind, args, created_at)
			SELECT $1, id, $3, $4, $5 FROM terminals WHERE id = $2`,
			c.ID, c.TerminalID, c.Kind, string(c.Args), ms(c.CreatedAt))
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return fmt.Errorf("terminal %s: %w", c.TerminalID, ErrNotFound)
		}
		return nil
	})
}

// PendingCommands returns the terminal's unacknowledged commands in queue
// order.
func (s *PostgresStore) PendingCommands(ctx context.Context, terminalID string) ([]Command, error) {
	return s.commands(ctx, `WHERE terminal_id = $1 AND acked_at IS NULL ORDER BY rid`, terminalID)
}

// RecentCommands returns the terminal's newest commands; see Store.
func (s *PostgresStore) RecentCommands(ctx context.Context, terminalID string, limit int) ([]Command, error) {
	return s.commands(ctx, `WHERE terminal_id = $1 ORDER BY rid DESC LIMIT $2`, terminalID, limit)
}

func (s *PostgresStore) commands(ctx context.Context, where string, args ...any) ([]Command, error) {
	var out []Command
	err := s.read(func() error {
		rows, err := s.pool.Query(ctx, `SELECT id, terminal_id, kind, args, created_at, acked_at, result
			FROM commands `+where, args...)
		if err != nil {
			return err
		}
		var c Command
		var cargs string
		var created int64
		var acked *int64
		_, err = pgx.ForEachRow(rows, []any{&c.ID, &c.TerminalID, &c.Kind, &cargs, &created, &acked, &c.Result}, func() error {
			c.Args, c.CreatedAt, c.AckedAt = json.RawMessage(cargs), fromMS(created), time.Time{}
			if acked != nil {
				c.AckedAt = fromMS(*acked)
			}
			out = append(out, c)
			return nil
		})
		return err
	})
	return out, err
}

// PutCatalog stores a new immutable version; see Store.
func (s *PostgresStore) PutCatalog(ctx context.Context, v CatalogVersion) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error { return pgPutCatalog(ctx, tx, v) })
}

// pgPutCatalog inserts the version and its item codes, the codes in one
// statement: a 10,000-item catalogue would otherwise take as many round
// trips.
func pgPutCatalog(ctx context.Context, tx pgx.Tx, v CatalogVersion) error {
	tag, err := tx.Exec(ctx, `INSERT INTO catalog_versions (version, doc, sha256, signature, published_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, v.Version, v.Doc, v.SHA256, v.Signature, ms(v.PublishedAt))
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("catalogue version %d: %w", v.Version, ErrVersionExists)
	}
	if len(v.ItemCodes) > 0 {
		if _, err := tx.Exec(ctx, `INSERT INTO catalog_items (code, version) SELECT unnest($1::text[]), $2`,
			v.ItemCodes, v.Version); err != nil {
			return fmt.Errorf("catalogue version %d items: %w", v.Version, err)
		}
	}
	return nil
}

func pgScanCatalog(row pgx.Row) (CatalogVersion, error) {
	var v CatalogVersion
	var published int64
	if err := row.Scan(&v.Version, &v.Doc, &v.SHA256, &v.Signature, &published); err != nil {
		return CatalogVersion{}, err
	}
	v.PublishedAt = fromMS(published)
	return v, nil
}

// LatestCatalog returns the newest version without its document.
func (s *PostgresStore) LatestCatalog(ctx context.Context) (CatalogVersion, error) {
	var v CatalogVersion
	err := s.read(func() error {
		var err error
		v, err = pgScanCatalog(s.pool.QueryRow(ctx, `SELECT version, NULL::bytea, sha256, signature, published_at
			FROM catalog_versions ORDER BY version DESC LIMIT 1`))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("no catalogue published: %w", ErrNotFound)
		}
		return err
	})
	return v, err
}

// Catalog returns one version with its document.
func (s *PostgresStore) Catalog(ctx context.Context, version int64) (CatalogVersion, error) {
	var v CatalogVersion
	err := s.read(func() error {
		var err error
		v, err = pgScanCatalog(s.pool.QueryRow(ctx, `SELECT `+catalogColumns+` FROM catalog_versions WHERE version = $1`, version))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("catalogue version %d: %w", version, ErrNotFound)
		}
		return err
	})
	return v, err
}

// ItemKnown reports whether any published version has the item.
func (s *PostgresStore) ItemKnown(ctx context.Context, code string) (bool, error) {
	var ok bool
	err := s.read(func() error {
		return s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM catalog_items WHERE code = $1)`, code).Scan(&ok)
	})
	return ok, err
}
