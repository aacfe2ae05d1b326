package ui

import "govkiosk/kiosk/ime"

// newComposer starts a pinyin composition over the bundled dictionary.
func newComposer() pinyinComposer { return imeComposer{ime.NewComposer(ime.Default())} }

// imeComposer adapts ime.Composer to the keyboard.
type imeComposer struct{ c *ime.Composer }

func (c imeComposer) Type(b byte)         { c.c.Type(b) }
func (c imeComposer) Backspace()          { c.c.Backspace() }
func (c imeComposer) Pending() string     { return c.c.Pending() }
func (c imeComposer) Pick(i int) string   { return c.c.Pick(i) }
func (c imeComposer) CommitInput() string { return c.c.CommitInput() }
func (c imeComposer) Reset()              { c.c.Reset() }

func (c imeComposer) Candidates(n int) []pinyinCandidate {
	var out []pinyinCandidate
	for _, x := range c.c.Candidates(n) {
		out = append(out, pinyinCandidate{Text: x.Text, Pinyin: x.Pinyin})
	}
	return out
}
