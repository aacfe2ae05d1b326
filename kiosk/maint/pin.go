// Package maint is the technician's side of the terminal: the PIN that
// guards maintenance mode. The screens (ui/maint) and kioskctl both use it,
// so a PIN set from a shell opens the screens and the other way round.
package maint

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"govkiosk/kiosk"
)

// PINFile is the PIN's file in data_dir: the argon2id hash (PHC string) and
// the failure counter.
const PINFile = "maint-pin.json"

// MaxFailures wrong PINs in a row lock maintenance mode for LockoutFor.
const (
	MaxFailures = 5
	LockoutFor  = 5 * time.Minute
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams cost about a fifth of a second on a 2-core kiosk: nothing
// for a technician, and slow enough that a stolen PIN file does not give
// up a 6-digit PIN in minutes.
var DefaultParams = Params{Memory: 64 * 1024, Time: 3, Threads: 2}

var (
	// ErrNoPIN: no PIN has been set yet; maintenance asks for a new one.
	ErrNoPIN = errors.New("maint: no technician PIN set yet")
	// ErrWrongPIN: the PIN does not match (see *WrongPINError).
	ErrWrongPIN = errors.New("maint: wrong PIN")
	// ErrLocked: too many wrong PINs (see *LockedError).
	ErrLocked = errors.New("maint: locked after too many wrong PINs")
)

// WrongPINError says how many tries are left before the lockout.
type WrongPINError struct{ Left int }

func (e *WrongPINError) Error() string {
	return fmt.Sprintf("maint: wrong PIN, %d tries left before a %v lockout", e.Left, LockoutFor)
}
func (e *WrongPINError) Unwrap() error { return ErrWrongPIN }

// LockedError says when the lockout ends.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string {
	return fmt.Sprintf("maint: locked after %d wrong PINs until %s", MaxFailures, e.Until.Format("15:04:05"))
}
func (e *LockedError) Unwrap() error { return ErrLocked }

// Options configure a PIN.
type Options struct {
	Clock kiosk.Clock // default kiosk.SystemClock
	// Audit records one event; the PIN itself is never in detail. Default:
	// nothing is recorded.
	Audit func(action string, detail map[string]string)
	// Params for new hashes; zero means DefaultParams. Checking uses the
	// parameters stored with the hash.
	Params Params
}

// PIN is the technician PIN of one terminal. It is safe for concurrent use
// within one process; kioskctl and the kiosk each re-read the file on every
// call, so a PIN set by one is seen by the other.
type PIN struct {
	path string
	opts Options
	mu   sync.Mutex
}

// pinFile is the file's content.
//
// The failure counter and the lockout live in the same file as the hash,
// written atomically after every attempt: restarting the app (or pulling
// the power) must not reset the count and hand out five more guesses.
type pinFile struct {
	Hash        string    `json:"hash,omitempty"`
	Failures    int       `json:"failures"`
	LockedUntil time.Time `json:"locked_until,omitzero"`
	SetAt       time.Time `json:"set_at,omitzero"`
}

// Open returns the PIN kept in dataDir.
func Open(dataDir string, opts Options) *PIN {
	if opts.Clock == nil {
		opts.Clock = kiosk.SystemClock{}
	}
	if opts.Audit == nil {
		opts.Audit = func(string, map[string]string) {}
	}
	if opts.Params == (Params{}) {
		opts.Params = DefaultParams
	}
	return &PIN{path: filepath.Join(dataDir, PINFile), opts: opts}
}

// IsSet reports whether a PIN has been set.
func (p *PIN) IsSet() (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := p.load()
	return f.Hash != "", err
}

// Locked returns when the lockout ends, or the zero time if not locked.
func (p *PIN) Locked() (time.Time, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := p.load()
	if err != nil || !p.opts.Clock.Now().Before(f.LockedUntil) {
		return time.Time{}, err
	}
	return f.LockedUntil, nil
}

// Check compares pin with the stored hash. It returns nil on a match,
// ErrNoPIN before any PIN is set, a *WrongPINError or a *LockedError. Every
// attempt is audited as who (never the PIN).
func (p *PIN) Check(pin, who string) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	f, err := p.load()
	if err != nil {
		return err
	}
	now := p.opts.Clock.Now()
	audit := func(result string) {
		p.opts.Audit("pin_check", map[string]string{"who": who, "result": result, "failures": fmt.Sprint(f.Failures)})
	}
	if f.Hash == "" {
		audit("no_pin")
		return ErrNoPIN
	}
	if now.Before(f.LockedUntil) {
		audit("locked")
		return &LockedError{Until: f.LockedUntil}
	}
	if !f.LockedUntil.IsZero() {
		// The lockout is over: five fresh tries.
		f.Failures, f.LockedUntil = 0, time.Time{}
	}
	ok, err := verify(f.Hash, pin)
	if err != nil {
		return fmt.Errorf("maint: %s: %w (set a new PIN with kioskctl pin set)", p.path, err)
	}
	if ok {
		f.Failures = 0
		if err := p.save(f); err != nil {
			return err
		}
		audit("ok")
		return nil
	}
	f.Failures++
	if f.Failures >= MaxFailures {
		f.LockedUntil = now.Add(LockoutFor)
	}
	if err := p.save(f); err != nil {
		return err
	}
	if !f.LockedUntil.IsZero() {
		audit("wrong_locked")
		return &LockedError{Until: f.LockedUntil}
	}
	audit("wrong")
	return &WrongPINError{Left: MaxFailures - f.Failures}
}

// Set stores a new PIN (6 to 12 digits) and clears any failures.
func (p *PIN) Set(pin, who string) error {
	if err := ValidPIN(pin); err != nil {
		return err
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	pr := p.opts.Params
	key := argon2.IDKey([]byte(pin), salt, pr.Time, pr.Memory, pr.Threads, 32)
	hash := fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, pr.Memory, pr.Time, pr.Threads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.save(pinFile{Hash: hash, SetAt: p.opts.Clock.Now().UTC()}); err != nil {
		return err
	}
	p.opts.Audit("pin_set", map[string]string{"who": who})
	return nil
}

// ValidPIN checks a new PIN's form: 6 to 12 digits, not all one digit.
func ValidPIN(pin string) error {
	if len(pin) < 6 || len(pin) > 12 {
		return fmt.Errorf("the PIN must have 6 to 12 digits, not %d", len(pin))
	}
	for _, r := range pin {
		if r < '0' || r > '9' {
			return errors.New("the PIN must be digits only")
		}
	}
	if strings.Count(pin, pin[:1]) == len(pin) {
		return errors.New("the PIN must not be one digit repeated")
	}
	return nil
}

var b64 = base64.RawStdEncoding

// verify checks pin against a PHC argon2id string.
func verify(phc, pin string) (bool, error) {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false, errors.New("the PIN hash is not an argon2id PHC string")
	}
	var v int
	var pr Params
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false, fmt.Errorf("argon2 version %q not supported", parts[2])
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &pr.Memory, &pr.Time, &pr.Threads); err != nil ||
		pr.Memory < 8*uint32(pr.Threads) || pr.Time == 0 || pr.Threads == 0 || pr.Memory > 1<<18 || pr.Time > 16 {
		return false, fmt.Errorf("argon2 parameters %q out of range", parts[3])
	}
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false, errors.New("the PIN hash's salt is not base64")
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false, errors.New("the PIN hash's key is not base64")
	}
	got := argon2.IDKey([]byte(pin), salt, pr.Time, pr.Memory, pr.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

// load reads the file; a missing file is "no PIN yet".
func (p *PIN) load() (pinFile, error) {
	var f pinFile
	b, err := os.ReadFile(p.path)
	if errors.Is(err, os.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("maint: read PIN: %w", err)
	}
	if err := json.Unmarshal(b, &f); err != nil {
		return f, fmt.Errorf("maint: %s is damaged (%v): set a new PIN with kioskctl pin set", p.path, err)
	}
	return f, nil
}

// save writes the file atomically (temp, fsync, rename, fsync the
// directory), readable by its owner only: a power cut leaves either the old
// file or the new one, never a half-written hash that locks everyone out.
func (p *PIN) save(f pinFile) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	dir := filepath.Dir(p.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("maint: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+PINFile+".*")
	if err != nil {
		return fmt.Errorf("maint: save PIN: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err = tmp.Write(b); err == nil {
		if err = tmp.Chmod(0o600); err == nil {
			err = tmp.Sync()
		}
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p.path)
	}
	if err != nil {
		return fmt.Errorf("maint: save PIN: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
