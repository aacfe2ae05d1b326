package idcard

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"

	"govkiosk/kiosk"
)

// TextSize is the size of the card's text block: 128 UCS-2LE characters.
const TextSize = 256

// PhotoSize is the size of the photo as the SAM returns it: vendor-encoded
// (WLT), kept as bytes and never decoded here.
const PhotoSize = 1024

// ErrText is returned for a text block that is not a readable card.
var ErrText = errors.New("idcard: unreadable text block")

// Field layouts in UCS-2 characters. The resident card's is GA 450/GA 467's
// (name 15, gender 1, nation 2, birth 8, address 35, number 18, issuer 15,
// validity 8+8, reserved 18). The 'I' and 'J' layouts are those of the
// 外国人永久居留身份证 and 港澳台居民居住证 machine-readable rules as the reader
// vendors' SDKs document them; each sums to 128 characters, and the card
// type letter sits at character 124 in both.
type field struct {
	name  string
	start int // in characters
	n     int
}

var (
	residentLayout = []field{
		{"name", 0, 15}, {"gender", 15, 1}, {"nation", 16, 2}, {"birth", 18, 8},
		{"address", 26, 35}, {"number", 61, 18}, {"issuer", 79, 15},
		{"from", 94, 8}, {"until", 102, 8},
	}
	foreignerLayout = []field{
		{"name_en", 0, 60}, {"gender", 60, 1}, {"number", 61, 15}, {"nationality", 76, 3},
		{"name", 79, 15}, {"from", 94, 8}, {"until", 102, 8}, {"birth", 110, 8},
		{"version", 118, 2}, {"issuer", 120, 4}, {"type", 124, 1},
	}
	hmtLayout = []field{
		{"name", 0, 15}, {"gender", 15, 1}, {"birth", 18, 8}, {"address", 26, 35},
		{"number", 61, 18}, {"issuer", 79, 15}, {"from", 94, 8}, {"until", 102, 8},
		{"pass", 110, 9}, {"issues", 119, 2}, {"type", 124, 1},
	}
)

const typeChar = 124

// Genders per GB/T 2261.1.
var genders = map[string]string{"0": "未知", "1": "男", "2": "女", "9": "未说明"}

// Nations per GB/T 3304 (民族代码).
var nations = map[string]string{
	"01": "汉", "02": "蒙古", "03": "回", "04": "藏", "05": "维吾尔", "06": "苗", "07": "彝", "08": "壮",
	"09": "布依", "10": "朝鲜", "11": "满", "12": "侗", "13": "瑶", "14": "白", "15": "土家", "16": "哈尼",
	"17": "哈萨克", "18": "傣", "19": "黎", "20": "傈僳", "21": "佤", "22": "畲", "23": "高山", "24": "拉祜",
	"25": "水", "26": "东乡", "27": "纳西", "28": "景颇", "29": "柯尔克孜", "30": "土", "31": "达斡尔",
	"32": "仫佬", "33": "羌", "34": "布朗", "35": "撒拉", "36": "毛南", "37": "仡佬", "38": "锡伯",
	"39": "阿昌", "40": "普米", "41": "塔吉克", "42": "怒", "43": "乌孜别克", "44": "俄罗斯", "45": "鄂温克",
	"46": "德昂", "47": "保安", "48": "裕固", "49": "京", "50": "塔塔尔", "51": "独龙", "52": "鄂伦春",
	"53": "赫哲", "54": "门巴", "55": "珞巴", "56": "基诺", "97": "其他", "98": "外国血统中国籍人士",
}

// NationName returns the name for a GB/T 3304 code.
func NationName(code string) (string, bool) { n, ok := nations[code]; return n, ok }

// DecodeText decodes a 256-byte text block into an identity. It checks the
// structure (valid UCS-2, known gender and nation codes, YYYYMMDD dates) but
// not the identity number's check digit: that is the caller's decision with
// kiosk.ValidateIDNumber, so a technician can still see a bad card's fields.
func DecodeText(b []byte) (*kiosk.Identity, error) {
	if len(b) != TextSize {
		return nil, fmt.Errorf("%w: %d bytes, want %d", ErrText, len(b), TextSize)
	}
	chars := make([]uint16, TextSize/2)
	for i := range chars {
		chars[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
	}
	get := func(layout []field, name string) (string, error) {
		for _, f := range layout {
			if f.name == name {
				return decodeField(chars[f.start:f.start+f.n], name)
			}
		}
		panic("idcard: no field " + name)
	}
	id := &kiosk.Identity{Source: "idcard"}
	var layout []field
	switch chars[typeChar] {
	case 'I':
		id.CardType, layout = kiosk.CardForeigner, foreignerLayout
	case 'J':
		id.CardType, layout = kiosk.CardHMT, hmtLayout
	default:
		id.CardType, layout = kiosk.CardResident, residentLayout
	}
	vals := map[string]string{}
	for _, f := range layout {
		v, err := get(layout, f.name)
		if err != nil {
			return nil, err
		}
		vals[f.name] = v
	}
	id.Name, id.NameEN, id.Address, id.IDNumber, id.Issuer = vals["name"], vals["name_en"], vals["address"], vals["number"], vals["issuer"]
	g, ok := genders[vals["gender"]]
	if !ok {
		return nil, fmt.Errorf("%w: gender code %q", ErrText, vals["gender"])
	}
	id.Gender = g
	switch id.CardType {
	case kiosk.CardResident:
		n, ok := nations[vals["nation"]]
		if !ok {
			return nil, fmt.Errorf("%w: nation code %q", ErrText, vals["nation"])
		}
		id.Nation = n
	case kiosk.CardForeigner:
		id.Nation = vals["nationality"] // ISO 3166 alpha-3, e.g. USA
		if id.Name == "" {
			id.Name = id.NameEN
		}
	case kiosk.CardHMT:
		id.Nation = ""
	}
	if id.Name == "" || id.IDNumber == "" {
		return nil, fmt.Errorf("%w: no name or number", ErrText)
	}
	var err error
	if id.BirthDate, err = isoDate(vals["birth"]); err != nil {
		return nil, err
	}
	if id.ValidFrom, err = isoDate(vals["from"]); err != nil {
		return nil, err
	}
	if vals["until"] == "长期" {
		id.ValidUntil = "长期"
	} else if id.ValidUntil, err = isoDate(vals["until"]); err != nil {
		return nil, err
	}
	return id, nil
}

// decodeField turns UCS-2 characters into a trimmed string, refusing
// unpaired surrogates and control characters: those mean a garbled read,
// and a garbled name must never reach a case.
func decodeField(u []uint16, name string) (string, error) {
	for _, c := range u {
		if utf16.IsSurrogate(rune(c)) {
			return "", fmt.Errorf("%w: %s: surrogate %04x", ErrText, name, c)
		}
	}
	s := strings.TrimRight(string(utf16.Decode(u)), " \x00")
	s = strings.TrimSpace(s)
	for _, r := range s {
		if unicode.IsControl(r) || r == unicode.ReplacementChar {
			return "", fmt.Errorf("%w: %s: control character %U", ErrText, name, r)
		}
	}
	return s, nil
}

func isoDate(s string) (string, error) {
	if len(s) != 8 {
		return "", fmt.Errorf("%w: date %q", ErrText, s)
	}
	for i := 0; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", fmt.Errorf("%w: date %q", ErrText, s)
		}
	}
	return s[:4] + "-" + s[4:6] + "-" + s[6:], nil
}

// EncodeText builds the text block of an identity (for the simulator and
// tests): the inverse of DecodeText. Codes are looked up from names.
func EncodeText(id *kiosk.Identity) ([]byte, error) {
	chars := make([]uint16, TextSize/2)
	for i := range chars {
		chars[i] = ' '
	}
	put := func(layout []field, name, v string) error {
		for _, f := range layout {
			if f.name != name {
				continue
			}
			u := utf16.Encode([]rune(v))
			if len(u) > f.n {
				return fmt.Errorf("idcard: %s %q longer than %d characters", name, v, f.n)
			}
			copy(chars[f.start:], u)
			return nil
		}
		return fmt.Errorf("idcard: layout has no %s", name)
	}
	gender := codeOf(genders, id.Gender)
	date := func(s string) string { return strings.ReplaceAll(s, "-", "") }
	until := date(id.ValidUntil)
	var layout []field
	vals := map[string]string{"gender": gender, "birth": date(id.BirthDate), "from": date(id.ValidFrom),
		"until": until, "number": id.IDNumber, "name": id.Name, "issuer": id.Issuer}
	switch id.CardType {
	case kiosk.CardForeigner:
		layout = foreignerLayout
		vals["name_en"], vals["nationality"], vals["version"], vals["type"] = id.NameEN, id.Nation, "01", "I"
		if vals["name"] == id.NameEN {
			vals["name"] = ""
		}
	case kiosk.CardHMT:
		layout = hmtLayout
		vals["address"], vals["pass"], vals["issues"], vals["type"] = id.Address, "", "01", "J"
	default:
		layout = residentLayout
		vals["address"], vals["nation"] = id.Address, codeOf(nations, id.Nation)
	}
	for _, f := range layout {
		if err := put(layout, f.name, vals[f.name]); err != nil {
			return nil, err
		}
	}
	b := make([]byte, TextSize)
	for i, c := range chars {
		b[2*i], b[2*i+1] = byte(c), byte(c>>8)
	}
	return b, nil
}

func codeOf(table map[string]string, name string) string {
	for k, v := range table {
		if v == name {
			return k
		}
	}
	return ""
}
