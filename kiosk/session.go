package kiosk

import (
	"sync"
	"time"
)

// Session is one citizen's time at the kiosk. It holds everything personal
// that the kiosk learns (identity, form values, scanned pages) so that End
// can wipe all of it in one place: card removal, 完成, or the idle deadline.
type Session struct {
	mu       sync.Mutex
	clock    Clock
	idle     time.Duration
	started  time.Time
	deadline time.Time
	ended    bool
	identity *Identity
	runs     []*Run
	onEnd    []func()
}

// StartSession begins a session that ends after idle without a Touch.
func StartSession(clock Clock, idle time.Duration) *Session {
	now := clock.Now()
	return &Session{clock: clock, idle: idle, started: now, deadline: now.Add(idle)}
}

// Touch pushes the idle deadline back: the citizen is still there.
func (s *Session) Touch() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.ended {
		s.deadline = s.clock.Now().Add(s.idle)
	}
}

// Remaining is the time left before the idle deadline, never negative.
func (s *Session) Remaining() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.deadline.Sub(s.clock.Now()); d > 0 && !s.ended {
		return d
	}
	return 0
}

// Expired reports whether the idle deadline has passed.
func (s *Session) Expired() bool { return s.Remaining() == 0 }

// Ended reports whether End has run.
func (s *Session) Ended() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

// SetIdentity records who the citizen is; it replaces (and wipes) any
// identity read before.
func (s *Session) SetIdentity(id *Identity) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.identity != nil && s.identity != id {
		s.identity.Wipe()
	}
	s.identity = id
	s.deadline = s.clock.Now().Add(s.idle)
}

// Identity is the identified citizen, or nil.
func (s *Session) Identity() *Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.identity
}

// OnEnd registers f to run when the session ends, e.g. a screen clearing
// what it showed. Hooks run once, in registration order.
func (s *Session) OnEnd(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onEnd = append(s.onEnd, f)
}

func (s *Session) addRun(r *Run) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs = append(s.runs, r)
}

// End wipes everything the session held and runs the OnEnd hooks. It is
// idempotent.
func (s *Session) End() {
	s.mu.Lock()
	if s.ended {
		s.mu.Unlock()
		return
	}
	s.ended = true
	if s.identity != nil {
		s.identity.Wipe()
		s.identity = nil
	}
	for _, r := range s.runs {
		r.wipe()
	}
	s.runs = nil
	hooks := s.onEnd
	s.onEnd = nil
	s.mu.Unlock()
	for _, f := range hooks {
		f()
	}
}
