package kiosk

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"
)

// NewCaseID returns a UUIDv7 (RFC 9562 §5.7) stamped with the injected clock:
// 48 bits of Unix milliseconds, then random bits. Ids made on one terminal
// sort by creation time, which keeps the hall's index appends local, and being
// random below the millisecond they never collide across terminals.
func NewCaseID(now time.Time, rnd io.Reader) (string, error) {
	var u uuid.UUID
	if _, err := io.ReadFull(rnd, u[6:]); err != nil {
		return "", fmt.Errorf("case id: %w", err)
	}
	ms := uint64(now.UnixMilli())
	for i := 0; i < 6; i++ {
		u[i] = byte(ms >> (40 - 8*i))
	}
	u[6] = 0x70 | u[6]&0x0f // version 7
	u[8] = 0x80 | u[8]&0x3f // RFC 9562 variant
	return u.String(), nil
}

// NewCaseIDNow is NewCaseID with crypto/rand.
func NewCaseIDNow(now time.Time) string {
	id, err := NewCaseID(now, rand.Reader)
	if err != nil {
		panic(err) // crypto/rand never fails on Linux ≥ 3.17
	}
	return id
}

// Case numbers look like QH0001-20261125-000007-K: the terminal prefix, the
// local date of submission, the terminal's sequence and an ISO 7064
// MOD 37,36 check character. They are printed on receipts and typed back on
// keypads, so the check character catches every single-character typo and
// every swap of two adjacent characters before the kiosk asks the hall.
var (
	prefixRE     = regexp.MustCompile(`^[A-Z0-9]{2,12}$`)
	caseNumberRE = regexp.MustCompile(`^([A-Z0-9]{2,12})-([0-9]{8})-([0-9]{6,12})-([0-9A-Z])$`)
)

// ErrCaseNumber is returned for a case number that is malformed or whose
// check character does not match.
var ErrCaseNumber = errors.New("not a valid case number")

// FormatCaseNumber builds the printable case number.
func FormatCaseNumber(prefix string, day time.Time, seq int64) (string, error) {
	if !prefixRE.MatchString(prefix) {
		return "", fmt.Errorf("case number prefix %q: want 2-12 of A-Z 0-9", prefix)
	}
	if seq < 1 {
		return "", fmt.Errorf("case number sequence %d: must be positive", seq)
	}
	body := fmt.Sprintf("%s-%s-%06d", prefix, day.Format("20060102"), seq)
	return body + "-" + string(mod3736(body)), nil
}

// ParseCaseNumber normalises a typed or scanned case number (case, spaces)
// and checks its shape and check character.
func ParseCaseNumber(s string) (string, error) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	m := caseNumberRE.FindStringSubmatch(s)
	if m == nil {
		return "", ErrCaseNumber
	}
	if _, err := time.Parse("20060102", m[2]); err != nil {
		return "", ErrCaseNumber
	}
	if mod3736(s[:len(s)-2]) != s[len(s)-1] {
		return "", ErrCaseNumber
	}
	return s, nil
}

const alnum = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// mod3736 is the ISO 7064 hybrid MOD 37,36 check character over the
// alphanumerics of s; other characters (the hyphens) are skipped.
func mod3736(s string) byte {
	p := 36
	for i := 0; i < len(s); i++ {
		v := strings.IndexByte(alnum, s[i])
		if v < 0 {
			continue
		}
		p = (p + v) % 36
		if p == 0 {
			p = 36
		}
		p = (p * 2) % 37
	}
	return alnum[(37-p)%36]
}
