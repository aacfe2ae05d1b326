package hall

import (
	"context"
	"sync"
	"time"

	"govkiosk/kiosk"
)

// tokenTTL bounds how long the hall trusts a remembered token → terminal
// lookup. The hall has no command that revokes a terminal's token today;
// one that changes or deletes the stored token (on any hall instance
// sharing the store) takes effect within tokenTTL everywhere, without the
// instances telling each other.
const tokenTTL = 10 * time.Second

// tokenCache remembers which terminal a bearer token belongs to, so that an
// upload does not spend a store round trip on its credential: at the
// ingest target each of 200 terminals authenticates several times a second,
// and for the PostgreSQL store that lookup was one of the two round trips of
// every batch.
//
// It is keyed by the token's SHA-256 (hashOf), never the token, and keeps
// only tokens the store accepted, so its size is bounded by the enrolled
// terminals and an unknown token is always asked of the store. The Terminal
// it returns is the row as read when it was remembered: the ID is exact,
// other fields (last heartbeat, outbox counts) may be up to tokenTTL old.
type tokenCache struct {
	clock kiosk.Clock
	mu    sync.RWMutex
	m     map[Hash]cachedTerminal
}

type cachedTerminal struct {
	t       Terminal
	expires time.Time
}

func newTokenCache(clock kiosk.Clock) *tokenCache {
	return &tokenCache{clock: clock, m: map[Hash]cachedTerminal{}}
}

// terminal returns the terminal whose token hashes to h, from memory if it
// was looked up less than tokenTTL ago, else from the store. Errors are
// the store's (ErrNotFound for an unknown token).
func (c *tokenCache) terminal(ctx context.Context, st Store, h Hash) (Terminal, error) {
	now := c.clock.Now()
	c.mu.RLock()
	e, ok := c.m[h]
	c.mu.RUnlock()
	if ok && now.Before(e.expires) {
		return e.t, nil
	}
	t, err := st.TerminalByToken(ctx, h)
	c.mu.Lock()
	defer c.mu.Unlock()
	if err != nil {
		delete(c.m, h)
		return Terminal{}, err
	}
	c.m[h] = cachedTerminal{t: t, expires: now.Add(tokenTTL)}
	return t, nil
}
