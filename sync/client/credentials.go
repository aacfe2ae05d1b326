package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/nacl/box"
)

// Credentials are what enrolment gives a terminal. They live in
// data_dir/credentials.json, readable only by the kiosk's user: the token
// lets anyone upload as this terminal.
type Credentials struct {
	HallURL    string `json:"hall_url"`
	TerminalID string `json:"terminal_id"`
	Token      string `json:"token"`
	CatalogKey string `json:"catalog_key"` // base64 ed25519 public key, pinned at enrolment
	SealKey    string `json:"seal_key"`    // base64 X25519 public key
}

// CredentialsFile is the file name in the data directory.
const CredentialsFile = "credentials.json"

// ErrNotEnrolled is returned when the terminal has no credentials yet.
var ErrNotEnrolled = errors.New("terminal not enrolled: run 'kioskctl enroll CODE' or enrol in maintenance mode")

// EnrollError is the hall refusing an enrolment code.
type EnrollError struct {
	Status int
	Body   string
}

func (e *EnrollError) Error() string {
	return fmt.Sprintf("hall refused the enrolment code (HTTP %d): %s; codes work once: ask the hall for a new one", e.Status, strings.TrimSpace(e.Body))
}

// Enroll trades a one-time enrolment code for credentials.
func Enroll(ctx context.Context, hc *http.Client, hallURL, code, name string) (*Credentials, error) {
	if hc == nil {
		hc = http.DefaultClient
	}
	body, _ := json.Marshal(enrollRequest{Code: code, Name: name})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimRight(hallURL, "/")+"/v1/enroll", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("enrol at %s: %w", hallURL, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode != http.StatusCreated {
		return nil, &EnrollError{Status: resp.StatusCode, Body: string(data)}
	}
	var er enrollResponse
	if err := json.Unmarshal(data, &er); err != nil {
		return nil, fmt.Errorf("enrol: bad answer from the hall: %w", err)
	}
	c := &Credentials{HallURL: hallURL, TerminalID: er.TerminalID, Token: er.Token, CatalogKey: er.CatalogKey, SealKey: er.SealKey}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("enrol: bad answer from the hall: %w", err)
	}
	return c, nil
}

func (c *Credentials) validate() error {
	if c.TerminalID == "" || c.Token == "" {
		return errors.New("no terminal id or token")
	}
	if _, err := c.catalogKey(); err != nil {
		return err
	}
	_, err := c.sealKey()
	return err
}

func (c *Credentials) catalogKey() (ed25519.PublicKey, error) {
	k, err := base64.StdEncoding.DecodeString(c.CatalogKey)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("catalog_key is not a base64 ed25519 public key")
	}
	return ed25519.PublicKey(k), nil
}

func (c *Credentials) sealKey() (*[32]byte, error) {
	k, err := base64.StdEncoding.DecodeString(c.SealKey)
	if err != nil || len(k) != 32 {
		return nil, errors.New("seal_key is not a base64 X25519 public key")
	}
	var out [32]byte
	copy(out[:], k)
	return &out, nil
}

// Save writes the credentials atomically with mode 0600: temp file, fsync,
// rename, fsync the directory, so a power cut leaves the old file or the
// new one, never half of one.
func (c *Credentials) Save(dir string) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, CredentialsFile), append(data, '\n'), 0o600)
}

// LoadCredentials reads the credentials from dir, or ErrNotEnrolled.
func LoadCredentials(dir string) (*Credentials, error) {
	data, err := os.ReadFile(filepath.Join(dir, CredentialsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNotEnrolled
	}
	if err != nil {
		return nil, err
	}
	var c Credentials
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", CredentialsFile, err)
	}
	if err := c.validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", CredentialsFile, err)
	}
	return &c, nil
}

func writeFileAtomic(path string, data []byte, mode os.FileMode) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename this fails harmlessly
	if err := f.Chmod(mode); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Sealer seals a case's personal part to the hall's seal key with
// libsodium's sealed box (crypto_box_seal): only the hall's private key
// opens it, so a stolen terminal disk reveals no citizen's data.
type Sealer struct{ key *[32]byte }

// NewSealer makes a sealer for the credentials' seal key.
func (c *Credentials) NewSealer() (*Sealer, error) {
	k, err := c.sealKey()
	if err != nil {
		return nil, err
	}
	return &Sealer{key: k}, nil
}

// Seal implements store.Sealer.
func (s *Sealer) Seal(plaintext []byte) ([]byte, error) {
	return box.SealAnonymous(nil, plaintext, s.key, rand.Reader)
}
