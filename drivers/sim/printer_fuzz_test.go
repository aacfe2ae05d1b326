package sim

import (
	"os"
	"slices"
	"testing"
)

// FuzzParseESCPOS feeds arbitrary bytes to the simulated printer's parser:
// it must never panic, hold more than one command's worth of bytes, or
// answer anything but a status byte; and it must read the same stream the
// same way however the line splits it.
func FuzzParseESCPOS(f *testing.F) {
	if b, err := os.ReadFile("../printer/testdata/receipt-58mm.escpos"); err == nil {
		f.Add(b, uint16(7))
	}
	f.Add([]byte("\x1b@\x1c&\xca\xdc\xc0\xed\n\x1dVB\x00"), uint16(3))
	f.Add([]byte("\x1d(k\x04\x001A2\x00\x1d(k\x05\x001P0ab\x1d(k\x03\x001Q0"), uint16(9))
	f.Add([]byte("\x1dh\x40\x1dw\x02\x1dH\x02\x1dk\x49\x05{BABC\n"), uint16(1))
	f.Add([]byte("\x1dv0\x00\xff\xff\xff\xff"), uint16(5))
	f.Add([]byte("\x10\x04\x01\x10\x04\x02\x10\x04\x03\x10\x04\x04"), uint16(2))
	f.Fuzz(func(t *testing.T, data []byte, cut uint16) {
		if len(data) > 1<<16 {
			return
		}
		whole := newESCPOS(384, &deviceState{paperLeft: -1, nearEndDots: 800})
		whole.write(data)
		split := newESCPOS(384, &deviceState{paperLeft: -1, nearEndDots: 800})
		k := int(cut) % (len(data) + 1)
		split.write(data[:k])
		if len(split.pending) > 5+0xffff+4 {
			t.Fatalf("parser holds %d bytes", len(split.pending))
		}
		split.write(data[k:])
		for _, a := range whole.answers {
			if a&0x93 != 0x12 && a&0xf0 != 0 {
				t.Fatalf("answer %#x is not a status byte", a)
			}
		}
		if !slices.Equal(whole.answers, split.answers) || len(whole.done) != len(split.done) ||
			!slices.Equal(whole.pending, split.pending) || whole.skip != split.skip {
			t.Fatalf("split at %d reads differently: answers % x vs % x, %d vs %d jobs", k,
				whole.answers, split.answers, len(whole.done), len(split.done))
		}
		for i := range whole.done {
			if !slices.Equal(whole.done[i].lines, split.done[i].lines) || whole.done[i].dots != split.done[i].dots {
				t.Fatalf("job %d differs when split at %d: %q vs %q", i, k, whole.done[i].lines, split.done[i].lines)
			}
		}
	})
}
