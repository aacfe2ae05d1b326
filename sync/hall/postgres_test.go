package hall

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
)

// pgTestURL returns the URL of a new, empty schema in the PostgreSQL that
// GOVKIOSK_TEST_PG names (scripts/pg.sh starts one for make test), and
// drops the schema when the test ends; each test sees only its own tables.
// Without GOVKIOSK_TEST_PG the test is skipped.
func pgTestURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("GOVKIOSK_TEST_PG")
	if base == "" {
		t.Skip("GOVKIOSK_TEST_PG is not set; run under scripts/pg.sh (make test does) to test the PostgreSQL store")
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("GOVKIOSK_TEST_PG: %v", err)
	}
	var b [6]byte
	rand.Read(b[:])
	schema := "test_" + hex.EncodeToString(b[:])
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("GOVKIOSK_TEST_PG: %v", err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Error(err)
		}
	})
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func openPGTestStore(t testing.TB) *PostgresStore {
	t.Helper()
	s, err := OpenPostgres(context.Background(), pgTestURL(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestPostgresStoreContract(t *testing.T) {
	runStoreContract(t, func(t *testing.T) Store { return openPGTestStore(t) })
}

func TestPostgresAdminStoreContract(t *testing.T) {
	runAdminStoreContract(t, func(t *testing.T) Store { return openPGTestStore(t) })
}

// Several halls starting at once on a new database: the schema is made
// once, and every instance finds it complete.
func TestPostgresConcurrentOpenMigratesOnce(t *testing.T) {
	u := pgTestURL(t)
	var wg sync.WaitGroup
	errs := make([]error, 6)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := OpenPostgres(context.Background(), u)
			if err == nil {
				err = s.Close()
			}
			errs[i] = err
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	s, err := OpenPostgres(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n, version int
	if err := s.pool.QueryRow(context.Background(), `SELECT count(*), max(version) FROM schema_version`).Scan(&n, &version); err != nil {
		t.Fatal(err)
	}
	if n != 1 || version != len(postgresMigrations) {
		t.Errorf("schema_version: %d rows, version %d; want 1 row at %d", n, version, len(postgresMigrations))
	}
}

func TestPostgresWritesAfterCloseFail(t *testing.T) {
	s, err := OpenPostgres(context.Background(), pgTestURL(t))
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := s.CreateCode(context.Background(), EnrolmentCode{}); !errors.Is(err, ErrClosed) {
		t.Errorf("write after Close: %v, want ErrClosed", err)
	}
	if _, err := s.Terminals(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("read after Close: %v, want ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// A database that refuses writes (a standby, or a read-only default as
// here) makes writes ErrUnavailable, so the terminal is told 503 and
// retries; reads still work.
func TestPostgresReadOnlyIsUnavailable(t *testing.T) {
	u := pgTestURL(t)
	s, err := OpenPostgres(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	ro, err := url.Parse(u)
	if err != nil {
		t.Fatal(err)
	}
	q := ro.Query()
	q.Set("default_transaction_read_only", "on")
	ro.RawQuery = q.Encode()
	s, err = OpenPostgres(context.Background(), ro.String())
	if err != nil {
		t.Fatalf("open a current schema read-only: %v", err)
	}
	defer s.Close()
	if err := s.CreateCode(context.Background(), EnrolmentCode{}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("write to a read-only database: %v, want ErrUnavailable", err)
	}
	if _, err := s.Terminals(context.Background()); err != nil {
		t.Errorf("read from a read-only database: %v", err)
	}
}

// The password of a URL stays out of the store's name and its errors,
// which go to logs.
func TestPostgresURLPasswordNotShown(t *testing.T) {
	const secret = "s3cr3t-pw"
	_, err := OpenPostgres(context.Background(), "postgres://hall:"+secret+"@127.0.0.1:1/hall?connect_timeout=1")
	if err == nil || !errors.Is(err, ErrUnavailable) {
		t.Fatalf("open on a closed port: %v, want ErrUnavailable", err)
	}
	for _, s := range []string{err.Error(), redactURL("postgres://hall:" + secret + "@db/hall")} {
		if strings.Contains(s, secret) {
			t.Errorf("password shown: %s", s)
		}
	}
	if _, err := OpenPostgres(context.Background(), "postgres://hall:"+secret+"@db:notaport/hall"); err == nil || strings.Contains(err.Error(), secret) {
		t.Errorf("bad URL: %v", err)
	}
}
