package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// A PostgreSQL hall has no database file to keep its keys beside: without
// --keys-dir it says so instead of writing key files named after the URL.
func TestPostgresNeedsKeysDir(t *testing.T) {
	status, _, errOut := hallRun(t, "serve", "--addr", "127.0.0.1:0", "--db", "postgres://hall@127.0.0.1:1/hall")
	if status != 1 || !strings.Contains(errOut, "--keys-dir") {
		t.Errorf("serve on PostgreSQL without --keys-dir: exit %d: %s", status, errOut)
	}
}

// The admin commands work on a PostgreSQL hall: a code made by one command
// is stored where the next command finds it, and the keys go to --keys-dir.
func TestAdminOnPostgres(t *testing.T) {
	base := os.Getenv("GOVKIOSK_TEST_PG")
	if base == "" {
		t.Skip("GOVKIOSK_TEST_PG is not set; run under scripts/pg.sh (make test does) to test the PostgreSQL hall")
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var r [6]byte
	rand.Read(r[:])
	schema := "cmdhall_" + hex.EncodeToString(r[:])
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatal(err)
	}
	defer conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	keys := t.TempDir()

	status, out, errOut := hallRun(t, "admin", "code", "--db", u.String(), "--keys-dir", keys)
	if status != 0 || !codeLineRE.MatchString(lastLine(out)) {
		t.Fatalf("admin code: exit %d: %s%s", status, out, errOut)
	}
	if _, err := os.Stat(filepath.Join(keys, "hall.signing.key")); err != nil {
		t.Errorf("no signing key in --keys-dir: %v", err)
	}
	var codes int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+schema+`.enrolment_codes`).Scan(&codes); err != nil || codes != 1 {
		t.Errorf("%d codes stored (%v), want 1", codes, err)
	}
	status, out, errOut = hallRun(t, "admin", "terminals", "--db", u.String(), "--keys-dir", keys)
	if status != 0 || !strings.Contains(out, "no terminals enrolled") {
		t.Errorf("admin terminals: exit %d: %s%s", status, out, errOut)
	}
}
