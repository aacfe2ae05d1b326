package hall

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// PostgresStore is the Store for several stateless hall instances sharing
// one PostgreSQL database.
//
// Rules, each kept by the code named:
//
//   - Every write is one transaction committed with the server's
//     synchronous_commit (on by default), so it is on the server's disk
//     before the method returns (write). PostgreSQL commits concurrent
//     transactions with one WAL flush; ingest goes further and applies the
//     batches that queued as one statement and one commit (ApplyCases,
//     postgres_group.go), as the SQLite store groups its writes.
//   - A terminal's status cursors are taken under the lock of its row
//     (lockTerminal, SELECT … FOR UPDATE) and committed before the lock is
//     released, so they become visible in order (see Store.StatusUpdates).
//   - Schema changes run under an advisory lock (pgMigrate).
//   - A write started is finished even if its request is cancelled: the
//     terminal's retry then gets "duplicate" rather than a half-known state.
type PostgresStore struct {
	pool *pgxpool.Pool
	name string // the URL without its password, for logs

	mu     sync.RWMutex // writes hold it shared; Close exclusively
	closed bool

	// The group commit of ApplyCases (postgres_group.go).
	applyOps       chan *pgApplyOp
	committersDone chan struct{}
	stats          struct{ groups, batches atomic.Int64 }
}

var (
	_ Store      = (*PostgresStore)(nil)
	_ AdminStore = (*PostgresStore)(nil)
)

// writeTimeout bounds one write transaction: a server that does not answer
// becomes ErrUnavailable (the terminal retries) instead of a hung request.
const writeTimeout = 30 * time.Second

// OpenPostgres connects to the database at url (postgres://…), creating or
// migrating the schema. The pool holds 32 connections unless the URL says
// otherwise (pool_max_conns=N): ingest's committers use two (with the
// look-ups of why a case was not applied), and heartbeats, console
// requests and other writes are many short transactions that wait mostly
// on the WAL flush, where more of them in flight share each flush.
// A search_path=SCHEMA parameter in the URL puts the hall's tables in that
// schema, which must exist.
func OpenPostgres(ctx context.Context, rawURL string) (*PostgresStore, error) {
	name := redactURL(rawURL)
	cfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		// pgx's parse errors quote the URL, password included.
		return nil, fmt.Errorf("hall store %s: not a valid PostgreSQL URL (postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE)", name)
	}
	if !strings.Contains(rawURL, "pool_max_conns") {
		cfg.MaxConns = 32
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open hall store %s: %w", name, pgClassify(err))
	}
	if err := pgMigrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open hall store %s: %w", name, pgClassify(err))
	}
	s := &PostgresStore{pool: pool, name: name}
	s.startCommitters()
	return s, nil
}

// redactURL hides a password in a connection URL.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}

func (s *PostgresStore) String() string { return "PostgresStore{" + s.name + "}" }

// Ping checks the server answers.
func (s *PostgresStore) Ping(ctx context.Context) error {
	return s.read(func() error { return s.pool.Ping(ctx) })
}

// Close waits for the writes in progress, then closes the pool. Later
// calls return ErrClosed.
func (s *PostgresStore) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.closed = true
		s.stopCommitters()
		s.pool.Close()
	}
	return nil
}

// write runs fn in a transaction and commits it; see writeStatement.
func (s *PostgresStore) write(ctx context.Context, fn func(ctx context.Context, tx pgx.Tx) error) error {
	return s.writeStatement(ctx, func(ctx context.Context) error {
		return pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error { return fn(ctx, tx) })
	})
}

// writeStatement runs fn, a write that commits on its own (a transaction,
// or one statement, which PostgreSQL commits as one), and returns after
// it committed. fn may be run again (a deadlock or serialization failure
// is retried), so it must set its results afresh each time.
func (s *PostgresStore) writeStatement(ctx context.Context, fn func(ctx context.Context) error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), writeTimeout)
	defer cancel()
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = fn(ctx); !retryable(err) {
			break
		}
	}
	return pgClassify(err)
}

// read runs a query function, mapping closed-store and connection errors.
func (s *PostgresStore) read(fn func() error) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	return pgClassify(fn())
}

// pgList runs a read-only query and scans each row with scan; no rows is a
// nil slice, as the SQLite store answers.
func pgList[T any](ctx context.Context, s *PostgresStore, query string, scan func(pgx.Row) (T, error), args ...any) ([]T, error) {
	var out []T
	err := s.read(func() error {
		rows, err := s.pool.Query(ctx, query, args...)
		if err != nil {
			return err
		}
		out, err = pgx.AppendRows(out, rows, func(r pgx.CollectableRow) (T, error) { return scan(r) })
		return err
	})
	return out, err
}

// retryable: PostgreSQL gave up the transaction to resolve a conflict
// with another (deadlock, serialization failure); running it again is
// what the server asks for.
func retryable(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && (pe.Code == "40001" || pe.Code == "40P01")
}

// pgClassify maps server and connection failures to ErrUnavailable, keeping
// the original for the log. Domain errors pass through.
func pgClassify(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) || errors.Is(err, ErrClosed) {
		return err
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "53100":
			return fmt.Errorf("%w: database disk full: %v", ErrUnavailable, err)
		case pe.Code == "25006":
			return fmt.Errorf("%w: database is read-only (a standby?): %v", ErrUnavailable, err)
		case strings.HasPrefix(pe.Code, "53"), // insufficient resources
			strings.HasPrefix(pe.Code, "57P"), // shutting down, cannot connect now
			strings.HasPrefix(pe.Code, "58"),  // I/O error
			strings.HasPrefix(pe.Code, "08"),  // connection exception
			pe.Code == "40001", pe.Code == "40P01", pe.Code == "55P03":
			return fmt.Errorf("%w: %v", ErrUnavailable, err)
		}
		return err
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err), errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return err
}
