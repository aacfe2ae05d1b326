package search

import (
	"strings"
	"unicode"

	"github.com/mozillazg/go-pinyin"
)

// polyphones are characters common in service names whose second reading
// people also type. go-pinyin knows every reading of every character, but
// indexing all of them multiplies the index by the obscure ones (明 meng,
// 印 yi); this list keeps the readings a citizen would plausibly type.
var polyphones = map[rune][]string{
	'行': {"xing", "hang"}, '重': {"zhong", "chong"}, '长': {"chang", "zhang"},
	'调': {"diao", "tiao"}, '还': {"huan", "hai"}, '会': {"hui", "kuai"},
	'藏': {"cang", "zang"}, '单': {"dan", "shan"}, '乐': {"le", "yue"},
	'率': {"lv", "shuai"}, '参': {"can", "shen"}, '传': {"chuan", "zhuan"},
	'曾': {"zeng", "ceng"}, '便': {"bian", "pian"}, '朝': {"chao", "zhao"},
	'省': {"sheng", "xing"}, '降': {"jiang", "xiang"}, '属': {"shu", "zhu"},
	'解': {"jie", "xie"}, '度': {"du", "duo"}, '着': {"zhe", "zhao"},
	'差': {"cha", "chai"}, '给': {"gei", "ji"}, '期': {"qi", "ji"},
}

var pyArgs = pinyin.NewArgs()

// syllables splits s into lower-case index syllables: one pinyin reading per
// Han character (with the listed alternatives), each Latin letter run or
// digit run as one syllable, punctuation dropped.
func syllables(s string) [][]string {
	var out [][]string
	var run []rune
	flush := func() {
		if len(run) > 0 {
			out = append(out, []string{strings.ToLower(string(run))})
			run = run[:0]
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Han, r):
			flush()
			if alts, ok := polyphones[r]; ok {
				out = append(out, alts)
			} else if p := pinyin.SinglePinyin(r, pyArgs); len(p) > 0 {
				out = append(out, p[:1])
			}
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if len(run) > 0 && unicode.IsDigit(run[len(run)-1]) != unicode.IsDigit(r) {
				flush()
			}
			run = append(run, r)
		default:
			flush()
		}
	}
	flush()
	return out
}

// maxVariants bounds the readings indexed per string: the default reading
// plus each polyphone switched alone.
const maxVariants = 4

// pinyinForm is one reading of a string: full pinyin run together with the
// offsets where syllables start, and the initials.
type pinyinForm struct {
	full     string
	starts   []int
	initials string
}

// readings returns the default reading of s and variants with one polyphone
// switched to its alternative.
func readings(s string) []pinyinForm {
	syl := syllables(s)
	if len(syl) == 0 {
		return nil
	}
	pick := make([]int, len(syl))
	forms := []pinyinForm{build(syl, pick)}
	for i, alts := range syl {
		for j := 1; j < len(alts) && len(forms) < maxVariants; j++ {
			pick[i] = j
			forms = append(forms, build(syl, pick))
			pick[i] = 0
		}
	}
	return forms
}

func build(syl [][]string, pick []int) pinyinForm {
	var full, ini strings.Builder
	starts := make([]int, 0, len(syl))
	for i, alts := range syl {
		p := alts[pick[i]]
		starts = append(starts, full.Len())
		full.WriteString(p)
		ini.WriteByte(p[0])
	}
	return pinyinForm{full: full.String(), starts: starts, initials: ini.String()}
}
