// Package syllable is the table of Mandarin pinyin syllables, spelled as a
// pinyin keyboard types them (v for ü: lv, nv), shared by the input method
// and the generator of its dictionary.
//
// Syllables are numbered in alphabetical order, so the syllables that start
// with a given prefix ("s", "zh", "xia") have consecutive IDs: one range
// [lo, hi) describes what an abbreviation or a half-typed syllable can become.
package syllable

import (
	"sort"
	"strings"
)

// table lists every syllable of standard Mandarin, by initial, plus the
// interjections (hm, m, n, ng) and the rare readings that Android's pinyin
// dictionary uses (den, fiao, kei, tei, zhei, shei, nun, rua). lue and nue
// follow that dictionary's spelling of lüe and nüe; lve and nve are accepted
// as aliases (see aliases).
const table = `
a ai an ang ao e ei en eng er o ou
ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu
pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu
ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu
fa fan fang fei fen feng fiao fo fou fu
da dai dan dang dao de dei den deng di dia dian diao die ding diu dong dou du duan dui dun duo
ta tai tan tang tao te tei teng ti tian tiao tie ting tong tou tu tuan tui tun tuo
na nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nun nuo nv
la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu lo long lou lu luan lue lun luo lv
ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo
ka kai kan kang kao ke kei ken keng kong kou ku kua kuai kuan kuang kui kun kuo
ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo
ji jia jian jiang jiao jie jin jing jiong jiu ju juan jue jun
qi qia qian qiang qiao qie qin qing qiong qiu qu quan que qun
xi xia xian xiang xiao xie xin xing xiong xiu xu xuan xue xun
zha zhai zhan zhang zhao zhe zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo
cha chai chan chang chao che chen cheng chi chong chou chu chua chuai chuan chuang chui chun chuo
sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan shuang shui shun shuo
ran rang rao re ren reng ri rong rou ru rua ruan rui run ruo
za zai zan zang zao ze zei zen zeng zi zong zou zu zuan zui zun zuo
ca cai can cang cao ce cen ceng ci cong cou cu cuan cui cun cuo
sa sai san sang sao se sen seng si song sou su suan sui sun suo
ya yan yang yao ye yi yin ying yo yong you yu yuan yue yun
wa wai wan wang wei wen weng wo wu
hm m n ng
`

// aliases are other spellings people type for a syllable.
var aliases = map[string]string{"lve": "lue", "nve": "nue"}

// MaxLen is the length of the longest syllable (zhuang, shuang, chuang, ...).
const MaxLen = 6

var (
	list []string          // sorted; a syllable's ID is its index
	ids  map[string]uint16 // syllables and aliases to IDs
)

func init() {
	list = strings.Fields(table)
	sort.Strings(list)
	ids = make(map[string]uint16, len(list)+len(aliases))
	for i, s := range list {
		if _, dup := ids[s]; dup || len(s) > MaxLen {
			panic("syllable: bad table entry " + s)
		}
		ids[s] = uint16(i)
	}
	for a, s := range aliases {
		ids[a] = ids[s]
	}
}

// Count is the number of syllables; IDs run from 0 to Count()-1.
func Count() int { return len(list) }

// ID returns the ID of a syllable or of an alias spelling of one.
func ID(s string) (id uint16, ok bool) {
	id, ok = ids[s]
	return id, ok
}

// IsCanonical says whether s is spelled as the table spells it (not an alias).
func IsCanonical(s string) bool {
	id, ok := ids[s]
	return ok && list[id] == s
}

// String returns the syllable with the given ID; it panics on an ID out of range.
func String(id uint16) string { return list[id] }

// PrefixRange returns the IDs [lo, hi) of the syllables that start with p;
// lo == hi when none does.
func PrefixRange(p string) (lo, hi uint16) {
	l := sort.SearchStrings(list, p)
	h := l
	for h < len(list) && strings.HasPrefix(list[h], p) {
		h++
	}
	return uint16(l), uint16(h)
}
