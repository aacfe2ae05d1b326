package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"govkiosk/kiosk"
)

// InstalledCatalog is an installed catalogue version.
type InstalledCatalog struct {
	Version int64
	SHA256  string
	State   string // active or previous
}

// InstallCatalog validates doc (the exact bytes the hall signed; the caller
// has verified the signature) and makes it the active catalogue. The version
// must be newer than the active one. In one transaction the new version
// becomes active, the old active becomes previous, and anything older is
// dropped; a crash at any point leaves one whole version active.
func (s *Store) InstallCatalog(ctx context.Context, doc []byte) (*kiosk.Catalog, error) {
	cat, err := kiosk.ParseCatalog(doc)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(doc)
	snap, err := cat.MarshalSnapshot()
	if err != nil {
		return nil, fmt.Errorf("install catalog v%d: %w", cat.Version, err)
	}
	err = s.tx(ctx, func(tx *sql.Tx) error {
		var active sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT max(version) FROM catalog_versions WHERE state = 'active'`).Scan(&active); err != nil {
			return err
		}
		if active.Valid && cat.Version <= active.Int64 {
			return fmt.Errorf("%w: offered %d, installed %d", ErrCatalogNotNewer, cat.Version, active.Int64)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM catalog_versions WHERE state = 'previous'`); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE catalog_versions SET state = 'previous' WHERE state = 'active'`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO catalog_versions (version, sha256, state, installed_at, doc, snapshot)
			VALUES (?, ?, 'active', ?, ?, ?)`, cat.Version, hex.EncodeToString(sum[:]), ms(s.clock.Now()), doc, snap)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("install catalog v%d: %w", cat.Version, err)
	}
	return cat, nil
}

// ActiveCatalog loads the active catalogue, or ErrNotFound before the first
// install. It decodes the snapshot made at install; a snapshot of another
// format (after an upgrade) is rebuilt from the signed document.
func (s *Store) ActiveCatalog(ctx context.Context) (*kiosk.Catalog, error) {
	var version int64
	var snap []byte
	err := s.db.QueryRowContext(ctx, `SELECT version, snapshot FROM catalog_versions WHERE state = 'active'`).Scan(&version, &snap)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("load catalog: %w", ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load catalog: %w", err)
	}
	if cat, err := kiosk.UnmarshalSnapshot(snap); err == nil {
		return cat, nil
	}
	var doc []byte
	if err := s.db.QueryRowContext(ctx, `SELECT doc FROM catalog_versions WHERE version = ?`, version).Scan(&doc); err != nil {
		return nil, fmt.Errorf("load catalog v%d: %w", version, err)
	}
	cat, err := kiosk.ParseCatalog(doc)
	if err != nil {
		return nil, fmt.Errorf("load catalog v%d: stored version no longer parses: %w", version, err)
	}
	if snap, err := cat.MarshalSnapshot(); err == nil {
		// Best effort: a failure here only costs the next start-up a re-parse.
		_, _ = s.db.ExecContext(ctx, `UPDATE catalog_versions SET snapshot = ? WHERE version = ?`, snap, version)
	}
	return cat, nil
}

// RollbackCatalog makes the previous version active again (a technician's
// remedy for a bad push) and drops the version it replaces.
func (s *Store) RollbackCatalog(ctx context.Context) error {
	return s.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM catalog_versions WHERE state = 'previous'`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("rollback catalog: %w: no previous version", ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM catalog_versions WHERE state = 'active'`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE catalog_versions SET state = 'active' WHERE state = 'previous'`)
		return err
	})
}

// Catalogs lists the installed versions, newest first.
func (s *Store) Catalogs(ctx context.Context) ([]InstalledCatalog, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT version, sha256, state FROM catalog_versions ORDER BY version DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []InstalledCatalog
	for rows.Next() {
		var c InstalledCatalog
		if err := rows.Scan(&c.Version, &c.SHA256, &c.State); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
