package ime

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// rank returns the position of text among the candidates, or -1.
func rank(cands []Candidate, text string) int {
	return slices.IndexFunc(cands, func(c Candidate) bool { return c.Text == text })
}

func TestCandidatesOfferTheWordsCitizensMean(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		want   string
		within int // want is among the first within candidates
	}{
		{"initials sb offer 社保 among the first three", "sb", "社保", 3},
		{"full pinyin shebao offers 社保 first or second", "shebao", "社保", 2},
		{"zhengming offers 证明 first", "zhengming", "证明", 1},
		{"gongjijin offers 公积金 first", "gongjijin", "公积金", 1},
		{"ambiguous xian offers 先 (xian)", "xian", "先", 5},
		{"ambiguous xian offers 西安 (xi'an)", "xian", "西安", 10},
		{"a separator makes xi'an 西安 alone", "xi'an", "西安", 1},
		{"v for ü: lv offers 绿", "lv", "绿", 5},
		{"v for ü: lv offers 旅", "lv", "旅", 10},
		{"v for ü: lve offers 略", "lve", "略", 1},
		{"the spelling lue offers 略 too", "lue", "略", 1},
		{"an incomplete last syllable: sheb offers 社保", "sheb", "社保", 1},
		{"an incomplete last syllable: zhengm offers 证明", "zhengm", "证明", 1},
		{"initials sbk offer 社保卡", "sbk", "社保卡", 1},
		{"initials mixed with syllables: shebk offers 社保卡", "shebk", "社保卡", 1},
		{"zh counts as an initial: zhm offers 证明", "zhm", "证明", 3},
		{"four-syllable words: yyzz offers 营业执照", "yyzz", "营业执照", 1},
		{"shenfenzheng offers 身份证", "shenfenzheng", "身份证", 1},
		{"shebaoka offers 社保卡", "shebaoka", "社保卡", 1},
		{"shebaoka offers 社保 for its first six letters", "shebaoka", "社保", 2},
		{"upper case is read as lower case", "SheBao", "社保", 1},
		{"a sentence covers what no word does", "woyaobanshebaoka", "我要办社保卡", 1},
	}
	d := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := d.Candidates(tt.input, tt.within)
			if rank(got, tt.want) < 0 {
				t.Errorf("Candidates(%q, %d) = %v; want %s among them", tt.input, tt.within, got, tt.want)
			}
		})
	}
}

func TestCandidatesSayWhatTheyConsume(t *testing.T) {
	tests := []struct {
		input string
		want  Candidate
	}{
		{"shebaoka", Candidate{"社保", "she bao", 6}},
		{"shebaoka", Candidate{"社", "she", 3}},
		{"shebaoka", Candidate{"社保卡", "she bao ka", 8}},
		{"xi'an", Candidate{"西", "xi", 3}}, // the separator goes with the syllable before it
		{"xian", Candidate{"西安", "xi an", 4}},
		{"sbk", Candidate{"社保", "she bao", 2}},
		{"lve", Candidate{"略", "lue", 3}},
	}
	d := Default()
	for _, tt := range tests {
		got := d.Candidates(tt.input, 0)
		if i := rank(got, tt.want.Text); i < 0 || got[i] != tt.want {
			t.Errorf("Candidates(%q) lacks %+v", tt.input, tt.want)
		}
	}
}

// "sbcb" (社保参保) is two words by initials: it must offer them, not only
// characters.
func TestInitialsOfTwoWordsOfferBoth(t *testing.T) {
	got := Default().Candidates("sbcb", 5)
	if len(got) == 0 || got[0].Consumed != 4 || !strings.HasPrefix(got[0].Text, "社保") {
		t.Errorf("Candidates(sbcb)[0] = %v; want a sentence of all four letters starting 社保", got)
	}
	if i := rank(got, "社保"); i < 0 || got[i].Consumed != 2 {
		t.Errorf("Candidates(sbcb, 5) = %v; want 社保 for sb", got)
	}
	if got := Default().Candidates("cb", 1); len(got) != 1 || got[0].Text != "参保" {
		t.Errorf("Candidates(cb, 1) = %v; want 参保 after 社保 is picked", got)
	}
}

// exactly says whether a candidate's syllables are the letters it consumed.
func exactly(input string, c Candidate) bool {
	return strings.ReplaceAll(c.Pinyin, " ", "") == strings.ReplaceAll(strings.ToLower(input[:c.Consumed]), "'", "")
}

func TestCandidatesAreOrderedLongestThenSpelledOut(t *testing.T) {
	d := Default()
	for _, in := range []string{"xian", "shebao", "sheb", "zhengm", "sbk", "shebaoka", "gongjijin", "lv", "jiaofei", "xi'an"} {
		got := d.Candidates(in, 0)
		for i := 1; i < len(got); i++ {
			a, b := got[i-1], got[i]
			if b.Consumed > a.Consumed {
				t.Errorf("%s: %v (%d letters) before %v (%d)", in, a.Text, a.Consumed, b.Text, b.Consumed)
				break
			}
			if b.Consumed == a.Consumed && !exactly(in, a) && exactly(in, b) {
				t.Errorf("%s: abbreviated %v before spelled-out %v", in, a, b)
				break
			}
		}
	}
}

// A spelled-out input splits at syllables only: "shebaoka" offers nothing
// for "s", "sh", "sheba" or "shebaok".
func TestSpelledInputSplitsOnlyAtSyllables(t *testing.T) {
	for _, c := range Default().Candidates("shebaoka", 0) {
		if c.Consumed != 3 && c.Consumed != 6 && c.Consumed != 8 {
			t.Errorf("Candidates(shebaoka) offers %v", c)
		}
	}
}

func TestCandidatesWithALimitArePrefixesOfAll(t *testing.T) {
	d := Default()
	for _, in := range []string{"s", "sb", "xian", "shi", "sbcb", "shebaoka", "zhangsan", "j'q", "a"} {
		all := d.Candidates(in, 0)
		for _, n := range []int{1, 3, 10, 50} {
			want := all[:min(n, len(all))]
			if got := d.Candidates(in, n); !slices.Equal(got, want) {
				t.Errorf("Candidates(%q, %d) = %v; want %v", in, n, got, want)
			}
		}
	}
}

func TestCandidatesAreWellFormed(t *testing.T) {
	d := Default()
	for _, in := range []string{"s", "shi", "zhuangzhuang", "sbcbsbcbsbcb", "xian'", "a'b'c", "nvren", "ng", "hm", "er", "qiong", "lvlvlv", "woaibeijingtiananmen"} {
		seen := map[string]bool{}
		for _, c := range d.Candidates(in, 0) {
			if c.Text == "" || c.Consumed <= 0 || c.Consumed > len(in) {
				t.Errorf("%s: malformed %+v", in, c)
			}
			if n := utf8.RuneCountInString(c.Text); n != len(strings.Fields(c.Pinyin)) {
				t.Errorf("%s: %+v has %d characters for its syllables", in, c, n)
			}
			if seen[c.Text] {
				t.Errorf("%s: %s offered twice", in, c.Text)
			}
			seen[c.Text] = true
		}
	}
}

func TestCandidatesOfNothingToReadAreNone(t *testing.T) {
	d := Default()
	for _, in := range []string{"", "'", "''", "123", "i", "u", "v", "!shebao", "一"} {
		if got := d.Candidates(in, 10); len(got) != 0 {
			t.Errorf("Candidates(%q) = %v; want none", in, got)
		}
	}
	// Reading stops at the first byte that is not a letter.
	for _, c := range d.Candidates("shebao1ka", 0) {
		if c.Consumed > 6 {
			t.Errorf("Candidates(shebao1ka) offers %v past the digit", c)
		}
	}
}

// The dictionary has no obscenities, so initials and half-typed syllables
// never turn into one. Spelled out in full (niubi), one still comes as a
// sentence of its characters, as typing them one by one would give it.
func TestObscenitiesAreNeverSuggested(t *testing.T) {
	d := Default()
	for _, in := range []string{"sb", "shab", "tmd", "tam", "nb", "niub", "jb", "jib", "sh", "s", "n"} {
		for _, c := range d.Candidates(in, 0) {
			switch c.Text {
			case "傻逼", "煞笔", "他妈的", "牛逼", "牛比", "他妈", "鸡巴", "鸡吧", "骚货":
				t.Errorf("Candidates(%q) offers %s", in, c.Text)
			}
		}
	}
}
