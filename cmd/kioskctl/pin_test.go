package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/kiosk/maint"
)

func TestPinSetFromStdin(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "kiosk.toml")
	data := filepath.Join(dir, "data")
	os.WriteFile(cfg, []byte("terminal_id = \"K0001\"\nhall_url = \"http://127.0.0.1:1\"\ndata_dir = \""+data+"\"\n"), 0o644)
	t.Cleanup(func() { stdin = os.Stdin })
	pinCmd := func(in string, args ...string) (int, string, string) {
		stdin = strings.NewReader(in)
		return kioskctl(append([]string{"--config", cfg}, args...)...)
	}

	if c, out, _ := pinCmd("", "pin", "status"); c != 0 || !strings.Contains(out, "no PIN set") {
		t.Errorf("status before set: %d %s", c, out)
	}
	for _, tt := range []struct {
		in, args, stderr string
		code             int
	}{
		{"", "", "no PIN on stdin", 2},
		{"12345\n", "", "6 to 12 digits", 1},
		{"482915\n482916\n", "", "differ", 1},
		{"482915\n", "482915", "not from the command line", 2},
	} {
		args := []string{"pin", "set"}
		if tt.args != "" {
			args = append(args, tt.args)
		}
		if c, _, errOut := pinCmd(tt.in, args...); c != tt.code || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("pin set %q: %d %s, want %d %q", tt.in, c, errOut, tt.code, tt.stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(data, maint.PINFile)); !os.IsNotExist(err) {
		t.Fatalf("a refused PIN left a file: %v", err)
	}
	if c, out, errOut := pinCmd("482915\n482915\n", "pin", "set"); c != 0 || !strings.Contains(out, "PIN set") {
		t.Fatalf("pin set: %d %s %s", c, out, errOut)
	}
	if err := maint.Open(data, maint.Options{}).Check("482915", "test"); err != nil {
		t.Errorf("the PIN kioskctl set does not open maintenance: %v", err)
	}
	audit, _ := os.ReadFile(filepath.Join(data, "audit.log"))
	if !strings.Contains(string(audit), `"pin_set"`) || strings.Contains(string(audit), "482915") {
		t.Errorf("audit log: %s", audit)
	}
}
