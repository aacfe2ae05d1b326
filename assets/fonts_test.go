package assets_test

import (
	"bufio"
	"bytes"
	"cmp"
	"compress/gzip"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/text/encoding/simplifiedchinese"

	"govkiosk/assets"
)

// UIFont is the full font cut down by scripts/subset-font.sh, with Latin
// merged in; it must keep every character the kiosk puts on screen from
// its own data: GB2312, the 2,000 most frequent other characters of the
// pinyin dictionary, every character of the bundled texts, and Latin. A
// text that gains a character the font lacks fails here.
func TestUIFontCoverage(t *testing.T) {
	full, err := opentype.Parse(assets.CJKFont)
	if err != nil {
		t.Fatal(err)
	}
	ui, err := opentype.Parse(assets.UIFont)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	has := func(f *sfnt.Font, r rune) bool {
		i, err := f.GlyphIndex(&buf, r)
		return err == nil && i != 0
	}
	missing := map[string][]rune{}
	check := func(source string, r rune) {
		if r > 0x7F && has(full, r) && !has(ui, r) && len(missing[source]) < 20 {
			missing[source] = append(missing[source], r)
		}
	}

	// GB2312: rows 01-09 (symbols) and 16-87 (hanzi), decoded as GBK (as
	// the script does), which fills a few free cells of rows 01-09 too.
	gb2312, inGB2312 := 0, map[rune]bool{}
	dec := simplifiedchinese.GBK.NewDecoder()
	for hi := 0xA1; hi <= 0xF7; hi++ {
		for lo := 0xA1; lo <= 0xFE; lo++ {
			s, err := dec.Bytes([]byte{byte(hi), byte(lo)})
			if r := []rune(string(s)); err == nil && len(r) == 1 && r[0] != '\uFFFD' && (hi <= 0xA9 || hi >= 0xB0) {
				gb2312++
				inGB2312[r[0]] = true
				check("GB2312", r[0])
			}
		}
	}
	if gb2312 < 7000 {
		t.Fatalf("decoded %d GB2312 characters, want the standard's 7,445", gb2312)
	}

	// The dictionary's characters outside GB2312, weighted by the words
	// they occur in (lines: key TAB word weight TAB word weight ...).
	zr, err := gzip.NewReader(bytes.NewReader(assets.PinyinDict))
	if err != nil {
		t.Fatal(err)
	}
	weight := map[rune]int{}
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "govkiosk-ime ") {
			continue // the header line
		}
		entries := strings.Split(sc.Text(), "\t")[1:]
		for _, e := range entries {
			word, w, _ := strings.Cut(e, " ")
			n, _ := strconv.Atoi(w)
			for _, r := range word {
				if !inGB2312[r] {
					weight[r] += n
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	byUse := slices.Collect(maps.Keys(weight))
	slices.SortFunc(byUse, func(a, b rune) int { return cmp.Or(weight[b]-weight[a], cmp.Compare(a, b)) })
	if len(byUse) < 2000 {
		t.Fatalf("the dictionary has %d characters outside GB2312, want thousands", len(byUse))
	}
	for _, r := range byUse[:2000] {
		check("pinyin dictionary's 2,000 most used outside GB2312", r)
	}

	texts, _ := filepath.Glob("i18n/*.json")
	catalogs, _ := filepath.Glob("catalog/*.json")
	if len(texts) < 2 || len(catalogs) == 0 {
		t.Fatalf("found translations %q and catalogues %q: run the test from assets/", texts, catalogs)
	}
	for _, path := range append(texts, catalogs...) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range string(b) {
			check(path, r)
		}
	}
	for source, rs := range missing {
		t.Errorf("%s: the UI font lacks %q (and maybe more): run scripts/subset-font.sh", source, string(rs))
	}
	if !has(ui, ' ') {
		t.Errorf("the UI font lacks the full font's space: text would measure with the Latin font's line height")
	}
	for r := rune(0x20); r < 0x7F; r++ {
		if !has(ui, r) {
			t.Errorf("the UI font lacks %q: the kiosk's texts draw with it alone (Latin is merged in by scripts/subset-font.sh)", r)
		}
	}
}
