package kiosk_test

import (
	"errors"
	"testing"
	"time"

	"govkiosk/kiosk"
)

var today = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func TestValidateIDNumber(t *testing.T) {
	tests := []struct {
		in   string
		rule kiosk.IDRule // "" means valid
		kind kiosk.IDKind
		norm string
	}{
		{"11010519491231002X", "", kiosk.IDResident, "11010519491231002X"}, // GB 11643's own example
		{"11010519491231002x", "", kiosk.IDResident, "11010519491231002X"},
		{" 110105194912310021 ", kiosk.RuleCheckDigit, 0, ""},
		{"11010519491231002", kiosk.RuleLength, 0, ""},
		{"1101051949123100211", kiosk.RuleLength, 0, ""},
		{"11010519491231A02X", kiosk.RuleCharset, 0, ""},
		{"11010519491231002Y", kiosk.RuleCharset, 0, ""},
		{"99010519491231002X", kiosk.RuleRegion, 0, ""},
		{"11010519491331002X", kiosk.RuleBirthDate, 0, ""},
		{"11010518991231002X", kiosk.RuleBirthDate, 0, ""},
		{withCheck("11010520301231002"), kiosk.RuleBirthDate, 0, ""},
		{withCheck("81000019800101001"), "", kiosk.IDResident, withCheck("81000019800101001")}, // HK permit
		{withCheck("91115619850312001"), "", kiosk.IDForeigner, withCheck("91115619850312001")},
		{withCheck("97715619850312001"), kiosk.RuleRegion, 0, ""},
		{"USA118503120011", "", kiosk.IDForeignerLegacy, "USA118503120011"},
		{"US1118503120011", kiosk.RuleCharset, 0, ""},
		{"USA998503120011", kiosk.RuleRegion, 0, ""},
		{"USA118513120011", kiosk.RuleBirthDate, 0, ""},
		{"", kiosk.RuleLength, 0, ""},
		{"张三李四王五赵六", kiosk.RuleLength, 0, ""},
	}
	for _, tt := range tests {
		norm, kind, err := kiosk.ValidateIDNumber(tt.in, today)
		if tt.rule == "" {
			if err != nil || norm != tt.norm || kind != tt.kind {
				t.Errorf("ValidateIDNumber(%q) = %q, %v, %v; want %q, %v, nil", tt.in, norm, kind, err, tt.norm, tt.kind)
			}
			continue
		}
		var ie *kiosk.IDError
		if !errors.As(err, &ie) || ie.Rule != tt.rule {
			t.Errorf("ValidateIDNumber(%q) error = %v, want rule %s", tt.in, err, tt.rule)
			continue
		}
		if ie.Message() == "" {
			t.Errorf("no citizen message for rule %s", tt.rule)
		}
	}
}

func withCheck(first17 string) string {
	c, err := kiosk.IDCheckChar(first17)
	if err != nil {
		panic(err)
	}
	return first17 + string(c)
}

// Every single-digit change to a valid number must be caught by the check
// character (MOD 11-2 detects all single substitutions).
func TestIDCheckCharCatchesEverySubstitution(t *testing.T) {
	valid := "11010519491231002X"
	for i := 14; i < 17; i++ {
		for d := byte('0'); d <= '9'; d++ {
			if valid[i] == d {
				continue
			}
			b := []byte(valid)
			b[i] = d
			if _, _, err := kiosk.ValidateIDNumber(string(b), today); err == nil {
				t.Errorf("%s accepted", b)
			}
		}
	}
}

func TestMasking(t *testing.T) {
	names := map[string]string{
		"张三": "张*", "张小三": "张*三", "欧阳小明": "欧**明", "李": "*", "": "",
		"JOHN SMITH": "J*** S****", "阿卜杜·热合曼": "阿*****曼",
	}
	for in, want := range names {
		if got := kiosk.MaskName(in); got != want {
			t.Errorf("MaskName(%q) = %q, want %q", in, got, want)
		}
	}
	if got := kiosk.MaskIDNumber("110101199003071234"); got != "110101********1234" {
		t.Errorf("MaskIDNumber = %q", got)
	}
	if got := kiosk.MaskIDNumber("123"); got != "***" {
		t.Errorf("MaskIDNumber(short) = %q", got)
	}
	if got := kiosk.MaskPhone("13812345678"); got != "138****5678" {
		t.Errorf("MaskPhone = %q", got)
	}
}

func TestIdentityCheck(t *testing.T) {
	id := &kiosk.Identity{IDNumber: "11010519491231002X", ValidUntil: "2026-11-24"}
	var exp kiosk.ErrCardExpired
	if err := id.Check(today); !errors.As(err, &exp) {
		t.Errorf("expired card: err = %v", err)
	}
	id.ValidUntil = "2026-11-25"
	if err := id.Check(today); err != nil {
		t.Errorf("card valid through today: %v", err)
	}
	id.ValidUntil = "长期"
	if err := id.Check(today); err != nil {
		t.Errorf("long-term card: %v", err)
	}
	id.IDNumber = "11010519491231002Y"
	if err := id.Check(today); err == nil {
		t.Error("bad number accepted")
	}
}

func TestIdentityWipe(t *testing.T) {
	photo := []byte{1, 2, 3}
	id := &kiosk.Identity{Name: "张三", IDNumber: "11010519491231002X", Photo: photo}
	id.Wipe()
	if id.Name != "" || id.IDNumber != "" || id.Photo != nil {
		t.Errorf("identity not cleared: %+v", id)
	}
	if photo[0] != 0 || photo[2] != 0 {
		t.Errorf("photo bytes not zeroed: %v", photo)
	}
}

func FuzzValidateIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "USA118503120011", "911156198503120011", "", "11010519491331002X"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		norm, _, err := kiosk.ValidateIDNumber(s, today)
		if err != nil {
			var ie *kiosk.IDError
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not an *IDError", err)
			}
			return
		}
		// A valid number is stable under re-validation and masks to its length.
		again, _, err := kiosk.ValidateIDNumber(norm, today)
		if err != nil || again != norm {
			t.Fatalf("normalised %q does not re-validate: %v", norm, err)
		}
		if len(kiosk.MaskIDNumber(norm)) != len(norm) {
			t.Fatalf("mask changed length of %q", norm)
		}
	})
}
