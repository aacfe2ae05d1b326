package ime

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"govkiosk/kiosk/ime/internal/syllable"
)

// ErrCorrupt classifies every error of Load: the data is not a dictionary
// this version can read. Retrying cannot help; regenerating the asset can.
var ErrCorrupt = errors.New("corrupt pinyin dictionary (regenerate assets/ime with go generate ./kiosk/ime)")

// maxText bounds the unpacked dictionary, so corrupt data cannot make Load
// allocate without limit. The real one is about 1.1 MB.
const maxText = 16 << 20

const magic = "govkiosk-ime 1"

// Dict is a loaded pinyin dictionary. Its words are grouped by key (the
// word's syllables); the keys of each length are kept sorted in one array of
// packed syllable IDs, so the keys that a typed input can match are found
// with a few binary searches instead of a trie of pointers.
type Dict struct {
	// keys[k-1] holds the keys of k syllables, sorted; a key packs its
	// syllable IDs 16 bits each, the first syllable highest.
	keys [maxSyllables][]uint64
	// The words of keys[k-1][i] are ents[k-1][first[k-1][i]:first[k-1][i+1]],
	// heaviest first.
	first [maxSyllables][]uint32
	ents  [maxSyllables][]entry

	logTotal float64 // log of the sum of all weights, to turn weights into probabilities
	source   string
	count    int
}

type entry struct {
	text   string
	weight uint32
}

// Len returns the number of words (readings) in the dictionary.
func (d *Dict) Len() int { return d.count }

// Source names where the dictionary came from: Debian package and version.
func (d *Dict) Source() string { return d.source }

func (d *Dict) String() string { return fmt.Sprintf("ime.Dict{%d words, %s}", d.count, d.source) }

// Load reads a dictionary in the format of assets/ime/pinyin_simp.txt.gz:
// gzip'd UTF-8 text of
//
//	govkiosk-ime 1<TAB>keys=K<TAB>entries=N<TAB>source=...
//	pin yin<TAB>word weight<TAB>word weight...
//
// with one line per key (1–4 syllables from the syllable table, spelled as
// the table spells them), keys strictly increasing by syllable ID (a key
// before its extensions), each word having one character per syllable, and
// each line's words by weight, heaviest first. Anything else is an error
// wrapping ErrCorrupt that names the line.
func Load(data []byte) (*Dict, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("ime: unpack dictionary: %v: %w", err, ErrCorrupt)
	}
	raw, err := io.ReadAll(io.LimitReader(zr, maxText+1))
	if err != nil { // a truncated or altered stream fails its CRC here
		return nil, fmt.Errorf("ime: unpack dictionary: %v: %w", err, ErrCorrupt)
	}
	if len(raw) > maxText {
		return nil, fmt.Errorf("ime: dictionary unpacks to more than %d bytes: %w", maxText, ErrCorrupt)
	}
	return parse(string(raw))
}

func corrupt(line int, format string, args ...any) error {
	return fmt.Errorf("ime: dictionary line %d: %s: %w", line, fmt.Sprintf(format, args...), ErrCorrupt)
}

// parse builds a Dict over text; the words are substrings of text, so the
// dictionary costs one string, not one per word.
func parse(text string) (*Dict, error) {
	header, rest, _ := strings.Cut(text, "\n")
	d := &Dict{}
	nKeys, nEntries, err := d.parseHeader(header, len(text))
	if err != nil {
		return nil, err
	}
	var (
		prev  [maxSyllables]uint16
		nPrev int
		total float64
		keys  int
	)
	for line := 2; rest != ""; line++ {
		var l string
		var ok bool
		if l, rest, ok = strings.Cut(rest, "\n"); !ok {
			return nil, corrupt(line, "no newline at the end of the file")
		}
		pinyin, words, ok := strings.Cut(l, "\t")
		if !ok {
			return nil, corrupt(line, "want pin yin<TAB>word weight..., got %.40q", l)
		}
		var ids [maxSyllables]uint16
		n := 0
		for s := range strings.SplitSeq(pinyin, " ") {
			id, ok := syllable.ID(s)
			if !ok || syllable.String(id) != s {
				return nil, corrupt(line, "%q is not a syllable", s)
			}
			if n == maxSyllables {
				return nil, corrupt(line, "key %q has more than %d syllables", pinyin, maxSyllables)
			}
			ids[n] = id
			n++
		}
		if slices.Compare(prev[:nPrev], ids[:n]) >= 0 {
			return nil, corrupt(line, "key %q out of order", pinyin)
		}
		prev, nPrev = ids, n
		k := n - 1
		ents := d.ents[k]
		last := uint64(math.MaxUint32)
		for w := range strings.SplitSeq(words, "\t") {
			sp := strings.LastIndexByte(w, ' ')
			if sp < 0 {
				return nil, corrupt(line, "want word weight, got %q", w)
			}
			weight, err := strconv.ParseUint(w[sp+1:], 10, 32)
			if err != nil {
				return nil, corrupt(line, "weight of %q: %v", w[:sp], err)
			}
			if weight > last {
				return nil, corrupt(line, "%q out of weight order", w[:sp])
			}
			word := w[:sp]
			if !utf8.ValidString(word) || strings.IndexByte(word, ' ') >= 0 || utf8.RuneCountInString(word) != n {
				return nil, corrupt(line, "word %q does not have one character per syllable of %q", word, pinyin)
			}
			last = weight
			total += float64(weight)
			ents = append(ents, entry{word, uint32(weight)})
		}
		d.ents[k] = ents
		d.keys[k] = append(d.keys[k], pack(ids[:n]))
		d.first[k] = append(d.first[k], uint32(len(ents)))
		keys++
	}
	for k := range d.ents {
		d.count += len(d.ents[k])
		// parseHeader sized every length for half the words; the kiosk
		// keeps the dictionary for good, so it keeps exact copies (~2 MB
		// less than the arrays as grown).
		d.ents[k], d.keys[k], d.first[k] = slices.Clone(d.ents[k]), slices.Clone(d.keys[k]), slices.Clone(d.first[k])
	}
	if keys != nKeys || d.count != nEntries {
		return nil, corrupt(1, "header promises %d keys and %d words, file has %d and %d (truncated?)", nKeys, nEntries, keys, d.count)
	}
	d.logTotal = math.Log(total + 1)
	return d, nil
}

// parseHeader checks the magic and reads the counts, which also size the
// arrays: they are bounded by the text's length so a corrupt count cannot
// demand a huge allocation.
func (d *Dict) parseHeader(header string, size int) (keys, entries int, err error) {
	fields := strings.Split(header, "\t")
	if fields[0] != magic {
		return 0, 0, corrupt(1, "want %q, got %.40q", magic, fields[0])
	}
	keys, entries = -1, -1
	for _, f := range fields[1:] {
		name, val, _ := strings.Cut(f, "=")
		switch name {
		case "keys", "entries":
			n, err := strconv.Atoi(val)
			if err != nil || n < 0 || n > size/4 {
				return 0, 0, corrupt(1, "bad count %q", f)
			}
			if name == "keys" {
				keys = n
			} else {
				entries = n
			}
		case "source":
			d.source = val
		}
	}
	if keys < 0 || entries < 0 {
		return 0, 0, corrupt(1, "header lacks keys= or entries=")
	}
	// Most words have two syllables: size for them, let the rest grow.
	for k := range d.ents {
		d.ents[k] = make([]entry, 0, entries/2)
		d.keys[k] = make([]uint64, 0, keys/2)
		d.first[k] = append(make([]uint32, 0, keys/2+1), 0)
	}
	return keys, entries, nil
}

// pack puts up to four syllable IDs into one key, the first highest, so
// that keys sort as their syllables do.
func pack(ids []uint16) uint64 {
	var key uint64
	for i, id := range ids {
		key |= uint64(id) << shift(i)
	}
	return key
}

func shift(i int) uint { return uint(48 - 16*i) }

// pinyin spells out a k-syllable key: "she bao".
func pinyin(key uint64, k int) string {
	var b strings.Builder
	for i := range k {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(syllable.String(uint16(key >> shift(i))))
	}
	return b.String()
}

// idRange is the syllables a typed token can stand for: IDs [lo, hi).
type idRange struct{ lo, hi uint16 }

// each calls fn with the index of every key of len(r) syllables whose i-th
// syllable lies in r[i], in key order. It walks the sorted keys and, at the
// first key that falls outside the ranges, jumps by binary search to the
// next key that could be inside: the cost is the number of distinct key
// prefixes inside the ranges, not the number of keys.
func (d *Dict) each(r []idRange, fn func(i int)) {
	k := len(r)
	keys := d.keys[k-1]
	// low(from) sets syllables from..k-1 of a key to the lowest they may be.
	low := func(from int) uint64 {
		var v uint64
		for i := from; i < k; i++ {
			v |= uint64(r[i].lo) << shift(i)
		}
		return v
	}
	pos, _ := slices.BinarySearch(keys, low(0))
	for pos < len(keys) {
		key := keys[pos]
		inside, next := true, uint64(0)
		for i := range k {
			id := uint16(key >> shift(i))
			prefix := key & (^uint64(0) << (shift(i) + 16)) // syllables 0..i-1
			if id < r[i].lo {
				inside, next = false, prefix|low(i)
				break
			}
			if id >= r[i].hi {
				if i == 0 {
					return
				}
				// IDs stay far below 1<<16, so adding one never carries over.
				inside, next = false, (prefix+1<<shift(i-1))|low(i)
				break
			}
		}
		if inside {
			fn(pos)
			pos++
			continue
		}
		skip, _ := slices.BinarySearch(keys[pos:], next)
		pos += skip
	}
}
