package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/sync/hall"
	"govkiosk/sync/hall/console"
)

// hallRunStdin runs the command line with stdin and returns exit status,
// stdout and stderr.
func hallRunStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := runWith(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func storedHash(t *testing.T, db, name string) string {
	t.Helper()
	st, err := hall.OpenSQLite(db, hall.SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, err := st.Admin(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	return a.PasswordHash
}

func TestUserAddReadsThePasswordFromStdinOrAFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hall.db")
	status, out, errOut := hallRunStdin(t, "first password 1\n", "admin", "user", "add", "wang", "--db", db)
	if status != 0 || !strings.Contains(out, "admin wang added") {
		t.Fatalf("add: exit %d, %q %q", status, out, errOut)
	}
	if ok, err := console.CheckPassword(storedHash(t, db, "wang"), "first password 1"); !ok || err != nil {
		t.Fatalf("stored hash does not check the password from stdin: %v", err)
	}
	pwFile := filepath.Join(dir, "pw")
	os.WriteFile(pwFile, []byte("second password 2\r\n"), 0o600)
	status, out, _ = hallRunStdin(t, "", "admin", "user", "add", "wang", "--db", db, "--password-file", pwFile)
	if status != 0 || !strings.Contains(out, "password of admin wang reset") {
		t.Fatalf("reset: exit %d, %q", status, out)
	}
	if ok, _ := console.CheckPassword(storedHash(t, db, "wang"), "second password 2"); !ok {
		t.Error("the password from --password-file (CRLF line) does not check")
	}
	status, out, _ = hallRunStdin(t, "", "admin", "user", "list", "--db", db)
	if status != 0 || !strings.Contains(out, "wang") || strings.Contains(out, "argon2") {
		t.Errorf("list: exit %d, %q (want the name, never the hash)", status, out)
	}
}

func TestUserAddRefusesBadInput(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hall.db")
	for _, tt := range []struct {
		name   string
		stdin  string
		args   []string
		status int
		errOut string
	}{
		{"password as an argument", "", []string{"wang", "a password on the command line"}, 2, "never an argument"},
		{"no name", "long enough password\n", nil, 2, "want one admin NAME"},
		{"bad name", "long enough password\n", []string{"王"}, 2, "use only letters"},
		{"short password", "short\n", []string{"wang"}, 1, "too short"},
		{"empty stdin", "", []string{"wang"}, 1, "no password on standard input"},
		{"missing file", "", []string{"wang", "--password-file", "/nonexistent/pw"}, 1, "no such file"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"admin", "user", "add", "--db", db}, tt.args...)
			status, _, errOut := hallRunStdin(t, tt.stdin, args...)
			if status != tt.status || !strings.Contains(errOut, tt.errOut) {
				t.Errorf("exit %d, stderr %q; want %d and %q", status, errOut, tt.status, tt.errOut)
			}
		})
	}
}

func TestUserCommandsHaveHelpWithAnExample(t *testing.T) {
	for _, sub := range []string{"add", "list"} {
		status, out, _ := hallRunStdin(t, "", "admin", "user", sub, "--help")
		if status != 0 || !strings.Contains(out, "Example:\n  hall admin user "+sub) {
			t.Errorf("admin user %s --help: exit %d, %q", sub, status, out)
		}
	}
}
