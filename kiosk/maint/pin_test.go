package maint

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk"
)

// cheap keeps the tests fast; production uses DefaultParams.
var cheap = Params{Memory: 64, Time: 1, Threads: 1}

type auditRec struct {
	action string
	detail map[string]string
}

func newPIN(t *testing.T, dir string, clock kiosk.Clock) (*PIN, *[]auditRec) {
	t.Helper()
	var log []auditRec
	p := Open(dir, Options{Clock: clock, Params: cheap, Audit: func(a string, d map[string]string) {
		log = append(log, auditRec{a, d})
	}})
	return p, &log
}

func TestNoPINUntilSet(t *testing.T) {
	dir := t.TempDir()
	p, _ := newPIN(t, dir, kiosk.NewManualClock(time.Now()))
	if set, err := p.IsSet(); err != nil || set {
		t.Fatalf("IsSet on a fresh data dir = %v, %v; want false", set, err)
	}
	if err := p.Check("123456", "t"); !errors.Is(err, ErrNoPIN) {
		t.Fatalf("Check before Set = %v, want ErrNoPIN", err)
	}
	if err := p.Set("482915", "t"); err != nil {
		t.Fatal(err)
	}
	if err := p.Check("482915", "t"); err != nil {
		t.Fatalf("Check with the right PIN: %v", err)
	}
	fi, err := os.Stat(filepath.Join(dir, PINFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("PIN file mode %v, want 0600", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(filepath.Join(dir, PINFile))
	if strings.Contains(string(b), "482915") || !strings.Contains(string(b), "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("PIN file is not a PHC argon2id hash without the PIN: %s", b)
	}
}

func TestValidPIN(t *testing.T) {
	for pin, ok := range map[string]bool{
		"482915": true, "123456789012": true,
		"12345": false, "1234567890123": false, "12a456": false, "000000": false, "": false,
	} {
		if err := ValidPIN(pin); (err == nil) != ok {
			t.Errorf("ValidPIN(%q) = %v, want ok=%v", pin, err, ok)
		}
	}
	p, _ := newPIN(t, t.TempDir(), kiosk.SystemClock{})
	if err := p.Set("12", "t"); err == nil {
		t.Error("Set accepted a 2-digit PIN")
	}
}

func TestLockoutAfterFiveWrongSurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	clock := kiosk.NewManualClock(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	p, log := newPIN(t, dir, clock)
	if err := p.Set("482915", "t"); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		var wrong *WrongPINError
		if err := p.Check("111111", "screen"); !errors.As(err, &wrong) || wrong.Left != MaxFailures-i {
			t.Fatalf("wrong try %d: %v, want %d left", i, err, MaxFailures-i)
		}
	}
	// A restart: a new PIN over the same directory keeps the count.
	p, log = newPIN(t, dir, clock)
	var wrong *WrongPINError
	if err := p.Check("111111", "screen"); !errors.As(err, &wrong) || wrong.Left != 1 {
		t.Fatalf("4th wrong try after a restart: %v, want 1 left", err)
	}
	var locked *LockedError
	if err := p.Check("111111", "screen"); !errors.As(err, &locked) || !locked.Until.Equal(clock.Now().Add(LockoutFor)) {
		t.Fatalf("5th wrong try: %v, want locked for %v", err, LockoutFor)
	}
	clock.Advance(LockoutFor - time.Second)
	p, _ = newPIN(t, dir, clock)
	if err := p.Check("482915", "screen"); !errors.Is(err, ErrLocked) {
		t.Fatalf("right PIN during the lockout after a restart: %v, want ErrLocked", err)
	}
	if until, _ := p.Locked(); until.IsZero() {
		t.Error("Locked() is zero during the lockout")
	}
	clock.Advance(time.Second)
	if err := p.Check("482915", "screen"); err != nil {
		t.Fatalf("right PIN after the lockout: %v", err)
	}
	if err := p.Check("111111", "screen"); !errors.As(err, &wrong) || wrong.Left != MaxFailures-1 {
		t.Fatalf("a wrong try after a success: %v, want a fresh count", err)
	}
	if len(*log) != 2 || (*log)[0].detail["result"] != "wrong" || (*log)[1].detail["result"] != "wrong_locked" {
		t.Errorf("audit after the restart = %+v, want wrong then wrong_locked", *log)
	}
}

func TestEveryAttemptAuditedWithoutThePIN(t *testing.T) {
	p, log := newPIN(t, t.TempDir(), kiosk.SystemClock{})
	p.Check("482915", "kioskctl")
	p.Set("482915", "kioskctl")
	p.Check("482915", "screen")
	p.Check("999999", "screen")
	var got []string
	for _, r := range *log {
		got = append(got, r.action+":"+r.detail["result"]+":"+r.detail["who"])
		for _, v := range r.detail {
			if strings.Contains(v, "482915") || strings.Contains(v, "999999") {
				t.Errorf("audit %s carries the PIN: %v", r.action, r.detail)
			}
		}
	}
	want := "pin_check:no_pin:kioskctl pin_set::kioskctl pin_check:ok:screen pin_check:wrong:screen"
	if strings.Join(got, " ") != want {
		t.Errorf("audit = %s\nwant    %s", strings.Join(got, " "), want)
	}
}

func TestDamagedFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, PINFile), []byte("{not json"), 0o600)
	p, _ := newPIN(t, dir, kiosk.SystemClock{})
	if err := p.Check("482915", "t"); err == nil || !strings.Contains(err.Error(), "pin set") {
		t.Errorf("Check on a damaged file = %v, want an error that says how to fix it", err)
	}
	os.WriteFile(filepath.Join(dir, PINFile), []byte(`{"hash":"$argon2id$v=19$m=0,t=1,p=1$AA$AA"}`), 0o600)
	if err := p.Check("482915", "t"); err == nil {
		t.Error("Check accepted a hash with zero memory")
	}
}
