package retry_test

import (
	"testing"
	"time"

	"govkiosk/kiosk/retry"
)

func TestBackoffDoublesToCapWithJitter(t *testing.T) {
	r := 0.5 // factor 1.0
	b := retry.Backoff{Min: 100 * time.Millisecond, Max: time.Second, Rand: func() float64 { return r }}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, w := range want {
		if got := b.Next(); got != w*time.Millisecond {
			t.Errorf("attempt %d: %v, want %v", i, got, w*time.Millisecond)
		}
	}
	r = 0 // factor 0.5
	if got := b.Next(); got != 500*time.Millisecond {
		t.Errorf("low jitter: %v", got)
	}
	r = 0.999999 // factor just under 1.5
	if got := b.Next(); got < 1499*time.Millisecond || got >= 1500*time.Millisecond {
		t.Errorf("high jitter: %v", got)
	}
	b.Reset()
	r = 0.5
	if got := b.Next(); got != 100*time.Millisecond || b.Attempts() != 1 {
		t.Errorf("after Reset: %v", got)
	}
}

func TestBackoffNeverOverflows(t *testing.T) {
	b := retry.Backoff{Min: time.Second, Max: time.Hour, Rand: func() float64 { return 0.5 }}
	for i := 0; i < 100; i++ {
		if d := b.Next(); d <= 0 || d > time.Hour {
			t.Fatalf("attempt %d: %v", i, d)
		}
	}
}
