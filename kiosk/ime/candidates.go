package ime

import (
	"cmp"
	"math"
	"slices"
	"strings"

	"govkiosk/kiosk/ime/internal/syllable"
)

// Candidate is one choice offered for the letters typed.
type Candidate struct {
	Text     string // the characters that picking it commits: "社保"
	Pinyin   string // their syllables, space-separated: "she bao"
	Consumed int    // how many bytes of the input it covers, from the start, separators (') included
}

// tok is a run of typed letters read as one syllable: spelled out, begun
// (the last letters typed), or abbreviated to its initial.
type tok struct {
	end   int     // the letters are in[start:end]
	next  int     // where the next token starts: end plus any separators
	r     idRange // the syllables it can stand for
	exact int32   // the syllable the letters spell, or -1
}

// seq is a run of 1–4 tokens: what a word of as many syllables must match.
type seq struct {
	toks [maxSyllables]tok
	n    int
}

func (s *seq) end() int { return s.toks[s.n-1].next }

func (s *seq) ranges(buf *[maxSyllables]idRange) []idRange {
	for i := range s.n {
		buf[i] = s.toks[i].r
	}
	return buf[:s.n]
}

// abbreviated counts the syllables of a k-syllable key that its tokens do
// not spell out.
func (s *seq) abbreviated(key uint64) int {
	n := 0
	for i := range s.n {
		if int32(uint16(key>>shift(i))) != s.toks[i].exact {
			n++
		}
	}
	return n
}

// query is one input, read into tokens.
type query struct {
	d       *Dict
	in      string
	begin   int     // the first letter, after any leading separators
	toks    [][]tok // toks[p]: the tokens starting at p
	spelled bool    // the whole input reads as syllables (the last may be begun)
	// rest[p]: in a spelled input, in[p:] reads as syllables too, so a
	// word may end at p.
	rest []bool
}

// newQuery normalises the input (lower case; it ends at the first byte that
// is not a letter or a separator, and after MaxInput bytes) and reads it
// into tokens. It returns nil when there is nothing to read.
func (d *Dict) newQuery(input string) *query {
	n := 0
	for n < len(input) && n < MaxInput && (isLetter(input[n]) || input[n] == '\'') {
		n++
	}
	in := strings.ToLower(input[:n])
	q := &query{d: d, in: in}
	for q.begin < len(in) && in[q.begin] == '\'' {
		q.begin++
	}
	if q.begin == len(in) {
		return nil
	}
	q.toks = tokens(in, false)
	q.rest = make([]bool, len(in)+1)
	q.rest[len(in)] = true
	for p := len(in) - 1; p >= 0; p-- {
		if in[p] == '\'' {
			q.rest[p] = q.rest[p+1]
			continue
		}
		for _, t := range q.toks[p] {
			if q.rest[t.next] {
				q.rest[p] = true
				break
			}
		}
	}
	q.spelled = q.rest[q.begin]
	if !q.spelled {
		q.toks = tokens(in, true)
	}
	return q
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// tokens lists the tokens at each position of in: every syllable spelled
// there; every syllable begun there if the letters run to the end of the
// input; and, when abbrev is set, every syllable with the initial there
// (one letter, or zh, ch, sh).
func tokens(in string, abbrev bool) [][]tok {
	toks := make([][]tok, len(in)+1)
	for p := range len(in) {
		for l := 1; l <= syllable.MaxLen && p+l <= len(in) && in[p+l-1] != '\''; l++ {
			s := in[p : p+l]
			id, spelled := syllable.ID(s)
			var r idRange
			if p+l == len(in) || abbrev && (l == 1 || l == 2 && s[1] == 'h' && strings.IndexByte("zcs", s[0]) >= 0) {
				r.lo, r.hi = syllable.PrefixRange(s)
			}
			if r.lo == r.hi {
				if !spelled {
					continue
				}
				r = idRange{id, id + 1}
			}
			t := tok{end: p + l, next: p + l, r: r, exact: -1}
			if spelled {
				t.exact = int32(id)
			}
			for t.next < len(in) && in[t.next] == '\'' {
				t.next++
			}
			toks[p] = append(toks[p], t)
		}
	}
	return toks
}

// walk calls fn with every run of 1–4 tokens from p.
func (q *query) walk(p int, fn func(s *seq)) {
	var s seq
	var rec func(p, depth int)
	rec = func(p, depth int) {
		for _, t := range q.toks[p] {
			s.toks[depth] = t
			s.n = depth + 1
			fn(&s)
			if depth+1 < maxSyllables {
				rec(t.next, depth+1)
			}
		}
	}
	rec(p, 0)
}

// hit is one word matched by one run of tokens.
type hit struct {
	seq    int // index into the query's runs
	k      int // syllables
	key    int // index into Dict.keys[k-1]
	ent    int // index into Dict.ents[k-1]
	abbr   int // syllables not spelled out
	weight uint32
}

// Candidates returns the best n candidates for input (all of them when
// n <= 0), in the order the package comment gives. Input is as a
// Composer holds it: see newQuery for how other bytes are treated.
func (d *Dict) Candidates(input string, n int) []Candidate {
	c, _ := d.candidates(input, n)
	return c
}

// candidates also returns where the syllables of the first candidate end,
// to show the input split as that candidate reads it.
func (d *Dict) candidates(input string, n int) ([]Candidate, []int) {
	q := d.newQuery(input)
	if q == nil {
		return nil, nil
	}
	L := len(q.in)
	var runs []seq
	q.walk(q.begin, func(s *seq) {
		if e := s.end(); e == L || !q.spelled || q.rest[e] {
			runs = append(runs, *s)
		}
	})
	// Longest first; runs of one length stay in the order walked.
	slices.SortStableFunc(runs, func(a, b seq) int { return cmp.Compare(b.end(), a.end()) })

	var (
		out  []Candidate
		cuts []int
		seen = map[string]bool{}
		hits []hit
		buf  [maxSyllables]idRange
	)
	full := func() bool { return n > 0 && len(out) >= n }
	for i, first := 0, true; i < len(runs) && !full(); first = false {
		end := runs[i].end()
		hits = hits[:0]
		for ; i < len(runs) && runs[i].end() == end; i++ {
			s := &runs[i]
			d.each(s.ranges(&buf), func(key int) {
				abbr := s.abbreviated(d.keys[s.n-1][key])
				from, to := d.first[s.n-1][key], d.first[s.n-1][key+1]
				if n > 0 && to-from > uint32(n) {
					// A key's words are distinct and heaviest first: its
					// (n+1)th is behind n others, even after dropping those
					// already offered (fewer than n).
					to = from + uint32(n)
				}
				for e := from; e < to; e++ {
					hits = append(hits, hit{i, s.n, key, int(e), abbr, d.ents[s.n-1][e].weight})
				}
			})
		}
		if first && (end < L || len(hits) == 0) {
			// No word covers the whole input: a sentence that does comes first.
			if c, c2, ok := q.sentence(); ok {
				out, cuts = append(out, c), c2
				seen[c.Text] = true
			}
		}
		slices.SortFunc(hits, func(a, b hit) int {
			return cmp.Or(cmp.Compare(a.abbr, b.abbr), cmp.Compare(b.weight, a.weight),
				cmp.Compare(a.k, b.k), cmp.Compare(a.key, b.key), cmp.Compare(a.ent, b.ent))
		})
		for _, h := range hits {
			if full() {
				break
			}
			text := d.ents[h.k-1][h.ent].text
			if seen[text] {
				continue
			}
			seen[text] = true
			if len(out) == 0 {
				cuts = runs[h.seq].cuts(nil)
			}
			out = append(out, Candidate{text, pinyin(d.keys[h.k-1][h.key], h.k), end})
		}
	}
	return out, cuts
}

// cuts appends where each token's letters end.
func (s *seq) cuts(dst []int) []int {
	for i := range s.n {
		dst = append(dst, s.toks[i].end)
	}
	return dst
}

// abbrevCost is what reading a syllable from fewer letters costs a
// sentence, in log-probability: by it "she" beats "s"+"h"+"e".
const abbrevCost = 2.0

// sentence finds the most probable run of words covering the whole input,
// scoring a word by log(weight/total) less abbrevCost per abbreviated
// syllable (a unigram model: each extra word costs its probability, so
// long words win over strings of characters). It reports false unless the
// best run has two words or more.
func (q *query) sentence() (Candidate, []int, bool) {
	d, L := q.d, len(q.in)
	reach := make([]bool, L+1)
	reach[q.begin] = true
	for p := q.begin; p < L; p++ {
		if reach[p] {
			for _, t := range q.toks[p] {
				reach[t.next] = true
			}
		}
	}
	type step struct {
		score float64
		ok    bool
		run   seq
		key   int // the word: the first (heaviest) of key's words
	}
	best := make([]step, L+1)
	best[L].ok = true
	var buf [maxSyllables]idRange
	for p := L - 1; p >= q.begin; p-- {
		if !reach[p] || len(q.toks[p]) == 0 {
			continue
		}
		q.walk(p, func(s *seq) {
			after := best[s.end()]
			if !after.ok {
				return
			}
			keys, first, ents := d.keys[s.n-1], d.first[s.n-1], d.ents[s.n-1]
			d.each(s.ranges(&buf), func(key int) {
				w := ents[first[key]].weight
				score := math.Log(float64(w)+1) - d.logTotal - abbrevCost*float64(s.abbreviated(keys[key])) + after.score
				if !best[p].ok || score > best[p].score {
					best[p] = step{score, true, *s, key}
				}
			})
		})
	}
	if !best[q.begin].ok || best[q.begin].run.end() == L {
		return Candidate{}, nil, false
	}
	var text, py strings.Builder
	var cuts []int
	for p := q.begin; p < L; p = best[p].run.end() {
		st := &best[p]
		k := st.run.n
		text.WriteString(d.ents[k-1][d.first[k-1][st.key]].text)
		if py.Len() > 0 {
			py.WriteByte(' ')
		}
		py.WriteString(pinyin(d.keys[k-1][st.key], k))
		cuts = st.run.cuts(cuts)
	}
	return Candidate{text.String(), py.String(), L}, cuts, true
}
