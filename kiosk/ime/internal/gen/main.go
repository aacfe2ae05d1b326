// Command gen converts Debian's rime-data-pinyin-simp dictionary into the
// asset of the pinyin input method, assets/ime/pinyin_simp.txt.gz, and copies
// its licence beside it. It runs from `go generate ./kiosk/ime` and needs the
// package installed (apt-get install -y rime-data-pinyin-simp); nothing else
// needs it.
//
// What it changes, so that a review of the asset can start here:
//   - words of more than 4 characters are left out (the upstream file has none);
//   - the obscenities and insults in blocked.txt are left out;
//   - the government-service words in terms.tsv are ranked up, or added.
//
// The asset is gzip'd UTF-8 text, the format that kiosk/ime's Load documents:
// a header line, then one line per pinyin key in key order, each with its
// words by weight.
package main

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"govkiosk/kiosk/ime/internal/syllable"
)

const (
	pkg          = "rime-data-pinyin-simp"
	maxSyllables = 4
	magic        = "govkiosk-ime 1"
)

//go:embed blocked.txt
var blockedTxt string

//go:embed terms.tsv
var termsTSV string

func main() {
	src := flag.String("src", "/usr/share/rime-data/pinyin_simp.dict.yaml", "the upstream dictionary")
	copyright := flag.String("copyright", "/usr/share/doc/"+pkg+"/copyright", "the package's copyright file")
	apache := flag.String("apache", "/usr/share/common-licenses/Apache-2.0", "the Apache-2.0 licence text")
	out := flag.String("out", "../../assets/ime/pinyin_simp.txt.gz", "the asset to write")
	licOut := flag.String("licence", "../../assets/ime/pinyin_simp.LICENSE", "where to copy the licence")
	flag.Parse()
	log.SetFlags(0)
	log.SetPrefix("ime/gen: ")

	version, err := exec.Command("dpkg-query", "-W", "-f", "${Version}", pkg).Output()
	if err != nil {
		log.Fatalf("%s is not installed (%v); apt-get install -y %s", pkg, err, pkg)
	}
	f, err := os.Open(*src)
	if err != nil {
		log.Fatalf("%v; apt-get install -y %s", err, pkg)
	}
	words, st, err := readUpstream(f)
	f.Close()
	if err != nil {
		log.Fatalf("%s: %v", *src, err)
	}
	if err := applyTerms(words, termsTSV, &st); err != nil {
		log.Fatalf("terms.tsv: %v", err)
	}
	asset, err := encode(words, pkg+" "+string(version))
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, asset, 0o644); err != nil {
		log.Fatal(err)
	}
	if err := writeLicence(*licOut, *copyright, *apache); err != nil {
		log.Fatal(err)
	}
	log.Printf("%s %s: read %d entries, left out %d longer than %d characters and %d blocked; ranked up %d and added %d terms; wrote %d entries, %d bytes to %s",
		pkg, version, st.read, st.tooLong, maxSyllables, st.blocked, st.boosted, st.added, len(words), len(asset), *out)
}

type stats struct{ read, tooLong, blocked, boosted, added int }

// wordKey identifies one reading of one word.
type wordKey struct{ word, pinyin string }

func readUpstream(r io.Reader) (map[wordKey]uint64, stats, error) {
	blocked := map[string]bool{}
	for _, l := range strings.Split(blockedTxt, "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			blocked[l] = true
		}
	}
	var st stats
	words := map[wordKey]uint64{}
	sc := bufio.NewScanner(r)
	inHeader, n := true, 0
	for sc.Scan() {
		n++
		line := sc.Text()
		if inHeader { // YAML settings up to the "..." line
			inHeader = line != "..."
			continue
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		fields := strings.Split(line, "\t")
		if len(fields) < 2 || len(fields) > 3 {
			return nil, st, fmt.Errorf("line %d: want word<TAB>pin yin<TAB>weight, got %q", n, line)
		}
		st.read++
		w := uint64(0)
		if len(fields) == 3 {
			v, err := strconv.ParseUint(fields[2], 10, 32)
			if err != nil {
				return nil, st, fmt.Errorf("line %d: weight: %v", n, err)
			}
			w = v
		}
		k, err := checkWord(fields[0], fields[1])
		switch {
		case errors.Is(err, errTooLong):
			st.tooLong++
			continue
		case err != nil:
			return nil, st, fmt.Errorf("line %d: %v", n, err)
		case blocked[k.word]:
			st.blocked++
			continue
		}
		words[k] = max(words[k], w)
	}
	if err := sc.Err(); err != nil {
		return nil, st, err
	}
	if inHeader {
		return nil, st, errors.New(`no "..." line ending the YAML header: not a Rime dictionary`)
	}
	return words, st, nil
}

var errTooLong = errors.New("too long")

// checkWord validates one reading: known syllables, one per character.
func checkWord(word, pinyin string) (wordKey, error) {
	syl := strings.Fields(pinyin)
	if len(syl) > maxSyllables {
		return wordKey{}, errTooLong
	}
	for _, s := range syl {
		if !syllable.IsCanonical(s) {
			return wordKey{}, fmt.Errorf("%s %q: syllable %q is not in kiosk/ime/internal/syllable's table", word, pinyin, s)
		}
	}
	if !utf8.ValidString(word) || strings.ContainsAny(word, " \t") || utf8.RuneCountInString(word) != len(syl) || len(syl) == 0 {
		return wordKey{}, fmt.Errorf("%q %q: want one syllable per character", word, pinyin)
	}
	return wordKey{word, strings.Join(syl, " ")}, nil
}

// applyTerms ranks up the listed words, checking each reading against the
// dictionary's single characters so a typo cannot invent one.
func applyTerms(words map[wordKey]uint64, tsv string, st *stats) error {
	for n, line := range strings.Split(tsv, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return fmt.Errorf("line %d: want word<TAB>pin yin<TAB>weight", n+1)
		}
		k, err := checkWord(f[0], f[1])
		if err != nil {
			return fmt.Errorf("line %d: %v", n+1, err)
		}
		boost, err := strconv.ParseUint(f[2], 10, 32)
		if err != nil {
			return fmt.Errorf("line %d: weight: %v", n+1, err)
		}
		syl := strings.Fields(k.pinyin)
		for i, r := range []rune(k.word) {
			if _, ok := words[wordKey{string(r), syl[i]}]; !ok {
				return fmt.Errorf("line %d: %s: the dictionary does not read %c as %s", n+1, k.word, r, syl[i])
			}
		}
		if w, ok := words[k]; ok {
			words[k] = w + boost
			st.boosted++
		} else {
			words[k] = boost
			st.added++
		}
	}
	return nil
}

type entry struct {
	word   string
	weight uint64
}

type group struct {
	ids     []uint16
	pinyin  string
	entries []entry
}

// encode writes the asset: keys in syllable-ID order (a key before its
// extensions), each key's words by weight, then by text so the output is
// the same on every run.
func encode(words map[wordKey]uint64, source string) ([]byte, error) {
	byKey := map[string]*group{}
	for k, w := range words {
		if w > 1<<32-1 {
			return nil, fmt.Errorf("%s: weight %d overflows 32 bits", k.word, w)
		}
		g := byKey[k.pinyin]
		if g == nil {
			g = &group{pinyin: k.pinyin}
			for _, s := range strings.Fields(k.pinyin) {
				id, _ := syllable.ID(s)
				g.ids = append(g.ids, id)
			}
			byKey[k.pinyin] = g
		}
		g.entries = append(g.entries, entry{k.word, w})
	}
	groups := make([]*group, 0, len(byKey))
	for _, g := range byKey {
		slices.SortFunc(g.entries, func(a, b entry) int {
			return cmp.Or(cmp.Compare(b.weight, a.weight), strings.Compare(a.word, b.word))
		})
		groups = append(groups, g)
	}
	slices.SortFunc(groups, func(a, b *group) int { return slices.Compare(a.ids, b.ids) })

	var text bytes.Buffer
	fmt.Fprintf(&text, "%s\tkeys=%d\tentries=%d\tsource=%s\n", magic, len(groups), len(words), source)
	for _, g := range groups {
		text.WriteString(g.pinyin)
		for _, e := range g.entries {
			fmt.Fprintf(&text, "\t%s %d", e.word, e.weight)
		}
		text.WriteByte('\n')
	}
	var out bytes.Buffer
	zw, err := gzip.NewWriterLevel(&out, gzip.BestCompression) // no name, no time: reproducible
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(text.Bytes()); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

func writeLicence(path, copyright, apache string) error {
	c, err := os.ReadFile(copyright)
	if err != nil {
		return err
	}
	a, err := os.ReadFile(apache)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	b.WriteString("pinyin_simp.txt.gz is converted by kiosk/ime/internal/gen from\n" +
		"/usr/share/rime-data/pinyin_simp.dict.yaml of Debian's package " + pkg + ",\n" +
		"derived from Android's Pinyin IME. Its copyright file and the\n" +
		"Apache License 2.0 follow.\n\n")
	b.Write(c)
	b.WriteString("\n--- /usr/share/common-licenses/Apache-2.0 ---\n\n")
	b.Write(a)
	return os.WriteFile(path, b.Bytes(), 0o644)
}
