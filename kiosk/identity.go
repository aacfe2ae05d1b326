package kiosk

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// IDRule names the GB 11643 rule an identity number broke, so a caller can
// tell the citizen (or the technician) exactly what is wrong.
type IDRule string

const (
	RuleLength     IDRule = "length"      // 18 characters (15 for the 2017 foreigner card)
	RuleCharset    IDRule = "charset"     // digits, with X only as the check character
	RuleRegion     IDRule = "region"      // address code names no province
	RuleBirthDate  IDRule = "birth_date"  // birth date is not a real past date
	RuleCheckDigit IDRule = "check_digit" // ISO 7064 MOD 11-2 check character mismatch
)

// IDError says which rule an identity number broke.
type IDError struct {
	Rule   IDRule
	Detail string
}

func (e *IDError) Error() string { return "identity number: " + string(e.Rule) + ": " + e.Detail }

// Message is the plain-Chinese explanation shown to a citizen.
func (e *IDError) Message() string {
	switch e.Rule {
	case RuleLength:
		return "证件号码位数不对，应为18位"
	case RuleCharset:
		return "证件号码只能包含数字，最后一位可以是X"
	case RuleRegion:
		return "证件号码前六位地址码不正确"
	case RuleBirthDate:
		return "证件号码中的出生日期不正确"
	default:
		return "证件号码校验位不正确，请核对后重新输入"
	}
}

// IDKind is the kind of number, decided by its shape.
type IDKind int

const (
	IDResident        IDKind = iota // 居民身份证 and the HK/Macau/Taiwan residence permit (81/82/83 prefix)
	IDForeigner                     // 外国人永久居留身份证, 2023 edition: 18 digits starting with 9
	IDForeignerLegacy               // 外国人永久居留身份证, 2017 edition: 3 letters + 12 digits
)

// provinces are the first two digits of GB/T 2260 address codes, plus 81/82/83
// used by the residence permits for residents of Hong Kong, Macau and Taiwan
// (港澳台居民居住证). Only the province level is checked: the county table
// changes every year and a stale copy would reject valid citizens.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

const idCheckChars = "10X98765432"

// IDCheckChar computes the ISO 7064 MOD 11-2 check character of the first 17
// digits of an identity number (GB 11643-1999 §8.2).
func IDCheckChar(first17 string) (byte, error) {
	if len(first17) != 17 {
		return 0, errors.New("need 17 digits")
	}
	sum := 0
	for i := 0; i < 17; i++ {
		c := first17[i]
		if c < '0' || c > '9' {
			return 0, errors.New("need 17 digits")
		}
		sum += int(c-'0') * idWeights[i]
	}
	return idCheckChars[sum%11], nil
}

// ValidateIDNumber checks an identity number against GB 11643: length, charset,
// province address code, a real birth date no later than now, and the MOD 11-2
// check character. A lower-case x is accepted and normalised. It returns the
// normalised number and its kind, or an *IDError naming the first rule broken.
func ValidateIDNumber(s string, now time.Time) (string, IDKind, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	switch len(s) {
	case 18:
	case 15:
		return validateLegacyForeigner(s, now)
	default:
		return "", 0, &IDError{RuleLength, fmt.Sprintf("has %d characters, want 18", utf8.RuneCountInString(s))}
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", 0, &IDError{RuleCharset, fmt.Sprintf("character %d is not a digit", i+1)}
		}
	}
	if c := s[17]; (c < '0' || c > '9') && c != 'X' {
		return "", 0, &IDError{RuleCharset, "check character must be a digit or X"}
	}
	kind := IDResident
	region := s[0:2]
	if s[0] == '9' {
		// The 2023 foreigner card puts 9 first and the issuing province next.
		kind, region = IDForeigner, s[1:3]
	}
	if !provinces[region] {
		return "", 0, &IDError{RuleRegion, "unknown province code " + region}
	}
	if err := checkBirth(s[6:14], "20060102", now); err != nil {
		return "", 0, err
	}
	want, _ := IDCheckChar(s[:17])
	if s[17] != want {
		return "", 0, &IDError{RuleCheckDigit, fmt.Sprintf("check character is %c, want %c", s[17], want)}
	}
	return s, kind, nil
}

// validateLegacyForeigner checks the 2017 foreigner card number: a three-letter
// nationality code, a province code, YYMMDD birth date, sequence and check
// digit. Its check algorithm is not public, so only the structure is checked.
func validateLegacyForeigner(s string, now time.Time) (string, IDKind, error) {
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return "", 0, &IDError{RuleCharset, "2017 foreigner card number starts with three letters"}
		}
	}
	for i := 3; i < 15; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", 0, &IDError{RuleCharset, fmt.Sprintf("character %d is not a digit", i+1)}
		}
	}
	if !provinces[s[3:5]] {
		return "", 0, &IDError{RuleRegion, "unknown province code " + s[3:5]}
	}
	if err := checkBirth(s[5:11], "060102", now); err != nil {
		return "", 0, err
	}
	return s, IDForeignerLegacy, nil
}

func checkBirth(digits, layout string, now time.Time) error {
	t, err := time.Parse(layout, digits)
	if err != nil {
		return &IDError{RuleBirthDate, digits + " is not a date"}
	}
	if len(digits) == 6 && t.After(now) {
		// YYMMDD: Go reads 00-68 as 20xx; a birth date cannot be in the
		// future, so such a year belongs to the century before.
		t = t.AddDate(-100, 0, 0)
	}
	if t.Year() < 1900 || t.After(now) {
		return &IDError{RuleBirthDate, digits + " is out of range"}
	}
	return nil
}

// MaskIDNumber keeps the address code and the last four characters, the form
// used on screens and receipts: 110101********1234.
func MaskIDNumber(s string) string {
	if len(s) < 10 {
		return strings.Repeat("*", len(s))
	}
	return s[:6] + strings.Repeat("*", len(s)-10) + s[len(s)-4:]
}

// MaskName hides a name for display: 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明.
// Latin names keep the first letter of each word: JOHN SMITH → J*** S****.
func MaskName(name string) string {
	name = strings.TrimSpace(name)
	if name == "" {
		return ""
	}
	if isLatin(name) {
		words := strings.Fields(name)
		for i, w := range words {
			words[i] = w[:1] + strings.Repeat("*", len(w)-1)
		}
		return strings.Join(words, " ")
	}
	r := []rune(name)
	switch len(r) {
	case 1:
		return "*"
	case 2:
		return string(r[0]) + "*"
	default:
		return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
	}
}

// MaskPhone keeps the first three and last four digits: 138****5678.
func MaskPhone(s string) string {
	if len(s) < 8 {
		return strings.Repeat("*", len(s))
	}
	return s[:3] + strings.Repeat("*", len(s)-7) + s[len(s)-4:]
}

func isLatin(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
