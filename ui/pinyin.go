package ui

// pinyinComposer is what the pinyin keyboard needs of an input method:
// kiosk/ime's Composer, through newComposer.
type pinyinComposer interface {
	// Type adds a pinyin letter a-z.
	Type(letter byte)
	// Backspace removes the last pending letter.
	Backspace()
	// Pending is the pinyin typed and not yet turned into characters.
	Pending() string
	// Candidates are up to n words for the pending pinyin, best first.
	Candidates(n int) []pinyinCandidate
	// Pick takes candidate i and returns the text to insert; pinyin the
	// candidate did not consume stays pending.
	Pick(i int) string
	// CommitInput returns the pending letters themselves and clears them.
	CommitInput() string
	// Reset forgets everything typed.
	Reset()
}

// pinyinCandidate is one word offered in the candidate bar.
type pinyinCandidate struct {
	Text   string
	Pinyin string
}
