package hall

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/crypto/curve25519"
	"golang.org/x/crypto/nacl/box"
)

// secretKeys are the hall's two secret keys. They live in files, never in the
// store: a copy of the database (a backup, a PostgreSQL replica) then
// neither signs catalogues nor opens citizens' sealed cases.
//
// Losing them means re-enrolling every terminal (each pinned the public
// keys at enrolment) and losing access to every sealed case; back them up
// apart from the database.
type secretKeys struct {
	// Signing signs catalogue versions (ed25519).
	Signing ed25519.PrivateKey
	// SealPublic and SealPrivate open the sealed boxes of cases (X25519).
	SealPublic, SealPrivate [32]byte
}

// Identity returns the public halves.
func (k *secretKeys) Identity() Identity {
	return Identity{
		CatalogKey: bytes.Clone(k.Signing.Public().(ed25519.PublicKey)),
		SealKey:    bytes.Clone(k.SealPublic[:]),
	}
}

// KeyPaths returns the files holding the keys: beside the database
// ("hall.db.signing.key", "hall.db.seal.key"), or in keysDir when given
// ("DIR/hall.signing.key", "DIR/hall.seal.key"), which a PostgreSQL hall
// needs since it has no database file.
func KeyPaths(db, keysDir string) (signing, seal string) {
	base := db
	if keysDir != "" {
		base = filepath.Join(keysDir, "hall")
	}
	return base + ".signing.key", base + ".seal.key"
}

const (
	signingHeader = "# GovKiosk hall catalogue signing key (ed25519 seed, base64). Secret: mode 0600, back it up apart from the database.\n"
	sealHeader    = "# GovKiosk hall case sealing key (X25519 private key, base64). Secret: mode 0600, back it up apart from the database.\n"
)

// loadKeys reads both key files. A missing file is an error wrapping
// fs.ErrNotExist.
func loadKeys(signingPath, sealPath string) (*secretKeys, error) {
	seed, err := readKeyFile(signingPath)
	if err != nil {
		return nil, err
	}
	priv, err := readKeyFile(sealPath)
	if err != nil {
		return nil, err
	}
	k := &secretKeys{Signing: ed25519.NewKeyFromSeed(seed)}
	copy(k.SealPrivate[:], priv)
	pub, err := curve25519.X25519(priv, curve25519.Basepoint)
	if err != nil {
		return nil, fmt.Errorf("seal key %s: %w", sealPath, err)
	}
	copy(k.SealPublic[:], pub)
	return k, nil
}

// loadOrCreateKeys reads the key files, creating the ones that are missing.
// Only a hall with an empty store may create keys (see Open): creating them
// for a store that has published catalogues would orphan its terminals. If
// another hall instance creates a file first, its key is the one loaded.
func loadOrCreateKeys(signingPath, sealPath string, rnd io.Reader) (*secretKeys, error) {
	if _, err := os.Stat(signingPath); errors.Is(err, fs.ErrNotExist) {
		_, priv, err := ed25519.GenerateKey(rnd)
		if err != nil {
			return nil, fmt.Errorf("make signing key: %w", err)
		}
		if err := writeKeyFile(signingPath, signingHeader, priv.Seed()); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	if _, err := os.Stat(sealPath); errors.Is(err, fs.ErrNotExist) {
		_, priv, err := box.GenerateKey(rnd)
		if err != nil {
			return nil, fmt.Errorf("make seal key: %w", err)
		}
		if err := writeKeyFile(sealPath, sealHeader, priv[:]); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, err
		}
	}
	return loadKeys(signingPath, sealPath)
}

func readKeyFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("key file: %w", err)
	}
	defer f.Close()
	var key []byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if key != nil {
			return nil, fmt.Errorf("key file %s: more than one key line", path)
		}
		if key, err = base64.StdEncoding.DecodeString(line); err != nil {
			return nil, fmt.Errorf("key file %s: not base64: %v", path, err)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("key file %s: %w", path, err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("key file %s: want a 32-byte key, got %d bytes", path, len(key))
	}
	return key, nil
}

// writeKeyFile installs a key file atomically with mode 0600: write a
// temporary file, fsync, rename, fsync the directory. A crash leaves either
// no key file or a complete one, never a truncated key that a restart
// would reject (or worse, a key the store does not match).
func writeKeyFile(path, header string, key []byte) (err error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("key dir: %w", err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write key %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		return fmt.Errorf("write key %s: %w", path, err)
	}
	if _, err := io.WriteString(f, header+base64.StdEncoding.EncodeToString(key)+"\n"); err != nil {
		return fmt.Errorf("write key %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write key %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write key %s: %w", path, err)
	}
	// Link, not rename: if another hall instance made the file meanwhile,
	// keep its key and fail rather than replace it.
	if err := os.Link(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("write key %s: %w", path, err)
	}
	os.Remove(f.Name())
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("write key %s: sync dir: %w", path, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("write key %s: sync dir: %w", path, err)
	}
	return nil
}

// keyFileTooOpen reports whether others than its owner may read a key file.
func keyFileTooOpen(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().Perm()&0o077 != 0
}
