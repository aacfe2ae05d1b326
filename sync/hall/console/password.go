package console

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters for new hashes: OWASP's minimum for argon2id (19 MiB,
// two passes, one lane), which keeps a login near 50 ms on the hall's small
// machine. Hashes carry their parameters, so raising these later leaves
// stored hashes valid; each is upgraded at the admin's next password reset.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	argonSaltLen   = 16
)

// MinPasswordLen is the shortest password an admin may set, in characters.
const MinPasswordLen = 10

// maxPasswordBytes bounds the work one login can cause.
const maxPasswordBytes = 1024

// CheckNewPassword says what is wrong with a password an admin wants to
// set, or nil.
func CheckNewPassword(pw string) error {
	switch {
	case !utf8.ValidString(pw):
		return errors.New("password is not valid UTF-8")
	case utf8.RuneCountInString(pw) < MinPasswordLen:
		return fmt.Errorf("password too short: want at least %d characters", MinPasswordLen)
	case len(pw) > maxPasswordBytes:
		return fmt.Errorf("password too long: at most %d bytes", maxPasswordBytes)
	case strings.TrimSpace(pw) != pw:
		return errors.New("password starts or ends with white space (a stray newline?)")
	}
	return nil
}

// HashPassword returns a self-describing argon2id hash in the PHC string
// format: $argon2id$v=19$m=19456,t=2,p=1$<salt>$<key>.
func HashPassword(pw string, rnd io.Reader) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := io.ReadFull(rnd, salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches hash, comparing in constant
// time. An error means the hash itself is unusable (not one HashPassword
// makes), which is a broken store, not a wrong password.
func CheckPassword(hash, pw string) (bool, error) {
	h, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	if len(pw) > maxPasswordBytes {
		return false, nil
	}
	got := argon2.IDKey([]byte(pw), h.salt, h.passes, h.memKiB, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

// argonHash is a parsed PHC string.
type argonHash struct {
	memKiB, passes uint32
	threads        uint8
	salt, key      []byte
}

// maxArgonMemKiB bounds the memory a stored hash may ask for, so a corrupt
// or hostile row cannot cost gigabytes per login.
const maxArgonMemKiB = 256 * 1024

func parseHash(hash string) (argonHash, error) {
	var h argonHash
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return h, errors.New("password hash: not an argon2id PHC string")
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return h, fmt.Errorf("password hash: version %q, want v=%d", parts[2], argon2.Version)
	}
	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("password hash: parameters %q: want m=…,t=…,p=…", parts[3])
	}
	var vals [3]uint64
	for i, name := range []string{"m", "t", "p"} {
		v, ok := strings.CutPrefix(params[i], name+"=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return h, fmt.Errorf("password hash: parameters %q: bad %s", parts[3], name)
		}
		vals[i] = n
	}
	if vals[0] < 8*vals[2] || vals[0] > maxArgonMemKiB || vals[1] < 1 || vals[1] > 16 || vals[2] < 1 || vals[2] > 16 {
		return h, fmt.Errorf("password hash: parameters %q out of range", parts[3])
	}
	h.memKiB, h.passes, h.threads = uint32(vals[0]), uint32(vals[1]), uint8(vals[2])
	var err error
	if h.salt, err = base64.RawStdEncoding.Strict().DecodeString(parts[4]); err != nil || len(h.salt) < 8 || len(h.salt) > 64 {
		return h, errors.New("password hash: bad salt")
	}
	if h.key, err = base64.RawStdEncoding.Strict().DecodeString(parts[5]); err != nil || len(h.key) < 16 || len(h.key) > 64 {
		return h, errors.New("password hash: bad key")
	}
	return h, nil
}
