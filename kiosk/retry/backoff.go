// Package retry has the backoff the kiosk uses wherever it retries: device
// reconnects and uploads to the hall. Delays double from Min up to Max and
// are multiplied by a random factor in [0.5, 1.5), so two hundred kiosks
// that lost the hall together do not all come back in the same second.
package retry

import (
	"math/rand/v2"
	"time"
)

// Backoff computes successive retry delays. It is not safe for concurrent
// use; each retrying loop owns one.
type Backoff struct {
	Min, Max time.Duration
	// Rand returns a number in [0, 1); math/rand/v2 when nil. Injected so
	// tests get exact delays.
	Rand func() float64

	n int
}

// Next returns the delay before the next attempt and counts the attempt.
func (b *Backoff) Next() time.Duration {
	d := b.Min << min(b.n, 30)
	if d > b.Max || d <= 0 {
		d = b.Max
	}
	b.n++
	r := rand.Float64
	if b.Rand != nil {
		r = b.Rand
	}
	return time.Duration(float64(d) * (0.5 + r()))
}

// Attempts is how many delays Next has handed out since the last Reset.
func (b *Backoff) Attempts() int { return b.n }

// Reset starts again from Min, after a success.
func (b *Backoff) Reset() { b.n = 0 }
