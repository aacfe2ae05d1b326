package console

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestPasswordHashRoundTrip(t *testing.T) {
	h, err := HashPassword("正确的密码 horse", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not describe itself", h)
	}
	for pw, want := range map[string]bool{"正确的密码 horse": true, "正确的密码 Horse": false, "": false} {
		if ok, err := CheckPassword(h, pw); ok != want || err != nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	again, _ := HashPassword("正确的密码 horse", rand.Reader)
	if again == h {
		t.Error("two hashes of one password are equal: no salt")
	}
}

// A hash made with other parameters (older, cheaper ones) still checks:
// the parameters are read from the hash.
func TestHashWithOtherParametersStillChecks(t *testing.T) {
	salt := []byte("somesalt")
	key := argon2.IDKey([]byte("password"), salt, 1, 64, 1, 32)
	b64 := base64.RawStdEncoding
	h := "$argon2id$v=19$m=64,t=1,p=1$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key)
	for pw, want := range map[string]bool{"password": true, "passwore": false} {
		if ok, err := CheckPassword(h, pw); ok != want || err != nil {
			t.Errorf("CheckPassword(m=64,t=1, %q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
}

func TestBrokenHashesAreErrorsNotWrongPasswords(t *testing.T) {
	for _, h := range []string{
		"",
		"plain",
		"$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$wjrIKGoDH1AEaprAPRgDKbXqTHdPBt3iiXUmvibW0S8",
		"$argon2id$v=16$m=19456,t=2,p=1$c29tZXNhbHQ$wjrIKGoDH1AEaprAPRgDKbXqTHdPBt3iiXUmvibW0S8",
		"$argon2id$v=19$m=4194304,t=2,p=1$c29tZXNhbHQ$wjrIKGoDH1AEaprAPRgDKbXqTHdPBt3iiXUmvibW0S8",
		"$argon2id$v=19$m=19456,t=0,p=1$c29tZXNhbHQ$wjrIKGoDH1AEaprAPRgDKbXqTHdPBt3iiXUmvibW0S8",
		"$argon2id$v=19$m=19456,t=2$c29tZXNhbHQ$wjrIKGoDH1AEaprAPRgDKbXqTHdPBt3iiXUmvibW0S8",
		"$argon2id$v=19$m=19456,t=2,p=1$!!$wjrIKGoDH1AEaprAPRgDKbXqTHdPBt3iiXUmvibW0S8",
		"$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$c2hvcnQ",
	} {
		if ok, err := CheckPassword(h, "password"); ok || err == nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want an error", h, ok, err)
		}
	}
}

func TestNewPasswordRules(t *testing.T) {
	for pw, ok := range map[string]bool{
		"short":                   false,
		"ten chars!":              true,
		"十个汉字的密码足够长了":             true,
		"trailing newline 1234\n": false,
		strings.Repeat("x", 2000): false,
		"bad utf8 \xff\xfe 123":   false,
	} {
		if err := CheckNewPassword(pw); (err == nil) != ok {
			t.Errorf("CheckNewPassword(%q) = %v, want ok=%v", pw, err, ok)
		}
	}
}

// FuzzParseHash: no stored string, however broken, panics the login or
// asks argon2 for more than the bounds allow.
func FuzzParseHash(f *testing.F) {
	h, _ := HashPassword("password123", rand.Reader)
	f.Add(h)
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$wjrIKGoDH1AEaprAPRgDKbXqTHdPBt3iiXUmvibW0S8")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := parseHash(s)
		if err != nil {
			return
		}
		if p.memKiB > maxArgonMemKiB || p.passes > 16 || p.threads == 0 || p.threads > 16 || len(p.key) < 16 || len(p.salt) < 8 {
			t.Fatalf("%q parsed to out-of-bounds parameters %+v", s, p)
		}
	})
}
