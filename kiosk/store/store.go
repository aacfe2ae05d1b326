// Package store is the terminal's local SQLite store: the installed
// catalogue versions, submitted cases with their outbox, evaluations and
// the per-terminal case sequence.
//
// Durability rules, each kept by the code named:
//
//   - WAL with synchronous=FULL (Open): a case is shown or printed to the
//     citizen only after its transaction is fsynced, so a power cut after the
//     receipt leaves the case on disk. synchronous=NORMAL in WAL mode can lose
//     the last commits on power loss; the saving is not worth a lost case.
//   - One transaction writes a case, its timeline and its outbox entry
//     (SubmitCase): there is never a case that sync does not know about, nor
//     an outbox entry without its case.
//   - The case sequence is taken inside that transaction: a failed submit
//     consumes no number, so numbers on receipts have no gaps from errors.
//   - A catalogue version is installed whole in one transaction that also
//     demotes the old one to "previous" (InstallCatalog): a crash leaves either
//     the old or the new version active, never a mix.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"govkiosk/kiosk"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Options configure a store.
type Options struct {
	// Clock stamps rows; defaults to the system clock.
	Clock kiosk.Clock
	// TerminalPrefix starts every case number (2-12 of A-Z 0-9).
	TerminalPrefix string
	// Sealer seals the personal part of a case before it is written. A store
	// without one refuses submissions: personal data is never stored in clear.
	Sealer Sealer
	// ReadOnly opens the store without writing to it (kioskctl inspecting a
	// live terminal). The schema must already be current.
	ReadOnly bool
	// MaxPageCount caps the database file (in 4 KiB pages); 0 is no cap. Used
	// to test and soak the full-disk path without a full disk.
	MaxPageCount int
}

// Sealer seals personal data so that only the hall can open it.
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
}

// Store is the terminal's local store. It is safe for concurrent use.
type Store struct {
	db     *sql.DB
	clock  kiosk.Clock
	prefix string
	sealer Sealer
}

// Open opens (creating if needed) the store at path and migrates its schema.
func Open(path string, opts Options) (*Store, error) {
	if opts.Clock == nil {
		opts.Clock = kiosk.SystemClock{}
	}
	q := url.Values{}
	if opts.ReadOnly {
		q.Set("mode", "ro")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "busy_timeout(5000)")
	q.Add("_pragma", "foreign_keys(1)")
	if opts.MaxPageCount > 0 {
		q.Add("_pragma", fmt.Sprintf("max_page_count(%d)", opts.MaxPageCount))
	}
	// IMMEDIATE takes the write lock at BEGIN, so two writers queue on the
	// busy timeout instead of one failing at its first write.
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	db.SetMaxOpenConns(4)
	s := &Store{db: db, clock: opts.Clock, prefix: opts.TerminalPrefix, sealer: opts.Sealer}
	if opts.ReadOnly {
		err = s.checkSchema(context.Background())
	} else {
		err = s.migrate(context.Background())
	}
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("open store %s: %w", path, classify(err))
	}
	return s, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless the
// answer is "ok".
func (s *Store) IntegrityCheck(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("integrity check: %s", res)
	}
	return nil
}

// Error kinds a caller can show or act on.
var (
	// ErrDiskFull: the disk or the store's size cap is full. Nothing was written.
	ErrDiskFull = errors.New("store: disk full")
	// ErrReadOnly: the store cannot be written. Nothing was written.
	ErrReadOnly = errors.New("store: read-only")
	// ErrNoSealer: the terminal has no hall key yet (not enrolled).
	ErrNoSealer = errors.New("store: no seal key; enrol the terminal first")
	// ErrNotFound: no such case or catalogue.
	ErrNotFound = errors.New("store: not found")
	// ErrCatalogNotNewer: a catalogue version not newer than the active one.
	ErrCatalogNotNewer = errors.New("store: catalogue version is not newer than the installed one")
)

// UserMessage is the plain-Chinese text for a citizen when a store error
// stops their application.
func UserMessage(err error) string {
	switch {
	case errors.Is(err, ErrDiskFull):
		return "本机存储空间已满，申请未能保存，请联系工作人员"
	case errors.Is(err, ErrReadOnly):
		return "本机存储出现故障，申请未能保存，请联系工作人员"
	case errors.Is(err, ErrNoSealer):
		return "本机尚未完成注册，暂不能受理申请，请联系工作人员"
	default:
		return "申请未能保存，请稍后再试或联系工作人员"
	}
}

// classify maps SQLite result codes to the store's error kinds, keeping the
// original for the technician's log.
func classify(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%w: %v", ErrDiskFull, err)
	case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
		return fmt.Errorf("%w: %v", ErrReadOnly, err)
	}
	return err
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v) }

// tx runs f in a transaction and commits, rolling back on any error.
func (s *Store) tx(ctx context.Context, f func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(err)
	}
	if err := f(tx); err != nil {
		tx.Rollback()
		return classify(err)
	}
	return classify(tx.Commit())
}
