package hall

import (
	"context"
	"encoding/json"
	"errors"
	"time"
)

// Store is where the hall keeps terminals, cases, catalogue versions and
// commands. The HTTP handlers see only this interface, so a PostgreSQL store
// for several stateless hall instances can sit beside the SQLite one.
//
// Every method is safe for concurrent use. Every write method returns only
// after its change is durable (committed and synced); the handlers acknowledge
// what a write method returned, so an implementation that acknowledges before
// durability loses cases on a crash.
//
// Inputs arrive validated (see validateCase and friends): a store checks only
// what needs the stored state — duplicates, sequence reuse, unknown cases.
// A store that cannot write for now returns an error wrapping
// ErrUnavailable (the terminal is told 503 and retries); runStoreContract in
// store_test.go is the behaviour every implementation must pass.
type Store interface {
	// Identity returns the hall's public keys as stored at Init, or
	// ErrNotInitialized for an empty store.
	Identity(ctx context.Context) (Identity, error)
	// Init stores the identity and publishes first as the first catalogue
	// version, in one transaction, if the store is empty. It is idempotent:
	// on a store that is already initialised (by this or another hall
	// instance) it changes nothing and returns the identity stored, which the
	// caller compares with its key files.
	Init(ctx context.Context, id Identity, first CatalogVersion) (Identity, error)

	// CreateCode stores a new one-time enrolment code.
	CreateCode(ctx context.Context, c EnrolmentCode) error
	// Enroll consumes the code and registers a terminal, atomically: of two
	// enrolments with one code, exactly one succeeds. It assigns the next
	// terminal id (see TerminalID). It returns ErrCodeInvalid for a code that
	// is unknown, used, or expired at at.
	Enroll(ctx context.Context, codeHash Hash, name string, tokenHash Hash, at time.Time) (Terminal, error)
	// TerminalByToken returns the terminal whose token hashes to tokenHash,
	// or ErrNotFound.
	TerminalByToken(ctx context.Context, tokenHash Hash) (Terminal, error)
	// Terminals lists every terminal in enrolment order.
	Terminals(ctx context.Context) ([]Terminal, error)
	// RecordHeartbeat stores the terminal's reported state and marks the
	// commands in acks acknowledged at hb.At, with their results. It
	// returns the commands this call acknowledged, in the order of acks: an
	// ack sent again (the terminal missed the reply) changes nothing and
	// returns nothing, so the hall logs each acknowledgement once. Ids that
	// are unknown or belong to another terminal are ignored.
	RecordHeartbeat(ctx context.Context, terminalID string, hb HeartbeatRecord, acks []CommandAck) ([]Command, error)

	// ApplyCases stores the terminal's cases in order and returns one outcome
	// per case. It is idempotent per case id: a case whose id is stored for
	// this terminal is ResultDuplicate and changes nothing; an id stored for
	// another terminal, a (terminal, terminal_seq) stored with another id, or
	// a number stored with another id is ResultRejected with a reason. An
	// applied case gets a "received" event at at, with the next status cursor
	// of its terminal.
	ApplyCases(ctx context.Context, terminalID string, cases []NewCase, at time.Time) ([]Outcome, error)
	// ApplyEvaluations stores one evaluation per case. A case that does not
	// exist or belongs to another terminal is rejected ("unknown case"); a
	// second evaluation identical to the stored one is a duplicate, a
	// different one is rejected.
	ApplyEvaluations(ctx context.Context, terminalID string, evs []NewEvaluation, at time.Time) ([]Outcome, error)
	// Case returns the case with number and its timeline, or ErrNotFound.
	Case(ctx context.Context, number string) (Case, error)
	// Cases lists cases, newest received first.
	Cases(ctx context.Context, q CaseQuery) ([]Case, error)
	// SetStatus appends a status event to the case's timeline at at, with
	// the next status cursor of its terminal; ErrNotFound for no such case.
	SetStatus(ctx context.Context, number, status, note string, at time.Time) error
	// StatusUpdates returns the events of the terminal's cases with a cursor
	// greater than after, in cursor order, at most limit.
	//
	// Cursors are per terminal and must become visible in order: a reader
	// that has seen cursor n never later finds a new event with a cursor
	// ≤ n. SQLite has one writer, so this holds; a PostgreSQL store must
	// take the next cursor under a lock on the terminal's row, not from a
	// sequence, whose values commit out of order.
	StatusUpdates(ctx context.Context, terminalID string, after int64, limit int) ([]StatusUpdate, error)

	// PutCatalog stores a signed catalogue version. Versions are immutable:
	// ErrVersionExists if the version is already stored, so two admins
	// publishing at once cannot overwrite each other (the loser retries with
	// the next number).
	PutCatalog(ctx context.Context, v CatalogVersion) error
	// LatestCatalog returns the newest version without its document (Doc
	// nil: a manifest request should not read megabytes), or ErrNotFound.
	LatestCatalog(ctx context.Context) (CatalogVersion, error)
	// Catalog returns one version with its document, or ErrNotFound.
	Catalog(ctx context.Context, version int64) (CatalogVersion, error)
	// ItemKnown reports whether any published version has the item code.
	ItemKnown(ctx context.Context, code string) (bool, error)

	// QueueCommand stores a remote command for a terminal; ErrNotFound for
	// an unknown terminal.
	QueueCommand(ctx context.Context, c Command) error
	// PendingCommands returns the terminal's unacknowledged commands, oldest
	// first.
	PendingCommands(ctx context.Context, terminalID string) ([]Command, error)
	// RecentCommands returns the terminal's newest commands, acknowledged or
	// not, newest first, at most limit.
	RecentCommands(ctx context.Context, terminalID string, limit int) ([]Command, error)

	// AdminStore is what the web console keeps: admins, sessions and
	// statistics (store_admin.go).
	AdminStore
	// LogStore keeps the log bundles terminals upload (store_logs.go).
	LogStore

	// Ping checks the store can answer.
	Ping(ctx context.Context) error
	// Close waits for writes in progress and closes the store. Writes after
	// Close return ErrClosed.
	Close() error
}

// Store errors. Implementations wrap them so that errors.Is works.
var (
	ErrNotFound       = errors.New("hall: not found")
	ErrNotInitialized = errors.New("hall: store not initialised")
	ErrCodeInvalid    = errors.New("hall: enrolment code unknown, used or expired")
	ErrVersionExists  = errors.New("hall: catalogue version already published")
	ErrClosed         = errors.New("hall: store closed")
	// ErrUnavailable: the store cannot write now (disk full, read-only, I/O
	// error). Nothing was written; the request may be retried later.
	ErrUnavailable = errors.New("hall: store unavailable")
)

// Hash is a SHA-256 digest. The hall stores only hashes of tokens and
// enrolment codes, so a copy of the database does not let anyone act as a
// terminal or enrol one.
type Hash [32]byte

// Identity is the hall's public keys, kept in the store so that a hall
// started with the wrong key files refuses to run instead of signing
// catalogues terminals reject and being unable to open sealed cases.
type Identity struct {
	CatalogKey []byte // ed25519 public key, 32 bytes
	SealKey    []byte // X25519 public key, 32 bytes
}

// EnrolmentCode is a one-time code as stored.
type EnrolmentCode struct {
	Hash      Hash
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Terminal is an enrolled terminal and its last reported state.
type Terminal struct {
	ID         string // "K0001"
	Name       string
	EnrolledAt time.Time
	// LastSeen is the hall time of the last heartbeat; zero if none yet.
	LastSeen time.Time
	HeartbeatRecord
}

// HeartbeatRecord is what a heartbeat reports. Clock is the terminal's own
// clock as it sent it: recorded for technicians, never used for ordering.
type HeartbeatRecord struct {
	At             time.Time // hall time of the heartbeat
	AppVersion     string
	CatalogVersion int64
	OutboxPending  int64
	OutboxParked   int64
	Devices        []Device
	Clock          string
	// ClockOffset is the terminal clock minus hall time, if Clock parsed.
	ClockOffset time.Duration
}

// Device is one device's health as a terminal reports it.
type Device struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	State  string `json:"state"`
	Detail string `json:"detail"`
}

// NewCase is a validated case from a terminal. Sealed is the sealed box as
// received: the hall keeps citizen data sealed at rest and opens it only to
// show it to an admin.
type NewCase struct {
	ID             string // canonical lower-case UUID
	TerminalSeq    int64
	Number         string
	ItemCode       string
	CatalogVersion int64
	SubmittedAt    time.Time // terminal clock
	Sealed         []byte
}

// Result values of one case or evaluation in a batch.
const (
	ResultApplied   = "applied"
	ResultDuplicate = "duplicate"
	ResultRejected  = "rejected"
)

// Outcome is the result of one item of a batch.
type Outcome struct {
	Result string
	Reason string // why, for ResultRejected
}

// NewEvaluation is a validated evaluation (好差评).
type NewEvaluation struct {
	CaseID  string
	Level   int
	Reasons []string
	Comment string
	At      time.Time // terminal clock
}

// Case is a case as the hall holds it.
type Case struct {
	ID             string
	TerminalID     string
	TerminalSeq    int64
	Number         string
	ItemCode       string
	CatalogVersion int64
	SubmittedAt    time.Time // terminal clock
	ReceivedAt     time.Time // hall clock
	Status         string
	StatusAt       time.Time
	Sealed         []byte
	// Timeline is the hall's events, oldest first; filled by Store.Case only.
	Timeline []Event
	// Evaluation, if the citizen rated the case; filled by Store.Case only.
	Evaluation *NewEvaluation
}

// Event is one entry of a case's timeline at the hall.
type Event struct {
	Status string
	At     time.Time
	Note   string
}

// CaseQuery selects cases for the admin inbox.
type CaseQuery struct {
	Status     string // empty: any
	TerminalID string // empty: any
	Limit      int    // 0: 100
}

// StatusUpdate is one status event sent back to the terminal that made the
// case.
type StatusUpdate struct {
	Cursor int64
	CaseID string
	Number string
	Status string
	At     time.Time
	Note   string
}

// CatalogVersion is one published, signed catalogue version. Doc is the
// exact bytes served; SHA256 and Signature are over Doc.
type CatalogVersion struct {
	Version     int64
	Doc         []byte
	SHA256      string // hex
	Signature   []byte // ed25519
	PublishedAt time.Time
	ItemCodes   []string
}

// Command is a remote command for a terminal.
type Command struct {
	ID         string
	TerminalID string
	Kind       string
	Args       json.RawMessage // a JSON object
	CreatedAt  time.Time
	AckedAt    time.Time // hall time of the acknowledging heartbeat; zero while pending
	Result     string    // as the terminal reported it; "" if it reported none
}

// CommandAck is a terminal's acknowledgement of a command it carried out.
// Result is "" from a terminal too old to report results.
type CommandAck struct {
	ID     string
	Result string
}
