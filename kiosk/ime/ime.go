// Package ime is the engine of the kiosk's pinyin input method: the
// on-screen keyboard (in ui/) sends it letters, shows the candidates it
// offers in frequency order, and commits the one the citizen taps.
//
// Input is lower-case a–z, v for ü (lv → 绿), and optionally the syllable
// separator ' (xi'an → 西安). The engine offers, in this order:
//
//   - when no single word covers the input, a sentence that does: the most
//     probable run of words (sbcb → 社保参保);
//   - words covering the whole input, spelled out (shebao → 社保), with an
//     incomplete last syllable (sheb → 社保), or abbreviated to initials
//     (sbk → 社保卡; zh, ch and sh count as initials);
//   - words covering shorter prefixes (shebaoka → 社保, then 社), longest first.
//
// Within one length, words spelled out exactly come before those matched by
// fewer letters, then by dictionary weight. Words of the kiosk's services
// rank above everyday words (see assets/README.md).
//
// A spelled-out input is split at syllables only: "shebaoka" offers 社 but
// never a character for "s" or "sh". An input that is not all syllables
// ("sbk") may split anywhere.
//
// A Dict is immutable and safe for concurrent use; a Composer is the state of
// one text field and belongs to the goroutine that drives the keyboard.
package ime

//go:generate go run ./internal/gen

import (
	"fmt"
	"sync"

	"govkiosk/assets"
)

// MaxInput is the longest input considered, in bytes: Candidates looks at
// no more, and a Composer takes no more letters until some are committed.
const MaxInput = 32

// maxSyllables is the length of the longest word, in syllables (= characters).
const maxSyllables = 4

var loadDefault = sync.OnceValue(func() *Dict {
	d, err := Load(assets.PinyinDict)
	if err != nil {
		// The asset is embedded and tested; this is a broken build.
		panic(fmt.Sprintf("ime: the embedded dictionary does not load: %v", err))
	}
	return d
})

// Default returns the dictionary embedded in the binary, loading it on the
// first call (about 30 ms; see BenchmarkLoadDefault). It panics if the
// embedded asset is corrupt, which the package's tests rule out.
func Default() *Dict { return loadDefault() }
