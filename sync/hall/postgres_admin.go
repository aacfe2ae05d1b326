package hall

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// PutAdmin creates or resets an admin and ends its sessions; see
// AdminStore.
func (s *PostgresStore) PutAdmin(ctx context.Context, a Admin) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO admins (name, password_hash, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, failures = 0, locked_until = NULL`,
			a.Name, a.PasswordHash, ms(a.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM admin_sessions WHERE admin = $1`, a.Name)
		return err
	})
}

func pgScanAdmin(row pgx.Row) (Admin, error) {
	var a Admin
	var created int64
	var locked *int64
	if err := row.Scan(&a.Name, &a.PasswordHash, &created, &a.Failures, &locked); err != nil {
		return Admin{}, err
	}
	a.CreatedAt = fromMS(created)
	if locked != nil {
		a.LockedUntil = fromMS(*locked)
	}
	return a, nil
}

// Admin returns one admin; see AdminStore.
func (s *PostgresStore) Admin(ctx context.Context, name string) (Admin, error) {
	var a Admin
	err := s.read(func() error {
		var err error
		a, err = pgScanAdmin(s.pool.QueryRow(ctx, `SELECT `+adminColumns+` FROM admins WHERE name = $1`, name))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("admin %q: %w", name, ErrNotFound)
		}
		return err
	})
	return a, err
}

// Admins lists the admins by name, in byte order as SQLite sorts them.
func (s *PostgresStore) Admins(ctx context.Context) ([]Admin, error) {
	return pgList(ctx, s, `SELECT `+adminColumns+` FROM admins ORDER BY name COLLATE "C"`, pgScanAdmin)
}

// RecordLogin counts a login attempt in one UPDATE, which is atomic under
// the row lock it takes: two instances counting failures at once count
// both; see AdminStore.
func (s *PostgresStore) RecordLogin(ctx context.Context, name string, ok bool, at time.Time, lockAfter int, lockFor time.Duration) (Admin, error) {
	var a Admin
	err := s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		var err error
		a, err = pgScanAdmin(tx.QueryRow(ctx, `UPDATE admins SET
				failures = CASE WHEN $2 THEN 0 ELSE failures + 1 END,
				locked_until = CASE WHEN $2 THEN NULL WHEN failures + 1 >= $3 THEN $4 ELSE locked_until END
			WHERE name = $1 RETURNING `+adminColumns,
			name, ok, lockAfter, ms(at.Add(lockFor))))
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("admin %q: %w", name, ErrNotFound)
		}
		return err
	})
	if err != nil {
		return Admin{}, err
	}
	return a, nil
}

// CreateSession stores a session and prunes expired ones; see AdminStore.
func (s *PostgresStore) CreateSession(ctx context.Context, sess AdminSession) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM admin_sessions WHERE expires_at <= $1`, ms(sess.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO admin_sessions (hash, admin, created_at, expires_at, csrf) VALUES ($1, $2, $3, $4, $5)`,
			sess.Hash[:], sess.Admin, ms(sess.CreatedAt), ms(sess.ExpiresAt), sess.CSRF)
		return err
	})
}

// Session returns an unexpired session; see AdminStore.
func (s *PostgresStore) Session(ctx context.Context, h Hash, at time.Time) (AdminSession, error) {
	sess := AdminSession{Hash: h}
	err := s.read(func() error {
		var created, expires int64
		err := s.pool.QueryRow(ctx, `SELECT admin, created_at, expires_at, csrf FROM admin_sessions
			WHERE hash = $1 AND expires_at > $2`, h[:], ms(at)).Scan(&sess.Admin, &created, &expires, &sess.CSRF)
		if errors.Is(err, pgx.ErrNoRows) {
			return fmt.Errorf("console session: %w", ErrNotFound)
		}
		sess.CreatedAt, sess.ExpiresAt = fromMS(created), fromMS(expires)
		return err
	})
	if err != nil {
		return AdminSession{}, err
	}
	return sess, nil
}

// DeleteSession ends a session; see AdminStore.
func (s *PostgresStore) DeleteSession(ctx context.Context, h Hash) error {
	return s.write(ctx, func(ctx context.Context, tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM admin_sessions WHERE hash = $1`, h[:])
		return err
	})
}

// EvaluationStats counts evaluations by item and by terminal; see
// AdminStore.
func (s *PostgresStore) EvaluationStats(ctx context.Context) (EvaluationStats, error) {
	var st EvaluationStats
	var err error
	if st.ByItem, err = s.evaluationCounts(ctx, `SELECT c.item_code, e.level, count(*)
		FROM evaluations e JOIN cases c ON c.id = e.case_id GROUP BY 1, 2 ORDER BY c.item_code COLLATE "C", e.level`); err != nil {
		return EvaluationStats{}, err
	}
	if st.ByTerminal, err = s.evaluationCounts(ctx, `SELECT terminal_id, level, count(*)
		FROM evaluations GROUP BY 1, 2 ORDER BY terminal_id COLLATE "C", level`); err != nil {
		return EvaluationStats{}, err
	}
	return st, nil
}

// evaluationCounts folds rows of (key, level, count), ordered by key, into
// one EvaluationCount per key. Keys are ordered by byte value (COLLATE
// "C"), as SQLite orders them, whatever the database's collation.
func (s *PostgresStore) evaluationCounts(ctx context.Context, query string) ([]EvaluationCount, error) {
	var out []EvaluationCount
	err := s.read(func() error {
		rows, err := s.pool.Query(ctx, query)
		if err != nil {
			return err
		}
		var key string
		var level int
		var n int64
		_, err = pgx.ForEachRow(rows, []any{&key, &level, &n}, func() error {
			if level < 1 || level > 5 {
				return fmt.Errorf("evaluation stats: stored level %d of %s is out of range", level, key)
			}
			if len(out) == 0 || out[len(out)-1].Key != key {
				out = append(out, EvaluationCount{Key: key})
			}
			out[len(out)-1].Levels[level-1] = n
			return nil
		})
		return err
	})
	return out, err
}

// CatalogVersions lists published versions, newest first; see AdminStore.
func (s *PostgresStore) CatalogVersions(ctx context.Context, limit int) ([]CatalogSummary, error) {
	var out []CatalogSummary
	err := s.read(func() error {
		rows, err := s.pool.Query(ctx, `SELECT v.version, v.sha256, v.published_at, length(v.doc),
			(SELECT count(*) FROM catalog_items i WHERE i.version = v.version)
			FROM catalog_versions v ORDER BY v.version DESC LIMIT $1`, limit)
		if err != nil {
			return err
		}
		var c CatalogSummary
		var published int64
		_, err = pgx.ForEachRow(rows, []any{&c.Version, &c.SHA256, &published, &c.Bytes, &c.Items}, func() error {
			c.PublishedAt = fromMS(published)
			out = append(out, c)
			return nil
		})
		return err
	})
	return out, err
}
