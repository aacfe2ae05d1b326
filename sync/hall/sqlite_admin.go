package hall

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

var _ AdminStore = (*SQLiteStore)(nil)

// PutAdmin creates or resets an admin; see AdminStore.
func (s *SQLiteStore) PutAdmin(ctx context.Context, a Admin) error {
	return s.write(func(tx *wtx) error {
		if _, err := tx.exec(`INSERT INTO admins (name, password_hash, created_at) VALUES (?, ?, ?)
			ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash, failures = 0, locked_until = NULL`,
			a.Name, a.PasswordHash, ms(a.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.exec(`DELETE FROM admin_sessions WHERE admin = ?`, a.Name)
		return err
	})
}

const adminColumns = `name, password_hash, created_at, failures, locked_until`

func scanAdmin(sc interface{ Scan(...any) error }) (Admin, error) {
	var a Admin
	var created int64
	var locked sql.NullInt64
	if err := sc.Scan(&a.Name, &a.PasswordHash, &created, &a.Failures, &locked); err != nil {
		return Admin{}, err
	}
	a.CreatedAt, a.LockedUntil = fromMS(created), fromNullMS(locked)
	return a, nil
}

// Admin returns one admin; see AdminStore.
func (s *SQLiteStore) Admin(ctx context.Context, name string) (Admin, error) {
	a, err := scanAdmin(s.rdb.QueryRowContext(ctx, `SELECT `+adminColumns+` FROM admins WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return Admin{}, fmt.Errorf("admin %q: %w", name, ErrNotFound)
	}
	return a, classify(err)
}

// Admins lists the admins by name.
func (s *SQLiteStore) Admins(ctx context.Context) ([]Admin, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+adminColumns+` FROM admins ORDER BY name`)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []Admin
	for rows.Next() {
		a, err := scanAdmin(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, a)
	}
	return out, classify(rows.Err())
}

// RecordLogin counts a login attempt in the committer's transaction, which
// makes the read-modify-write atomic; see AdminStore.
func (s *SQLiteStore) RecordLogin(ctx context.Context, name string, ok bool, at time.Time, lockAfter int, lockFor time.Duration) (Admin, error) {
	var a Admin
	err := s.write(func(tx *wtx) error {
		var err error
		if ok {
			_, err = tx.exec(`UPDATE admins SET failures = 0, locked_until = NULL WHERE name = ?`, name)
		} else {
			_, err = tx.exec(`UPDATE admins SET failures = failures + 1,
				locked_until = CASE WHEN failures + 1 >= ? THEN ? ELSE locked_until END WHERE name = ?`,
				lockAfter, ms(at.Add(lockFor)), name)
		}
		if err != nil {
			return err
		}
		a, err = scanAdmin(tx.queryRow(`SELECT `+adminColumns+` FROM admins WHERE name = ?`, name))
		if errors.Is(err, sql.ErrNoRows) {
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
func (s *SQLiteStore) CreateSession(ctx context.Context, sess AdminSession) error {
	return s.write(func(tx *wtx) error {
		if _, err := tx.exec(`DELETE FROM admin_sessions WHERE expires_at <= ?`, ms(sess.CreatedAt)); err != nil {
			return err
		}
		_, err := tx.exec(`INSERT INTO admin_sessions (hash, admin, created_at, expires_at, csrf) VALUES (?, ?, ?, ?, ?)`,
			sess.Hash[:], sess.Admin, ms(sess.CreatedAt), ms(sess.ExpiresAt), sess.CSRF)
		return err
	})
}

// Session returns an unexpired session; see AdminStore.
func (s *SQLiteStore) Session(ctx context.Context, h Hash, at time.Time) (AdminSession, error) {
	sess := AdminSession{Hash: h}
	var created, expires int64
	err := s.rdb.QueryRowContext(ctx, `SELECT admin, created_at, expires_at, csrf FROM admin_sessions
		WHERE hash = ? AND expires_at > ?`, h[:], ms(at)).Scan(&sess.Admin, &created, &expires, &sess.CSRF)
	if errors.Is(err, sql.ErrNoRows) {
		return AdminSession{}, fmt.Errorf("console session: %w", ErrNotFound)
	}
	if err != nil {
		return AdminSession{}, classify(err)
	}
	sess.CreatedAt, sess.ExpiresAt = fromMS(created), fromMS(expires)
	return sess, nil
}

// DeleteSession ends a session; see AdminStore.
func (s *SQLiteStore) DeleteSession(ctx context.Context, h Hash) error {
	return s.write(func(tx *wtx) error {
		_, err := tx.exec(`DELETE FROM admin_sessions WHERE hash = ?`, h[:])
		return err
	})
}

// EvaluationStats counts evaluations by item and by terminal; see
// AdminStore.
func (s *SQLiteStore) EvaluationStats(ctx context.Context) (EvaluationStats, error) {
	var st EvaluationStats
	var err error
	if st.ByItem, err = s.evaluationCounts(ctx, `SELECT c.item_code, e.level, count(*)
		FROM evaluations e JOIN cases c ON c.id = e.case_id GROUP BY 1, 2 ORDER BY 1, 2`); err != nil {
		return EvaluationStats{}, err
	}
	if st.ByTerminal, err = s.evaluationCounts(ctx, `SELECT terminal_id, level, count(*)
		FROM evaluations GROUP BY 1, 2 ORDER BY 1, 2`); err != nil {
		return EvaluationStats{}, err
	}
	return st, nil
}

// evaluationCounts folds rows of (key, level, count), ordered by key, into
// one EvaluationCount per key.
func (s *SQLiteStore) evaluationCounts(ctx context.Context, query string) ([]EvaluationCount, error) {
	rows, err := s.rdb.QueryContext(ctx, query)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []EvaluationCount
	for rows.Next() {
		var key string
		var level int
		var n int64
		if err := rows.Scan(&key, &level, &n); err != nil {
			return nil, classify(err)
		}
		if level < 1 || level > 5 {
			return nil, fmt.Errorf("evaluation stats: stored level %d of %s is out of range", level, key)
		}
		if len(out) == 0 || out[len(out)-1].Key != key {
			out = append(out, EvaluationCount{Key: key})
		}
		out[len(out)-1].Levels[level-1] = n
	}
	return out, classify(rows.Err())
}

// CatalogVersions lists published versions, newest first; see AdminStore.
func (s *SQLiteStore) CatalogVersions(ctx context.Context, limit int) ([]CatalogSummary, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT v.version, v.sha256, v.published_at, length(v.doc),
		(SELECT count(*) FROM catalog_items i WHERE i.version = v.version)
		FROM catalog_versions v ORDER BY v.version DESC LIMIT ?`, limit)
	if err != nil {
		return nil, classify(err)
	}
	defer rows.Close()
	var out []CatalogSummary
	for rows.Next() {
		var c CatalogSummary
		var published int64
		if err := rows.Scan(&c.Version, &c.SHA256, &published, &c.Bytes, &c.Items); err != nil {
			return nil, classify(err)
		}
		c.PublishedAt = fromMS(published)
		out = append(out, c)
	}
	return out, classify(rows.Err())
}
