package hall

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// SQLiteStore is the embedded Store: one SQLite file in WAL mode.
//
// Durability rules, each kept by the code named:
//
//   - synchronous=FULL (OpenSQLite): a commit returns after the WAL is
//     fsynced, and the handlers answer a terminal only after the commit
//     returned, so an acknowledged case survives a power cut. NORMAL would be
//     faster and could lose the last acknowledged batches; the terminal would
//     then have deleted cases the hall no longer has.
//   - One writer goroutine (commitLoop) owns the only write connection and
//     commits the writes of concurrent requests together (group commit): one
//     fsync serves many batches, and no request is answered before the
//     fsync of the transaction that holds its writes. Writers queue in Go
//     instead of in SQLite's busy handler, whose sleeps would set the p99.
//   - A group that fails is retried one write at a time (commitGroup), so a
//     write that fails cannot fail the writes that happened to share its
//     transaction.
//   - Reads use a separate pool (query_only): in WAL mode they see the last
//     commit and never wait for the writer.
type SQLiteStore struct {
	path  string
	wdb   *sql.DB // one connection, used only by commitLoop
	rdb   *sql.DB
	stmts writeStmts

	mu       sync.Mutex // guards closed and sending on ops
	closed   bool
	ops      chan *writeOp
	loopDone chan struct{}
	stats    struct{ groups, writes atomic.Int64 } // for BenchmarkIngest
}

var _ Store = (*SQLiteStore)(nil)

// SQLiteOptions configure a SQLite store.
type SQLiteOptions struct {
	// MaxPageCount caps the database file (in 4 KiB pages); 0 is no cap.
	// Used to test the full-disk path without a full disk.
	MaxPageCount int
	// MaxGroup is the most writes committed in one transaction; 0 is 256.
	MaxGroup int
}

// OpenSQLite opens (creating if needed) the SQLite store at path and
// migrates its schema.
func OpenSQLite(path string, opts SQLiteOptions) (*SQLiteStore, error) {
	if opts.MaxGroup <= 0 {
		opts.MaxGroup = 256
	}
	dsn := func(write bool) string {
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(10000)")
		if write {
			q.Add("_pragma", "journal_mode(WAL)")
			q.Add("_pragma", "synchronous(FULL)")
			q.Add("_pragma", "foreign_keys(1)")
			// 64 MiB of page cache: each case touches an index page per
			// terminal (numbers and sequences are per terminal), and with
			// SQLite's default 2 MiB those pages were read back from the OS
			// at every insert.
			q.Add("_pragma", "cache_size(-65536)")
			if opts.MaxPageCount > 0 {
				q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", opts.MaxPageCount))
			}
			// IMMEDIATE takes the write lock at BEGIN: another process (hall
			// admin) writing at the same time waits at BEGIN instead of
			// failing at its first write.
			q.Set("_txlock", "immediate")
		} else {
			q.Add("_pragma", "query_only(1)")
		}
		return "file:" + path + "?" + q.Encode()
	}
	wdb, err := sql.Open("sqlite", dsn(true))
	if err != nil {
		return nil, fmt.Errorf("open hall store %s: %w", path, err)
	}
	wdb.SetMaxOpenConns(1)
	wdb.SetConnMaxIdleTime(0)
	if err := migrate(context.Background(), wdb); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open hall store %s: %w", path, classify(err))
	}
	rdb, err := sql.Open("sqlite", dsn(false))
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open hall store %s: %w", path, err)
	}
	rdb.SetMaxOpenConns(4)
	rdb.SetMaxIdleConns(4)
	s := &SQLiteStore{
		path:     path,
		wdb:      wdb,
		rdb:      rdb,
		ops:      make(chan *writeOp, opts.MaxGroup),
		loopDone: make(chan struct{}),
	}
	if err := s.stmts.prepare(wdb); err != nil {
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("open hall store %s: %w", path, classify(err))
	}
	go s.commitLoop(opts.MaxGroup)
	return s, nil
}

func (s *SQLiteStore) String() string { return "SQLiteStore{" + s.path + "}" }

// Ping checks both pools answer.
func (s *SQLiteStore) Ping(ctx context.Context) error {
	var one int
	if err := s.rdb.QueryRowContext(ctx, `SELECT 1`).Scan(&one); err != nil {
		return classify(err)
	}
	return nil
}

// Close lets queued writes finish, then closes the database. Writes that
// arrive later return ErrClosed.
func (s *SQLiteStore) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.ops)
	s.mu.Unlock()
	<-s.loopDone
	s.stmts.close()
	return errors.Join(s.rdb.Close(), s.wdb.Close())
}

// writeOp is one write waiting for the committer.
type writeOp struct {
	fn   func(*wtx) error
	done chan error
}

// write runs fn in the committer's transaction and returns after that
// transaction is durable, or with the error that rolled it back. fn may run
// more than once (see commitGroup), so it must set its results afresh each
// time, not append to them. A request context cancelled while the write is
// queued does not stop it: the terminal will send the batch again and get
// "duplicate" for what was applied.
func (s *SQLiteStore) write(fn func(*wtx) error) error {
	op := &writeOp{fn: fn, done: make(chan error, 1)}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	// The committer drains ops until Close closes it, which needs mu, so
	// this send finishes even when the buffer is full.
	s.ops <- op
	s.mu.Unlock()
	return <-op.done
}

func (s *SQLiteStore) commitLoop(maxGroup int) {
	defer close(s.loopDone)
	group := make([]*writeOp, 0, maxGroup)
	one := func(*writeOp) int { return 1 }
	for op := range s.ops {
		s.commitGroup(gather(s.ops, append(group[:0], op), one, maxGroup))
	}
}

// gather adds to group what is already waiting on ch, without waiting for
// more, until the group weighs limit: the writes that queued while the
// last commit was on disk go into the next one together.
func gather[T any](ch <-chan T, group []T, weight func(T) int, limit int) []T {
	w := 0
	for _, op := range group {
		w += weight(op)
	}
	for w < limit {
		select {
		case op, ok := <-ch:
			if !ok {
				return group
			}
			group = append(group, op)
			w += weight(op)
		default:
			return group
		}
	}
	return group
}

// commitGroup commits the group's writes in one transaction. If any write
// fails, the transaction rolls back and each write is run again in a
// transaction of its own, so only the failing write reports the error.
func (s *SQLiteStore) commitGroup(group []*writeOp) {
	s.stats.groups.Add(1)
	s.stats.writes.Add(int64(len(group)))
	err := s.runTx(func(tx *wtx) error {
		for _, op := range group {
			if err := op.fn(tx); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil || len(group) == 1 {
		for _, op := range group {
			op.done <- err
		}
		return
	}
	for _, op := range group {
		op.done <- s.runTx(op.fn)
	}
}

func (s *SQLiteStore) runTx(fn func(*wtx) error) error {
	ctx := context.Background()
	tx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	w := &wtx{Tx: tx, ctx: ctx, prepared: map[*sql.Stmt]*sql.Stmt{}}
	if err := fn(w); err != nil {
		tx.Rollback()
		return classify(err)
	}
	return classify(tx.Commit())
}

// wtx is the committer's transaction, with the store's prepared statements
// bound to it on first use.
type wtx struct {
	*sql.Tx
	ctx      context.Context
	prepared map[*sql.Stmt]*sql.Stmt
}

func (w *wtx) stmt(st *sql.Stmt) *sql.Stmt {
	if t, ok := w.prepared[st]; ok {
		return t
	}
	t := w.Tx.StmtContext(w.ctx, st)
	w.prepared[st] = t
	return t
}

func (w *wtx) exec(query string, args ...any) (sql.Result, error) {
	return w.Tx.ExecContext(w.ctx, query, args...)
}

func (w *wtx) queryRow(query string, args ...any) *sql.Row {
	return w.Tx.QueryRowContext(w.ctx, query, args...)
}

// classify maps SQLite result codes to the store's error kinds, keeping the
// original for the log. Domain errors pass through.
func classify(err error) error {
	var se *sqlite.Error
	if err == nil || !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%w: disk full: %v", ErrUnavailable, err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return fmt.Errorf("%w: read-only: %v", ErrUnavailable, err)
	case sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY:
		return fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// nullMS is a nullable millisecond time column.
func fromNullMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMS(v.Int64)
}
