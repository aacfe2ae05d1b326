package hall

import (
	"context"
	"errors"
	"time"
)

// LogStore keeps the log bundles terminals upload (POST /v1/logs). Bundles
// live in the store, not in files beside it, so that every hall instance
// on one PostgreSQL serves the bundle another received, and a backup of the
// store has them.
type LogStore interface {
	// PutLogBundle stores b and then deletes the terminal's bundles beyond
	// its newest keep, in one transaction, so a terminal uploading on a
	// loop cannot fill the hall's disk. A non-empty CommandID must name an
	// upload_logs command of b.TerminalID (acknowledged or not), or
	// ErrUnknownCommand is returned and nothing is stored; an unknown
	// terminal is ErrNotFound.
	//
	// It is idempotent for retries: if a bundle with b's terminal, command
	// id and sha256 is stored, nothing changes and that bundle is returned
	// with dup true.
	PutLogBundle(ctx context.Context, b LogBundle, keep int) (stored LogBundle, dup bool, err error)
	// LogBundles lists the terminal's bundles, newest first, without Data.
	LogBundles(ctx context.Context, terminalID string) ([]LogBundle, error)
	// LogBundle returns one bundle with its Data, or ErrNotFound.
	LogBundle(ctx context.Context, id string) (LogBundle, error)
}

// ErrUnknownCommand: a log bundle names a command that is not an
// upload_logs command of the terminal that sent it.
var ErrUnknownCommand = errors.New("hall: no upload_logs command with that id for this terminal")

// LogBundle is one upload of a terminal's log files: a gzip'd tar, kept as
// received. Logs never hold citizens' personal data (kiosk/logging), so
// the bundle is stored unsealed.
type LogBundle struct {
	ID         string // UUID given by the hall
	TerminalID string
	CommandID  string // the upload_logs command it answers; empty if unsolicited
	ReceivedAt time.Time
	Bytes      int64  // len(Data)
	SHA256     string // hex, of Data
	Files      int    // files in the tar
	Data       []byte // filled by LogBundle only
}
