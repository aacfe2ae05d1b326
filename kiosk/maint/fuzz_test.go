package maint

import (
	"os"
	"path/filepath"
	"testing"

	"govkiosk/kiosk"
)

// FuzzPINFile feeds arbitrary PIN files (a damaged disk, a hand edit) to
// Check: an error is fine, a panic or an absurd argon2 allocation is not
// (verify bounds the parameters it reads). Seeds: testdata/fuzz/FuzzPINFile.
func FuzzPINFile(f *testing.F) {
	f.Fuzz(func(t *testing.T, content string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, PINFile), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		p := Open(dir, Options{Clock: kiosk.SystemClock{}, Params: Params{Memory: 64, Time: 1, Threads: 1}})
		p.IsSet()
		p.Locked()
		p.Check("482915", "fuzz")
	})
}
