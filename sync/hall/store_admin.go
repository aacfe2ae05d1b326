package hall

import (
	"context"
	"time"
)

// AdminStore is the part of the store behind the web console: admin logins,
// their sessions, and the evaluation statistics. Sessions live in the store,
// not in one process's memory, so that several hall instances on one
// PostgreSQL accept each other's logins and a logout ends a session on all
// of them.
type AdminStore interface {
	// PutAdmin creates the admin or replaces its password hash, clears its
	// lockout and ends its sessions (a password is reset because the old
	// one may be known to someone else). CreatedAt of an existing admin is
	// kept.
	PutAdmin(ctx context.Context, a Admin) error
	// Admin returns the admin by name, or ErrNotFound.
	Admin(ctx context.Context, name string) (Admin, error)
	// Admins lists the admins by name.
	Admins(ctx context.Context) ([]Admin, error)
	// RecordLogin records a login attempt: a success resets the failure
	// count and LockedUntil; a failure increments it and, when it is
	// lockAfter or more, sets LockedUntil to at+lockFor (so after a lockout
	// each further failure locks again until a success). It returns the admin as updated, or
	// ErrNotFound. The read-modify-write is atomic, so two hall instances
	// counting failures of one name at once count both.
	RecordLogin(ctx context.Context, name string, ok bool, at time.Time, lockAfter int, lockFor time.Duration) (Admin, error)

	// CreateSession stores a console session. Only the hash of the
	// session cookie is stored. Sessions expired at s.CreatedAt may be
	// deleted on the way.
	CreateSession(ctx context.Context, s AdminSession) error
	// Session returns the session whose cookie hashes to h if it has not
	// expired at at, or ErrNotFound.
	Session(ctx context.Context, h Hash, at time.Time) (AdminSession, error)
	// DeleteSession ends a session; deleting an unknown one is not an
	// error.
	DeleteSession(ctx context.Context, h Hash) error

	// EvaluationStats counts evaluations (好差评) by level, per item code
	// and per terminal.
	EvaluationStats(ctx context.Context) (EvaluationStats, error)

	// CatalogVersions lists the newest published catalogue versions, newest
	// first, at most limit, without their documents.
	CatalogVersions(ctx context.Context, limit int) ([]CatalogSummary, error)
}

// CatalogSummary describes one published catalogue version for the console.
type CatalogSummary struct {
	Version     int64
	SHA256      string // hex
	PublishedAt time.Time
	Items       int   // item codes in the version
	Bytes       int64 // size of the signed document
}

// Admin is a console login as stored. PasswordHash is self-describing
// (algorithm and parameters with the salt), so parameters can be raised
// without invalidating stored hashes.
type Admin struct {
	Name         string
	PasswordHash string
	CreatedAt    time.Time
	Failures     int
	LockedUntil  time.Time // zero: not locked
}

// AdminSession is a logged-in console session.
type AdminSession struct {
	Hash      Hash // SHA-256 of the cookie value
	Admin     string
	CreatedAt time.Time
	ExpiresAt time.Time
	// CSRF is the token every form of the session must carry.
	CSRF string
}

// EvaluationStats are the 好差评 counts, grouped two ways.
type EvaluationStats struct {
	ByItem     []EvaluationCount // Key is the item code, sorted by key
	ByTerminal []EvaluationCount // Key is the terminal id, sorted by key
}

// EvaluationCount is the number of evaluations of one group at each level:
// Levels[0] counts level 1 (非常不满意) … Levels[4] level 5 (非常满意).
type EvaluationCount struct {
	Key    string
	Levels [5]int64
}

// Total is the number of evaluations in the group.
func (c EvaluationCount) Total() int64 {
	var n int64
	for _, l := range c.Levels {
		n += l
	}
	return n
}

// Satisfaction is the share of evaluations at level 3 (基本满意) or better,
// the rate the 好差评 rules publish; 0 for a group without evaluations.
func (c EvaluationCount) Satisfaction() float64 {
	t := c.Total()
	if t == 0 {
		return 0
	}
	return float64(c.Levels[2]+c.Levels[3]+c.Levels[4]) / float64(t)
}
