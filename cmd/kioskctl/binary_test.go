package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The real binaries, as a technician runs them: devsim makes the devices,
// kioskctl reads a card and prints a test page through them.
func TestRealBinariesAgainstDevsim(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	bin, dir, stdin := startDevsim(t)

	io.WriteString(stdin, "place foreigner\n")
	time.Sleep(100 * time.Millisecond) // devsim reads its stdin line
	out, err := exec.Command(filepath.Join(bin, "kioskctl"), "idcard", "read", "--port", filepath.Join(dir, "idcard"), "--json").Output()
	var card cardJSON
	if err != nil || json.Unmarshal(out, &card) != nil || card.CardType != "foreigner" || card.IDNumber != "USA335803140011" {
		t.Fatalf("kioskctl idcard read: %v\n%s", err, out)
	}
	io.WriteString(stdin, "remove\n")
	time.Sleep(100 * time.Millisecond)
	cmd := exec.Command(filepath.Join(bin, "kioskctl"), "idcard", "read", "--port", filepath.Join(dir, "idcard"))
	errOut, err := cmd.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 1 || !strings.Contains(string(errOut), "no card") {
		t.Errorf("no card: %v %s", err, errOut)
	}
	if out, err := exec.Command(filepath.Join(bin, "kioskctl"), "printer", "test", "--port", filepath.Join(dir, "printer")).CombinedOutput(); err != nil {
		t.Errorf("kioskctl printer test: %v\n%s", err, out)
	}
	if out, err := exec.Command(filepath.Join(bin, "kioskctl"), "frobnicate").CombinedOutput(); err == nil {
		t.Errorf("unknown command exited 0: %s", out)
	}
}

// startDevsim builds kioskctl and devsim into a temporary directory and
// starts devsim there, ready for commands on stdin; it is killed when the
// test ends. It returns the binaries' directory and devsim's.
func startDevsim(t *testing.T) (bin, dir string, stdin io.WriteCloser) {
	t.Helper()
	bin = t.TempDir()
	for _, cmd := range []string{"kioskctl", "devsim"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(bin, cmd), "govkiosk/cmd/"+cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", cmd, err, out)
		}
	}
	dir = t.TempDir()
	devsim := exec.Command(filepath.Join(bin, "devsim"), "--dir", dir)
	stdin, _ = devsim.StdinPipe()
	stdout, _ := devsim.StdoutPipe()
	if err := devsim.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stdin.Close(); devsim.Process.Kill(); devsim.Wait() })
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "type 'help'") {
	}
	go io.Copy(io.Discard, stdout)
	return bin, dir, stdin
}
