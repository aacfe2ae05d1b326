package hall

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Identity returns the public keys stored at Init.
func (s *SQLiteStore) Identity(ctx context.Context) (Identity, error) {
	var id Identity
	err := s.rdb.QueryRowContext(ctx, `SELECT
		(SELECT value FROM meta WHERE key = 'catalog_key'),
		(SELECT value FROM meta WHERE key = 'seal_key')`).Scan(&id.CatalogKey, &id.SealKey)
	if err != nil {
		return Identity{}, classify(err)
	}
	if id.CatalogKey == nil || id.SealKey == nil {
		return Identity{}, ErrNotInitialized
	}
	return id, nil
}

// Init stores the identity and the first catalogue if the store is empty;
// see Store.
func (s *SQLiteStore) Init(ctx context.Context, id Identity, first CatalogVersion) (Identity, error) {
	var stored Identity
	err := s.write(func(tx *wtx) error {
		stored = Identity{}
		err := tx.queryRow(`SELECT
			(SELECT value FROM meta WHERE key = 'catalog_key'),
			(SELECT value FROM meta WHERE key = 'seal_key')`).Scan(&stored.CatalogKey, &stored.SealKey)
		if err != nil {
			return err
		}
		if stored.CatalogKey != nil && stored.SealKey != nil {
			return nil
		}
		stored = id
		if _, err := tx.exec(`INSERT INTO meta (key, value) VALUES ('catalog_key', ?), ('seal_key', ?)`,
			id.CatalogKey, id.SealKey); err != nil {
			return err
		}
		return tx.putCatalog(first)
	})
	if err != nil {
		return Identity{}, err
	}
	return stored, nil
}

// PutCatalog stores a new immutable version; see Store.
func (s *SQLiteStore) PutCatalog(ctx context.Context, v CatalogVersion) error {
	return s.write(func(tx *wtx) error { return tx.putCatalog(v) })
}

func (tx *wtx) putCatalog(v CatalogVersion) error {
	res, err := tx.exec(`INSERT INTO catalog_versions (version, doc, sha256, signature, published_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`, v.Version, v.Doc, v.SHA256, v.Signature, ms(v.PublishedAt))
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("catalogue version %d: %w", v.Version, ErrVersionExists)
	}
	for _, code := range v.ItemCodes {
		if _, err := tx.exec(`INSERT INTO catalog_items (code, version) VALUES (?, ?)`, code, v.Version); err != nil {
			return fmt.Errorf("catalogue version %d item %s: %w", v.Version, code, err)
		}
	}
	return nil
}

const catalogColumns = `version, doc, sha256, signature, published_at`

func scanCatalog(row *sql.Row) (CatalogVersion, error) {
	var v CatalogVersion
	var published int64
	if err := row.Scan(&v.Version, &v.Doc, &v.SHA256, &v.Signature, &published); err != nil {
		return CatalogVersion{}, err
	}
	v.PublishedAt = fromMS(published)
	return v, nil
}

// LatestCatalog returns the newest version without its document.
func (s *SQLiteStore) LatestCatalog(ctx context.Context) (CatalogVersion, error) {
	v, err := scanCatalog(s.rdb.QueryRowContext(ctx, `SELECT version, NULL, sha256, signature, published_at
		FROM catalog_versions ORDER BY version DESC LIMIT 1`))
	if errors.Is(err, sql.ErrNoRows) {
		return CatalogVersion{}, fmt.Errorf("no catalogue published: %w", ErrNotFound)
	}
	return v, classify(err)
}

// Catalog returns one version.
func (s *SQLiteStore) Catalog(ctx context.Context, version int64) (CatalogVersion, error) {
	v, err := scanCatalog(s.rdb.QueryRowContext(ctx, `SELECT `+catalogColumns+` FROM catalog_versions WHERE version = ?`, version))
	if errors.Is(err, sql.ErrNoRows) {
		return CatalogVersion{}, fmt.Errorf("catalogue version %d: %w", version, ErrNotFound)
	}
	return v, classify(err)
}

// ItemKnown reports whether any published version has the item.
func (s *SQLiteStore) ItemKnown(ctx context.Context, code string) (bool, error) {
	var one int
	err := s.rdb.QueryRowContext(ctx, `SELECT 1 FROM catalog_items WHERE code = ? LIMIT 1`, code).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, classify(err)
}
