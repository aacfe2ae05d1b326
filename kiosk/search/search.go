// Package search finds service items as a citizen types: Chinese, full
// pinyin (shebao) and pinyin initials (sbcb), ranked with name matches
// first, then aliases, then the guide text.
//
// The index is built once per catalogue version. Chinese queries go through
// posting lists of character pairs, so "证明" costs what its hits cost, not
// what the catalogue's text costs. Pinyin and English match only where a
// syllable (or an English word) starts, so every such position is listed,
// sorted by the three letters there: a query reads one range of that list.
// Queries of one or two letters hit most of a large catalogue; their ranked
// answers (the best 256) are computed when the index is built.
package search

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"govkiosk/kiosk"
)

// Match says how an item matched.
type Match uint8

const (
	MatchNone Match = iota
	MatchName
	MatchAlias
	MatchPinyin
	MatchInitials
	MatchEnglish
	MatchGuide
)

var matchNames = [...]string{"none", "name", "alias", "pinyin", "initials", "english", "guide"}

func (m Match) String() string { return matchNames[m] }

// Result is one ranked hit.
type Result struct {
	Item  *kiosk.Item
	Score int
	Match Match
}

// Scores: name beats alias beats guide; exact beats prefix beats contains.
const (
	scoreNameExact     = 1000
	scoreNamePrefix    = 900
	scorePinyinPrefix  = 860
	scoreNameContains  = 800
	scorePinyinInside  = 760
	scoreAliasExact    = 700
	scoreAliasPrefix   = 650
	scoreAliasContains = 600
	scoreAliasPinyin   = 560
	scoreEnglishPrefix = 520
	scoreEnglishInside = 450
	scoreGuide         = 300
	maxScore           = 1024
)

// Text tiers of a posting: where in the item a character pair occurs.
const (
	tierName uint32 = iota
	tierAlias
	tierGuide
)

// entry holds an item's texts lower-cased once, so queries compare bytes.
type entry struct {
	item    *kiosk.Item
	name    string
	aliases []string
	guide   string
	nameLen int
}

// Reading kinds in the ASCII buffer.
const (
	kindNameFull uint8 = iota
	kindNameInitials
	kindAliasFull
	kindAliasInitials
	kindEnglish
)

type span struct {
	start, end int32 // offsets in buf
	entry      int32
	kind       uint8
}

// anchor is a position where a match may start: a syllable start in a full
// reading, any letter of initials, a word start in English.
type anchor struct {
	at   int32
	span int32
}

// shortMax is how many ranked answers are kept for one- and two-letter
// queries; a citizen pages through far fewer.
const shortMax = 256

type ranked struct {
	entry int32
	score int16
	match Match
}

// Index is a search index over one catalogue. Built once (New), it is
// immutable; it is safe for concurrent use.
type Index struct {
	entries []entry
	// post maps a character pair (or a single character, second rune -1) to
	// the entries holding it, each as entry<<2 | best tier, sorted by entry.
	post    map[[2]rune][]uint32
	buf     string
	spans   []span
	anchors []anchor // sorted by the three bytes at each, then position
	short   map[string][]ranked
	pool    sync.Pool

	cat   *kiosk.Catalog
	built sync.Once
}

// New returns an index of every item of cat. It is built on first use or
// by Prepare: building takes tens of milliseconds (pinyin readings, the
// ranked answers to short queries), which a kiosk spends after its first
// frame rather than before it.
func New(cat *kiosk.Catalog) *Index {
	return &Index{cat: cat}
}

// Prepare builds the index now if it is not built yet; Search would
// otherwise build it at the first query, while a citizen waits.
func (ix *Index) Prepare() { ix.built.Do(ix.build) }

func (ix *Index) build() {
	cat := ix.cat
	ix.entries, ix.post = make([]entry, len(cat.Items)), map[[2]rune][]uint32{}
	var buf strings.Builder
	add := func(e int, kind uint8, s string, starts []int) {
		at := buf.Len()
		sp := int32(len(ix.spans))
		switch kind {
		case kindNameInitials, kindAliasInitials:
			for i := range s {
				ix.anchors = append(ix.anchors, anchor{int32(at + i), sp})
			}
		case kindEnglish:
			for i := range s {
				if s[i] != ' ' && (i == 0 || s[i-1] == ' ') {
					ix.anchors = append(ix.anchors, anchor{int32(at + i), sp})
				}
			}
		default:
			for _, st := range starts {
				ix.anchors = append(ix.anchors, anchor{int32(at + st), sp})
			}
		}
		buf.WriteString(s)
		ix.spans = append(ix.spans, span{start: int32(at), end: int32(buf.Len()), entry: int32(e), kind: kind})
		buf.WriteByte(0)
	}
	for i := range cat.Items {
		it := &cat.Items[i]
		e := entry{item: it, name: strings.ToLower(it.Name.ZH), guide: strings.ToLower(guideText(cat, it)),
			nameLen: utf8.RuneCountInString(it.Name.ZH)}
		for _, a := range it.Aliases {
			e.aliases = append(e.aliases, strings.ToLower(a))
		}
		ix.entries[i] = e
		ix.postText(uint32(i), e)
		for _, f := range readings(e.name) {
			add(i, kindNameFull, f.full, f.starts)
			add(i, kindNameInitials, f.initials, nil)
		}
		for _, a := range e.aliases {
			for _, f := range readings(a) {
				add(i, kindAliasFull, f.full, f.starts)
				add(i, kindAliasInitials, f.initials, nil)
			}
		}
		if it.Name.EN != "" {
			add(i, kindEnglish, strings.ToLower(it.Name.EN), nil)
		}
	}
	ix.buf = buf.String()
	slices.SortFunc(ix.anchors, func(a, b anchor) int {
		if c := strings.Compare(ix.key(a.at), ix.key(b.at)); c != 0 {
			return c
		}
		return cmp.Compare(a.at, b.at)
	})
	ix.pool.New = func() any {
		return &scratch{scores: make([]int32, len(ix.entries)), matches: make([]Match, len(ix.entries)), hist: make([]int32, maxScore*64)}
	}
	ix.buildShort()
}

// key is the (up to) three bytes at an anchor that sort the anchor list.
func (ix *Index) key(at int32) string {
	end := min(int(at)+3, len(ix.buf))
	k := ix.buf[at:end]
	if i := strings.IndexByte(k, 0); i >= 0 {
		k = k[:i]
	}
	return k
}

// anchorRange is the range of anchors whose text starts with prefix (at
// most three bytes long).
func (ix *Index) anchorRange(prefix string) (int, int) {
	lo := sort.Search(len(ix.anchors), func(i int) bool { return ix.key(ix.anchors[i].at) >= prefix })
	hi := sort.Search(len(ix.anchors), func(i int) bool {
		k := ix.key(ix.anchors[i].at)
		return k > prefix && !strings.HasPrefix(k, prefix)
	})
	return lo, hi
}

// buildShort ranks the answers to every one- and two-letter query.
func (ix *Index) buildShort() {
	ix.short = map[string][]ranked{}
	sc := ix.pool.Get().(*scratch)
	defer ix.pool.Put(sc)
	seen := map[string]bool{}
	for _, a := range ix.anchors {
		k := ix.key(a.at)
		for n := 1; n <= min(2, len(k)); n++ {
			q := k[:n]
			if seen[q] || strings.ContainsRune(q, ' ') {
				continue
			}
			seen[q] = true
			ix.scan(q, true, true, sc)
			ix.short[q] = ix.rank(sc, shortMax)
			sc.reset()
		}
	}
}

// guideText is what a guide-text match searches: the summary, conditions,
// materials, process, category and department.
func guideText(cat *kiosk.Catalog, it *kiosk.Item) string {
	parts := []string{it.Summary, it.Category, cat.Department(it.Department).Name.ZH}
	parts = append(parts, it.Conditions...)
	parts = append(parts, it.Process...)
	for _, m := range it.Materials {
		parts = append(parts, m.Name)
	}
	return strings.Join(parts, "\n")
}

// postText adds entry id to the posting list of every character and
// character pair of its texts, with the best tier each occurs in.
func (ix *Index) postText(id uint32, e entry) {
	best := map[[2]rune]uint32{}
	note := func(k [2]rune, tier uint32) {
		if t, ok := best[k]; !ok || tier < t {
			best[k] = tier
		}
	}
	scan := func(s string, tier uint32) {
		prev := rune(-1)
		for _, r := range s {
			if unicode.IsSpace(r) {
				prev = -1
				continue
			}
			note([2]rune{r, -1}, tier)
			if prev >= 0 {
				note([2]rune{prev, r}, tier)
			}
			prev = r
		}
	}
	scan(e.name, tierName)
	for _, a := range e.aliases {
		scan(a, tierAlias)
	}
	scan(e.guide, tierGuide)
	for k, tier := range best {
		ix.post[k] = append(ix.post[k], id<<2|tier)
	}
}

type scratch struct {
	scores  []int32
	matches []Match
	touched []int32
	hist    []int32 // by ranking key, see top
}

// Search returns at most limit items matching q, best first. An empty query
// matches nothing.
func (ix *Index) Search(q string, limit int) []Result {
	q = strings.TrimSpace(q)
	if q == "" || limit <= 0 {
		return nil
	}
	ix.Prepare()
	sc := ix.pool.Get().(*scratch)
	defer ix.pool.Put(sc)
	if isASCII(q) {
		ix.searchASCII(q, sc)
	}
	ix.searchText(q, limit, sc)
	hits := ix.rank(sc, limit)
	sc.reset()
	out := make([]Result, len(hits))
	for i, h := range hits {
		out[i] = Result{Item: ix.entries[h.entry].item, Score: int(h.score), Match: h.match}
	}
	return out
}

func (sc *scratch) reset() {
	for _, id := range sc.touched {
		sc.scores[id], sc.matches[id] = 0, MatchNone
	}
	sc.touched = sc.touched[:0]
}

func (sc *scratch) hit(id int32, score int, m Match) {
	if s := int32(score); s > sc.scores[id] {
		if sc.scores[id] == 0 {
			sc.touched = append(sc.touched, id)
		}
		sc.scores[id], sc.matches[id] = s, m
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// searchText matches q literally against names, aliases and guide text.
func (ix *Index) searchText(q string, limit int, sc *scratch) {
	q = strings.ToLower(q)
	runes := []rune(strings.Join(strings.Fields(q), ""))
	var keys [][2]rune
	if len(runes) == 1 {
		keys = append(keys, [2]rune{runes[0], -1})
	}
	for i := 1; i < len(runes); i++ {
		keys = append(keys, [2]rune{runes[i-1], runes[i]})
	}
	cands := ix.intersect(keys)
	// With one key the posting's tier is exact; with more, the pairs may sit
	// apart, so the candidate is checked against its texts. Guide texts are
	// long, and a guide hit ranks below every name or alias hit, so they are
	// read only when names and aliases gave fewer than limit hits.
	exact := len(keys) == 1 && !strings.ContainsRune(q, ' ')
	var rest []int32
	strong := 0
	for _, p := range cands {
		id, tier := int32(p>>2), p&3
		e := &ix.entries[id]
		if (!exact || tier == tierName) && strings.Contains(e.name, q) {
			sc.hit(id, nameScore(e.name, q), MatchName)
			strong++
			continue
		}
		if !exact || tier <= tierAlias {
			if s := aliasScore(e.aliases, q); s > 0 {
				sc.hit(id, s, MatchAlias)
				strong++
				continue
			}
		}
		rest = append(rest, id)
	}
	if strong >= limit {
		return
	}
	for _, id := range rest {
		if exact || strings.Contains(ix.entries[id].guide, q) {
			sc.hit(id, scoreGuide, MatchGuide)
		}
	}
}

func nameScore(name, q string) int {
	switch {
	case name == q:
		return scoreNameExact
	case strings.HasPrefix(name, q):
		return scoreNamePrefix
	}
	return scoreNameContains
}

func aliasScore(aliases []string, q string) int {
	best := 0
	for _, a := range aliases {
		s := 0
		switch {
		case a == q:
			s = scoreAliasExact
		case strings.HasPrefix(a, q):
			s = scoreAliasPrefix
		case strings.Contains(a, q):
			s = scoreAliasContains
		}
		best = max(best, s)
	}
	return best
}

// intersect returns the postings of the first key whose entries appear in
// every key's list, shortest list first.
func (ix *Index) intersect(keys [][2]rune) []uint32 {
	if len(keys) == 0 {
		return nil
	}
	lists := make([][]uint32, 0, len(keys))
	for _, k := range keys {
		l, ok := ix.post[k]
		if !ok {
			return nil
		}
		lists = append(lists, l)
	}
	sort.Slice(lists, func(i, j int) bool { return len(lists[i]) < len(lists[j]) })
	out := lists[0]
	for _, l := range lists[1:] {
		var keep []uint32
		j := 0
		for _, p := range out {
			for j < len(l) && l[j]>>2 < p>>2 {
				j++
			}
			if j == len(l) {
				break
			}
			if l[j]>>2 == p>>2 {
				keep = append(keep, p)
			}
		}
		if out = keep; len(out) == 0 {
			return nil
		}
	}
	return out
}

// searchASCII matches a Latin query against every reading in the buffer:
// pinyin with spaces and apostrophes removed ("she bao", "xi'an"), English
// names as typed.
func (ix *Index) searchASCII(q string, sc *scratch) {
	q = strings.ToLower(q)
	joined := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\'' {
			return -1
		}
		return r
	}, q)
	if joined != "" {
		ix.scan(joined, true, joined == q, sc)
	}
	if joined != q {
		ix.scan(q, false, true, sc)
	}
}

// scan scores every anchor where needle starts. Full pinyin and English
// only match from a syllable or word start (so "bao" finds 社保 but "aob"
// does not); initials match from any letter.
func (ix *Index) scan(needle string, pinyinOK, englishOK bool, sc *scratch) {
	if len(needle) <= 2 && pinyinOK && englishOK && ix.short != nil {
		for _, r := range ix.short[needle] {
			sc.hit(r.entry, int(r.score), r.match)
		}
		return
	}
	lo, hi := ix.anchorRange(needle[:min(3, len(needle))])
	for _, a := range ix.anchors[lo:hi] {
		if len(needle) > 3 && !strings.HasPrefix(ix.buf[a.at:], needle) {
			continue
		}
		sp := &ix.spans[a.span]
		prefix := a.at == sp.start
		score, m := 0, MatchPinyin
		switch {
		case sp.kind == kindEnglish:
			if englishOK {
				score, m = pick(prefix, scoreEnglishPrefix, scoreEnglishInside), MatchEnglish
			}
		case !pinyinOK:
		case sp.kind == kindNameFull:
			score = pick(prefix, scorePinyinPrefix, scorePinyinInside)
		case sp.kind == kindNameInitials:
			score, m = pick(prefix, scorePinyinPrefix, scorePinyinInside)-10, MatchInitials
		case sp.kind == kindAliasFull:
			score, m = pick(prefix, scoreAliasPinyin+20, scoreAliasPinyin), MatchAlias
		case sp.kind == kindAliasInitials:
			score, m = pick(prefix, scoreAliasPinyin+10, scoreAliasPinyin-10), MatchAlias
		}
		if score > 0 {
			sc.hit(sp.entry, score, m)
		}
	}
}

func pick(prefix bool, p, c int) int {
	if prefix {
		return p
	}
	return c
}

// rank selects the limit best hits: score, then shorter name, then
// catalogue order. A histogram of the keys finds the cut-off in one pass,
// so a query that hits every item sorts only the ones it returns.
func (ix *Index) rank(sc *scratch, limit int) []ranked {
	key := func(id int32) int {
		return int(sc.scores[id])*64 + 63 - min(ix.entries[id].nameLen, 63)
	}
	hist := sc.hist
	for _, id := range sc.touched {
		hist[key(id)]++
	}
	cut, n := len(hist)-1, int32(0)
	for ; cut > 0 && n < int32(limit); cut-- {
		n += hist[cut]
	}
	var hits []int32
	for _, id := range sc.touched {
		hist[key(id)] = 0
		if key(id) > cut {
			hits = append(hits, id)
		}
	}
	sort.Slice(hits, func(i, j int) bool {
		ki, kj := key(hits[i]), key(hits[j])
		if ki != kj {
			return ki > kj
		}
		return hits[i] < hits[j]
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	out := make([]ranked, len(hits))
	for i, h := range hits {
		out[i] = ranked{entry: h, score: int16(sc.scores[h]), match: sc.matches[h]}
	}
	return out
}
