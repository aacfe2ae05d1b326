package console

import (
	"testing"
	"time"
)

func TestClockOffsetReadsAsOfficersSayIt(t *testing.T) {
	for d, want := range map[time.Duration]string{
		0:                                "一致",
		400 * time.Millisecond:           "一致",
		7 * time.Second:                  "快 7 秒",
		-(2*time.Minute + 5*time.Second): "慢 2 分 5 秒",
		3*time.Hour + 30*time.Minute:     "快 3.5 小时",
	} {
		if got := clockOffset(d); got != want {
			t.Errorf("clockOffset(%v) = %q, want %q", d, got, want)
		}
	}
}
