package kiosk

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// FieldError is a validation failure on one form field, with a message for
// the citizen in both languages.
type FieldError struct {
	Field   string
	Rule    string // required, too_short, too_long, format, range, option, id_<rule>
	Message Text
}

func (e *FieldError) Error() string { return "field " + e.Field + ": " + e.Rule }

// defaultMaxLen bounds free text when the catalogue sets no limit, so a
// stuck key cannot fill the store.
const defaultMaxLen = 200

var (
	mobileRE   = regexp.MustCompile(`^1[3-9][0-9]{9}$`)
	landlineRE = regexp.MustCompile(`^0[0-9]{2,3}-?[0-9]{7,8}$`)
	postcodeRE = regexp.MustCompile(`^[0-9]{6}$`)
)

// ValidateField checks one value against its field's type and rules. The
// value is trimmed first; the returned string is the normalised value to keep.
func ValidateField(f *Field, value string, now time.Time) (string, *FieldError) {
	value = strings.TrimSpace(value)
	fail := func(rule, zh, en string) (string, *FieldError) {
		return value, &FieldError{Field: f.Name, Rule: rule, Message: Text{ZH: zh, EN: en}}
	}
	if value == "" {
		if f.Required {
			return fail("required", "请填写"+f.Label.ZH, "Please fill in "+f.Label.In("en"))
		}
		return "", nil
	}
	if !utf8.ValidString(value) || strings.IndexFunc(value, unicode.IsControl) >= 0 {
		return fail("format", "含有无法识别的字符", "Contains characters that cannot be used")
	}
	n := utf8.RuneCountInString(value)
	max := f.MaxLen
	if max == 0 {
		max = defaultMaxLen
	}
	if n > max {
		return fail("too_long", fmt.Sprintf("最多填写%d个字", max), fmt.Sprintf("At most %d characters", max))
	}
	if n < f.MinLen {
		return fail("too_short", fmt.Sprintf("至少填写%d个字", f.MinLen), fmt.Sprintf("At least %d characters", f.MinLen))
	}
	switch f.Type {
	case FieldPhone:
		if !mobileRE.MatchString(value) && !landlineRE.MatchString(value) {
			return fail("format", "请填写11位手机号码或带区号的固定电话", "Enter an 11-digit mobile number or a landline with area code")
		}
	case FieldPostcode:
		if !postcodeRE.MatchString(value) {
			return fail("format", "邮政编码为6位数字", "A postcode has 6 digits")
		}
	case FieldIDNumber:
		norm, _, err := ValidateIDNumber(value, now)
		var ie *IDError
		if errors.As(err, &ie) {
			return fail("id_"+string(ie.Rule), ie.Message(), "Invalid ID number: "+string(ie.Rule))
		}
		value = norm
	case FieldNumber:
		x, err := strconv.ParseFloat(value, 64)
		if err != nil {
			return fail("format", "请填写数字", "Enter a number")
		}
		if (f.Min != nil && x < *f.Min) || (f.Max != nil && x > *f.Max) {
			return fail("range", "数值应在"+rangeText(f.Min, f.Max)+"之间", "Must be between "+rangeText(f.Min, f.Max))
		}
	case FieldDate:
		return validateDate(f, value, now, fail)
	case FieldMonth:
		t, err := time.Parse("2006-01", value)
		if err != nil {
			return fail("format", "请按“年-月”填写，如2026-01", "Use year-month, e.g. 2026-01")
		}
		if t.Year() < 1900 || t.After(now) {
			return fail("range", "年月不能晚于本月", "The month cannot be in the future")
		}
	case FieldChoice:
		if f.Option(value) == nil {
			return fail("option", "请从选项中选择", "Choose one of the options")
		}
	}
	return value, nil
}

func validateDate(f *Field, value string, now time.Time, fail func(rule, zh, en string) (string, *FieldError)) (string, *FieldError) {
	t, err := time.ParseInLocation("2006-01-02", value, now.Location())
	if err != nil {
		return fail("format", "请按“年-月-日”填写，如2026-01-31", "Use year-month-day, e.g. 2026-01-31")
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	days := int(t.Sub(today).Hours() / 24)
	if t.Year() < 1900 {
		return fail("range", "日期不正确", "The date is out of range")
	}
	if f.MinDays != nil && days < *f.MinDays {
		return fail("range", "日期不能早于"+today.AddDate(0, 0, *f.MinDays).Format("2006-01-02"),
			"The date cannot be before "+today.AddDate(0, 0, *f.MinDays).Format("2006-01-02"))
	}
	if f.MaxDays != nil && days > *f.MaxDays {
		return fail("range", "日期不能晚于"+today.AddDate(0, 0, *f.MaxDays).Format("2006-01-02"),
			"The date cannot be after "+today.AddDate(0, 0, *f.MaxDays).Format("2006-01-02"))
	}
	return value, nil
}

func rangeText(min, max *float64) string {
	lo, hi := "-∞", "∞"
	if min != nil {
		lo = strconv.FormatFloat(*min, 'f', -1, 64)
	}
	if max != nil {
		hi = strconv.FormatFloat(*max, 'f', -1, 64)
	}
	return lo + "–" + hi
}
