package hall

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"
)

// codeAlphabet has no 0/O, 1/I/L: codes are read off a screen or paper and
// typed on a terminal's keypad by a technician.
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

const codeLen = 8

// newCode returns codeLen characters drawn uniformly from codeAlphabet.
func newCode(rnd io.Reader) (string, error) {
	// Rejection sampling: bytes ≥ 248 (8×31) would favour the first letters.
	limit := byte(256 - 256%len(codeAlphabet))
	out := make([]byte, 0, codeLen)
	buf := make([]byte, 16)
	for len(out) < codeLen {
		if _, err := io.ReadFull(rnd, buf); err != nil {
			return "", fmt.Errorf("enrolment code: %w", err)
		}
		for _, b := range buf {
			if b < limit && len(out) < codeLen {
				out = append(out, codeAlphabet[int(b)%len(codeAlphabet)])
			}
		}
	}
	return string(out), nil
}

// FormatCode shows a code as XXXX-XXXX.
func FormatCode(code string) string {
	if len(code) != codeLen {
		return code
	}
	return code[:4] + "-" + code[4:]
}

// NormalizeCode accepts a code as a person types it — any case, with or
// without the dash or spaces — and returns its canonical form, or false if
// it cannot be a code.
func NormalizeCode(s string) (string, bool) {
	s = strings.ToUpper(strings.NewReplacer("-", "", " ", "").Replace(strings.TrimSpace(s)))
	if len(s) != codeLen {
		return "", false
	}
	for _, r := range s {
		if !strings.ContainsRune(codeAlphabet, r) {
			return "", false
		}
	}
	return s, true
}

func hashOf(s string) Hash { return sha256.Sum256([]byte(s)) }

// NewCode is a new one-time enrolment code for one terminal, as shown to the admin.
type NewCode struct {
	Code      string // XXXX-XXXX
	ExpiresAt time.Time
}

// NewEnrolmentCode makes and stores a one-time enrolment code. Only its hash
// is stored: the code exists in clear only on the admin's screen.
func (s *Server) NewEnrolmentCode(ctx context.Context) (NewCode, error) {
	code, err := newCode(s.cfg.Rand)
	if err != nil {
		return NewCode{}, err
	}
	now := s.cfg.Clock.Now()
	c := EnrolmentCode{Hash: hashOf(code), CreatedAt: now, ExpiresAt: now.Add(s.cfg.CodeTTL)}
	if err := s.store.CreateCode(ctx, c); err != nil {
		return NewCode{}, fmt.Errorf("enrolment code: %w", err)
	}
	return NewCode{Code: FormatCode(code), ExpiresAt: c.ExpiresAt}, nil
}

// newToken returns a terminal's bearer token: 32 random bytes, base64url.
func newToken(rnd io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rnd, b); err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}
