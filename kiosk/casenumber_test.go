package kiosk_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"govkiosk/kiosk"
)

func TestCaseNumberRoundTrip(t *testing.T) {
	n, err := kiosk.FormatCaseNumber("QH0001", today, 7)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(n, "QH0001-20261125-000007-") || len(n) != 24 {
		t.Fatalf("number = %q", n)
	}
	got, err := kiosk.ParseCaseNumber(" " + strings.ToLower(n) + " ")
	if err != nil || got != n {
		t.Fatalf("ParseCaseNumber = %q, %v", got, err)
	}
}

func TestFormatCaseNumberRejects(t *testing.T) {
	for _, tt := range []struct {
		prefix string
		seq    int64
	}{{"qh", 1}, {"Q", 1}, {"QH-1", 1}, {"QH01", 0}} {
		if _, err := kiosk.FormatCaseNumber(tt.prefix, today, tt.seq); err == nil {
			t.Errorf("FormatCaseNumber(%q, %d) accepted", tt.prefix, tt.seq)
		}
	}
}

// The check character must catch every single-character typo and every swap
// of two adjacent different characters: the two mistakes people make most.
func TestCaseNumberCatchesTypos(t *testing.T) {
	n, _ := kiosk.FormatCaseNumber("QH0001", today, 123456)
	const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for i := 0; i < len(n); i++ {
		if n[i] == '-' {
			continue
		}
		for j := 0; j < len(alnum); j++ {
			if alnum[j] == n[i] {
				continue
			}
			typo := n[:i] + string(alnum[j]) + n[i+1:]
			if _, err := kiosk.ParseCaseNumber(typo); err == nil {
				t.Errorf("typo %s accepted", typo)
			}
		}
		if i+1 < len(n) && n[i+1] != '-' && n[i] != n[i+1] {
			swap := n[:i] + string(n[i+1]) + string(n[i]) + n[i+2:]
			if _, err := kiosk.ParseCaseNumber(swap); err == nil {
				t.Errorf("swap %s accepted", swap)
			}
		}
	}
}

func TestParseCaseNumberGarbage(t *testing.T) {
	for _, s := range []string{"", "QH0001", "QH0001-20261325-000001-A", "https://example/?n=1", "QH0001-20261125-01-A"} {
		if _, err := kiosk.ParseCaseNumber(s); !errors.Is(err, kiosk.ErrCaseNumber) {
			t.Errorf("ParseCaseNumber(%q) = %v", s, err)
		}
	}
}

func TestNewCaseIDIsUUIDv7(t *testing.T) {
	at := time.UnixMilli(1764000000123)
	id, err := kiosk.NewCaseID(at, bytes.NewReader(bytes.Repeat([]byte{0xff}, 16)))
	if err != nil {
		t.Fatal(err)
	}
	u, err := uuid.Parse(id)
	if err != nil {
		t.Fatal(err)
	}
	if u.Version() != 7 || u.Variant() != uuid.RFC4122 {
		t.Errorf("version %d variant %v", u.Version(), u.Variant())
	}
	sec, nsec := u.Time().UnixTime()
	if got := time.Unix(sec, nsec).UnixMilli(); got != at.UnixMilli() {
		t.Errorf("timestamp = %d, want %d", got, at.UnixMilli())
	}
	a, b := kiosk.NewCaseIDNow(at), kiosk.NewCaseIDNow(at.Add(time.Millisecond))
	if a >= b {
		t.Errorf("ids do not sort by time: %s >= %s", a, b)
	}
}
