// Package hall is the hall server: it enrols terminals, receives their cases
// and evaluations, publishes signed catalogue versions, records heartbeats
// and sends back status updates and remote commands. The API is a contract
// with terminals in the field, described in sync/openapi.yaml.
//
// Security and durability rules, each kept by the code named:
//
//   - A terminal's cases are acknowledged only after the store made them
//     durable (handleCases → Store.ApplyCases).
//   - A case whose sealed part does not open with the hall's seal key, or
//     opens to anything but a JSON object, is rejected (validateCase): the
//     hall never holds a case it cannot read. The hall keeps the sealed
//     bytes, not the plaintext, so a copy of its database reveals no
//     citizen's data without the key file.
//   - The hall stores only SHA-256 hashes of bearer tokens and enrolment
//     codes.
//   - Catalogue versions are signed over the exact bytes served and never
//     change once stored (Publish, Store.PutCatalog).
//   - Keys are created only for an empty store, and a store refuses key
//     files that are not the ones it was initialised with (Open).
package hall

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"govkiosk/assets"
	"govkiosk/kiosk"
)

// Config configures a hall. The zero value of a field means its default
// (DefaultConfig).
type Config struct {
	// DB is the store: a SQLite file path, or a postgres://… URL (which
	// needs KeysDir).
	DB string
	// Store, if set, is used instead of opening DB; the Server closes it.
	Store Store
	// KeysDir holds the key files; empty: beside DB (see KeyPaths).
	KeysDir string
	// FirstCatalog is published as version 1 by a new hall.
	FirstCatalog []byte

	Clock  kiosk.Clock
	Rand   io.Reader
	Logger *slog.Logger

	// MaxBodyBytes caps a request body; larger ones get 413.
	MaxBodyBytes int64
	// MaxBatch caps the cases or evaluations in one request.
	MaxBatch int
	// MaxStatusUpdates caps the status updates in one heartbeat reply; the
	// terminal gets the rest with its next heartbeat.
	MaxStatusUpdates int
	// CodeTTL is how long an enrolment code stays valid.
	CodeTTL time.Duration
	// OnlineWindow: a terminal whose last heartbeat is more recent is online.
	OnlineWindow time.Duration
}

// DefaultConfig returns the defaults; DB is left empty.
func DefaultConfig() Config {
	return Config{
		FirstCatalog:     assets.SampleCatalog,
		Clock:            kiosk.SystemClock{},
		Rand:             rand.Reader,
		Logger:           slog.Default(),
		MaxBodyBytes:     4 << 20,
		MaxBatch:         1000,
		MaxStatusUpdates: 500,
		CodeTTL:          7 * 24 * time.Hour,
		OnlineWindow:     3 * time.Minute,
	}
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.FirstCatalog == nil {
		c.FirstCatalog = d.FirstCatalog
	}
	if c.Clock == nil {
		c.Clock = d.Clock
	}
	if c.Rand == nil {
		c.Rand = d.Rand
	}
	if c.Logger == nil {
		c.Logger = d.Logger
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = d.MaxBodyBytes
	}
	if c.MaxBatch <= 0 {
		c.MaxBatch = d.MaxBatch
	}
	if c.MaxStatusUpdates <= 0 {
		c.MaxStatusUpdates = d.MaxStatusUpdates
	}
	if c.CodeTTL <= 0 {
		c.CodeTTL = d.CodeTTL
	}
	if c.OnlineWindow <= 0 {
		c.OnlineWindow = d.OnlineWindow
	}
	return c
}

// Server is a running hall: its store, keys and HTTP API. It is safe for
// concurrent use.
type Server struct {
	cfg     Config
	store   Store
	keys    *secretKeys
	opener  *opener
	log     *slog.Logger
	handler http.Handler
	metrics *metrics
	routes  []string // registered patterns, for the OpenAPI check

	items         sync.Map      // item code → true, once seen in the store
	latestVersion atomic.Int64  // newest catalogue version seen
	closing       atomic.Bool   // Close was called: store errors are 503
	cpu           chan struct{} // slots for CPU-heavy request work; see checkBatch
	gzipped       gzipCache     // compressed catalogue documents, by version
	tokens        *tokenCache   // bearer token → terminal, for tokenTTL
}

// OpenStore opens the store a --db value names: a SQLite file path, or a
// PostgreSQL URL.
func OpenStore(ctx context.Context, db string) (Store, error) {
	switch {
	case db == "":
		return nil, errors.New("hall: no database given; pass a SQLite file, e.g. --db /var/lib/govkiosk/hall.db, or a PostgreSQL URL, e.g. --db postgres://hall@db.example/hall")
	case IsPostgresURL(db):
		return OpenPostgres(ctx, db)
	}
	return OpenSQLite(db, SQLiteOptions{})
}

// IsPostgresURL reports whether a --db value names a PostgreSQL database
// rather than a SQLite file.
func IsPostgresURL(db string) bool {
	return strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://")
}

// Open opens the store, loads the keys and returns a hall ready to serve.
// On an empty store it first makes the keys (if their files do not exist)
// and publishes cfg.FirstCatalog as catalogue version 1.
func Open(ctx context.Context, cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if IsPostgresURL(cfg.DB) && cfg.KeysDir == "" {
		// There is no database file to keep the keys beside, and every
		// instance on the database needs the same two files.
		return nil, errors.New("hall: a PostgreSQL --db needs --keys-dir, the directory of the key files hall.signing.key and hall.seal.key (made there on first start; copy them to every hall instance on this database)")
	}
	st := cfg.Store
	if st == nil {
		var err error
		if st, err = OpenStore(ctx, cfg.DB); err != nil {
			return nil, err
		}
	} else if cfg.KeysDir == "" && cfg.DB == "" {
		return nil, errors.New("hall: a Config with a Store needs KeysDir or DB to find the key files")
	}
	s := &Server{cfg: cfg, store: st, log: cfg.Logger, cpu: make(chan struct{}, runtime.GOMAXPROCS(0)),
		tokens: newTokenCache(cfg.Clock)}
	if err := s.init(ctx); err != nil {
		st.Close()
		return nil, err
	}
	s.metrics = newMetrics(s)
	s.handler = s.routesHandler()
	return s, nil
}

func (s *Server) init(ctx context.Context) error {
	signingPath, sealPath := KeyPaths(s.cfg.DB, s.cfg.KeysDir)
	stored, err := s.store.Identity(ctx)
	switch {
	case errors.Is(err, ErrNotInitialized):
		if s.keys, err = loadOrCreateKeys(signingPath, sealPath, s.cfg.Rand); err != nil {
			return fmt.Errorf("hall: %w", err)
		}
		first, err := s.prepareCatalog(s.cfg.FirstCatalog, 1)
		if err != nil {
			return fmt.Errorf("hall: first catalogue: %w", err)
		}
		if stored, err = s.store.Init(ctx, s.keys.Identity(), first); err != nil {
			return fmt.Errorf("hall: initialise store: %w", err)
		}
		s.log.Info("hall initialised", "store", s.store, "signing_key", signingPath, "seal_key", sealPath, "catalog_version", 1)
	case err != nil:
		return fmt.Errorf("hall: read store identity: %w", err)
	default:
		if s.keys, err = loadKeys(signingPath, sealPath); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("hall: the store is initialised but a key file is missing (%w); restore the key files from backup or pass --keys-dir; new keys would orphan every enrolled terminal", err)
			}
			return fmt.Errorf("hall: %w", err)
		}
	}
	if s.opener, err = newOpener(s.keys); err != nil {
		return fmt.Errorf("hall: %w", err)
	}
	have := s.keys.Identity()
	if !bytes.Equal(have.CatalogKey, stored.CatalogKey) || !bytes.Equal(have.SealKey, stored.SealKey) {
		return fmt.Errorf("hall: key files %s and %s are not the keys this store was initialised with; wrong --keys-dir?", signingPath, sealPath)
	}
	for _, p := range []string{signingPath, sealPath} {
		if keyFileTooOpen(p) {
			s.log.Warn("key file is readable by other users; chmod 600 it", "file", p)
		}
	}
	return nil
}

// Close closes the store after the writes in progress finish. Close the HTTP
// server first (http.Server.Shutdown) so no request is cut off mid-write;
// requests that still arrive get 503.
func (s *Server) Close() error {
	s.closing.Store(true)
	return s.store.Close()
}

// Handler is the HTTP API, /metrics and /healthz.
func (s *Server) Handler() http.Handler { return s.handler }

// Store is the hall's store, for admin tools.
func (s *Server) Store() Store { return s.store }

// Identity is the hall's public keys, as terminals receive them at
// enrolment.
func (s *Server) Identity() Identity { return s.keys.Identity() }

// SealKey is the public key terminals seal cases to.
func (s *Server) SealKey() *[32]byte { k := s.keys.SealPublic; return &k }
