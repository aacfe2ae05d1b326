package ime

import (
	"slices"
	"strings"
	"unicode/utf8"

	"govkiosk/kiosk/ime/internal/syllable"
)

// Composer is the state of one input field: the letters typed and not yet
// turned into characters (the input), and the text committed so far. The
// keyboard calls Type and Backspace as keys are tapped, shows Pending in
// the pre-edit area and Candidates in the candidate bar, and calls Pick
// when a candidate is tapped. It is not safe for concurrent use.
type Composer struct {
	d     *Dict
	input []byte
	text  string

	// The candidates for the current input, as far as computed: n asked
	// for (0 = all), and where the first one's syllables end.
	cached bool
	n      int
	cands  []Candidate
	cuts   []int
}

// NewComposer returns an empty composer over d (Default() if d is nil).
func NewComposer(d *Dict) *Composer {
	if d == nil {
		d = Default()
	}
	return &Composer{d: d}
}

// Type adds a letter to the input: a–z (A–Z is taken as lower case; v
// stands for ü) or the syllable separator '. Other bytes are ignored, as
// is anything past MaxInput bytes, a leading separator and a second
// separator in a row.
func (c *Composer) Type(letter byte) {
	switch {
	case len(c.input) >= MaxInput:
		return
	case 'A' <= letter && letter <= 'Z':
		letter += 'a' - 'A'
	case letter == '\'':
		if len(c.input) == 0 || c.input[len(c.input)-1] == '\'' {
			return
		}
	case letter < 'a' || letter > 'z':
		return
	}
	c.input = append(c.input, letter)
	c.cached = false
}

// Backspace deletes the last letter of the input or, when there is none,
// the last character of the committed text.
func (c *Composer) Backspace() {
	if len(c.input) > 0 {
		c.input = c.input[:len(c.input)-1]
		c.cached = false
		return
	}
	_, size := utf8.DecodeLastRuneInString(c.text)
	c.text = c.text[:len(c.text)-size]
}

// Candidates returns the best n candidates for the input (all when n <= 0),
// as Dict.Candidates orders them; nil when there is no input.
func (c *Composer) Candidates(n int) []Candidate {
	c.compute(n)
	if n > 0 && len(c.cands) > n {
		return slices.Clone(c.cands[:n])
	}
	return slices.Clone(c.cands)
}

func (c *Composer) compute(n int) {
	if c.cached && (c.n <= 0 || n > 0 && n <= c.n || len(c.cands) < c.n) {
		return
	}
	c.cands, c.cuts = c.d.candidates(string(c.input), n)
	c.n, c.cached = n, true
}

// Pick commits candidate i of Candidates: its text is appended to the
// committed text and returned, and the letters it consumed leave the
// input; the rest stay for the next pick. An i out of range commits
// nothing and returns "".
func (c *Composer) Pick(i int) (committed string) {
	if i < 0 {
		return ""
	}
	c.compute(i + 1)
	if i >= len(c.cands) {
		return ""
	}
	cand := c.cands[i]
	c.text += cand.Text
	rest := c.input[cand.Consumed:]
	for len(rest) > 0 && rest[0] == '\'' {
		rest = rest[1:]
	}
	c.input = append(c.input[:0], rest...)
	c.cached = false
	return cand.Text
}

// CommitInput commits the input as it was typed, separators dropped, for a
// field that wants the letters themselves; it returns them.
func (c *Composer) CommitInput() string {
	s := strings.ReplaceAll(string(c.input), "'", "")
	c.text += s
	c.input = c.input[:0]
	c.cached = false
	return s
}

// Input returns the letters typed and not committed, as typed.
func (c *Composer) Input() string { return string(c.input) }

// Text returns the committed text.
func (c *Composer) Text() string { return c.text }

// Reset empties the input and the committed text.
func (c *Composer) Reset() {
	c.input, c.text, c.cached = c.input[:0], "", false
}

// Pending returns the input for the pre-edit area, split into syllables
// with ' the way the first candidate reads it ("she'bao", "xi'an" when
// 西安 leads), and the letters after that candidate the way that needs
// fewest syllables ("she'bao'ka", "s'b'c'b").
func (c *Composer) Pending() string {
	if len(c.input) == 0 {
		return ""
	}
	c.compute(1)
	in := string(c.input)
	cut := make([]bool, len(in)+1)
	from := 0
	for _, p := range c.cuts {
		cut[p] = true
	}
	if len(c.cands) > 0 {
		from = c.cands[0].Consumed
	}
	for _, p := range split(in, from) {
		cut[p] = true
	}
	var b strings.Builder
	for p := range len(in) {
		if p > 0 && cut[p] && in[p-1] != '\'' && in[p] != '\'' {
			b.WriteByte('\'')
		}
		b.WriteByte(in[p])
	}
	return b.String()
}

// split returns where the syllables of in[from:] end, reading it with as few
// tokens as it can: a spelled syllable costs 1, a begun or abbreviated one 3,
// a letter that starts no syllable 10. Of equal readings it takes the one
// with the longer first syllable (fang'an, not fan'gan).
func split(in string, from int) []int {
	const never = 1 << 30
	cost := make([]int, len(in)+1)
	next := make([]int, len(in)+1)
	for p := len(in) - 1; p >= from; p-- {
		if in[p] == '\'' {
			cost[p], next[p] = cost[p+1], p+1
			continue
		}
		cost[p] = never
		for l := min(syllable.MaxLen, len(in)-p); l >= 1; l-- {
			s := in[p : p+l]
			if strings.IndexByte(s, '\'') >= 0 {
				continue
			}
			c := 10
			if _, ok := syllable.ID(s); ok {
				c = 1
			} else if lo, hi := syllable.PrefixRange(s); lo < hi {
				c = 3
			} else if l > 1 {
				continue
			}
			if c+cost[p+l] < cost[p] {
				cost[p], next[p] = c+cost[p+l], p+l
			}
		}
	}
	var ends []int
	for p := from; p < len(in); p = next[p] {
		if in[p] != '\'' {
			ends = append(ends, next[p])
		}
	}
	return ends
}
