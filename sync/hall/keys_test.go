package hall

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func openHall(t *testing.T, cfg Config) (*Server, error) {
	t.Helper()
	cfg.Logger = quietLogger()
	s, err := Open(context.Background(), cfg)
	if err == nil {
		t.Cleanup(func() { s.Close() })
	}
	return s, err
}

func TestKeysAreMadeOnceBesideTheDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hall.db")
	s, err := openHall(t, Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	first := s.Identity()
	s.Close()
	for _, p := range []string{db + ".signing.key", db + ".seal.key"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", p, fi.Mode().Perm())
		}
	}
	again, err := openHall(t, Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	if id := again.Identity(); !bytes.Equal(id.CatalogKey, first.CatalogKey) || !bytes.Equal(id.SealKey, first.SealKey) {
		t.Error("keys changed on reopening")
	}
}

func TestKeysDir(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "data", "hall.db")
	os.Mkdir(filepath.Dir(db), 0o700)
	keys := filepath.Join(dir, "secrets")
	if _, err := openHall(t, Config{DB: db, KeysDir: keys}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{filepath.Join(keys, "hall.signing.key"), filepath.Join(keys, "hall.seal.key")} {
		if _, err := os.Stat(p); err != nil {
			t.Error(err)
		}
	}
	if _, err := os.Stat(db + ".signing.key"); err == nil {
		t.Error("key written beside the database despite KeysDir")
	}
}

func TestOpenRefusesMissingOrWrongKeys(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hall.db")
	s, err := openHall(t, Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	other := filepath.Join(dir, "other.db")
	s2, err := openHall(t, Config{DB: other})
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()

	// No keys where the store expects them: refuse, do not make new ones.
	if _, err := openHall(t, Config{DB: db, KeysDir: filepath.Join(dir, "empty")}); err == nil || !strings.Contains(err.Error(), "missing") {
		t.Errorf("missing keys: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "empty", "hall.signing.key")); err == nil {
		t.Error("new keys were made for an initialised store")
	}
	// Another hall's keys.
	wrong := filepath.Join(dir, "wrong")
	os.Mkdir(wrong, 0o700)
	copyFile(t, other+".signing.key", filepath.Join(wrong, "hall.signing.key"))
	copyFile(t, other+".seal.key", filepath.Join(wrong, "hall.seal.key"))
	if _, err := openHall(t, Config{DB: db, KeysDir: wrong}); err == nil || !strings.Contains(err.Error(), "not the keys") {
		t.Errorf("wrong keys: %v", err)
	}
	// A damaged key file.
	os.WriteFile(filepath.Join(wrong, "hall.seal.key"), []byte("not base64!\n"), 0o600)
	if _, err := openHall(t, Config{DB: db, KeysDir: wrong}); err == nil || !strings.Contains(err.Error(), "base64") {
		t.Errorf("damaged key: %v", err)
	}
}

func TestNewStoreReusesExistingKeyFiles(t *testing.T) {
	// The database was lost but the keys were backed up: a new store takes
	// the old keys, so terminals keep trusting the hall.
	dir := t.TempDir()
	db := filepath.Join(dir, "hall.db")
	s, err := openHall(t, Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	id := s.Identity()
	s.Close()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(db + suffix)
	}
	s, err = openHall(t, Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(s.Identity().CatalogKey, id.CatalogKey) {
		t.Error("new store made new keys although key files existed")
	}
}

func TestOpenStoreNamesWhatIsWrong(t *testing.T) {
	for _, db := range []string{"", "postgres://hall@127.0.0.1:1/hall"} {
		if _, err := OpenStore(context.Background(), db); err == nil {
			t.Errorf("OpenStore(%q) succeeded", db)
		}
	}
	if _, err := OpenStore(context.Background(), filepath.Join(t.TempDir(), "no-such-dir", "hall.db")); err == nil {
		t.Error("store in a missing directory opened")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o600); err != nil {
		t.Fatal(err)
	}
}
