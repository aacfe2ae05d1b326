package ime

import (
	"math/rand/v2"
	"slices"
	"testing"

	"govkiosk/kiosk/ime/internal/syllable"
)

// each jumps over keys by binary search; it must find exactly what reading
// every key would.
func TestEachFindsExactlyTheKeysInsideTheRanges(t *testing.T) {
	d := Default()
	rng := rand.New(rand.NewPCG(1, 2))
	count := uint16(syllable.Count())
	randomRange := func() idRange {
		switch rng.IntN(3) {
		case 0: // one syllable
			id := uint16(rng.IntN(int(count)))
			return idRange{id, id + 1}
		case 1: // an initial's syllables
			lo, hi := syllable.PrefixRange(string(rune('a' + rng.IntN(26))))
			return idRange{lo, hi}
		default: // anything, empty included
			lo := uint16(rng.IntN(int(count)))
			return idRange{lo, lo + uint16(rng.IntN(int(count-lo)+1))}
		}
	}
	for range 3000 {
		r := make([]idRange, 1+rng.IntN(maxSyllables))
		for i := range r {
			r[i] = randomRange()
		}
		var got, want []int
		d.each(r, func(i int) { got = append(got, i) })
		for i, key := range d.keys[len(r)-1] {
			inside := true
			for j := range r {
				id := uint16(key >> shift(j))
				inside = inside && r[j].lo <= id && id < r[j].hi
			}
			if inside {
				want = append(want, i)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("each(%v) found %d keys; reading them all finds %d", r, len(got), len(want))
		}
	}
}
