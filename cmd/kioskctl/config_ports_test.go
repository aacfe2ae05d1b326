package main

import (
	"bufio"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// On a configured kiosk the device commands need no --port: the real
// kioskctl binary reads the ports and baud rates from [idcard], [printer]
// and [scanner] of --config FILE, against devsim's simulated devices.
func TestDeviceCommandsTakePortsFromConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds binaries")
	}
	bin := t.TempDir()
	for _, cmd := range []string{"kioskctl", "devsim"} {
		out, err := exec.Command("go", "build", "-o", filepath.Join(bin, cmd), "govkiosk/cmd/"+cmd).CombinedOutput()
		if err != nil {
			t.Fatalf("build %s: %v\n%s", cmd, err, out)
		}
	}
	dir := t.TempDir()
	devsim := exec.Command(filepath.Join(bin, "devsim"), "--dir", dir)
	stdin, _ := devsim.StdinPipe()
	stdout, _ := devsim.StdoutPipe()
	if err := devsim.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); devsim.Process.Kill(); devsim.Wait() }()
	lines := bufio.NewScanner(stdout)
	for lines.Scan() && !strings.HasPrefix(lines.Text(), "type 'help'") {
	}
	go io.Copy(io.Discard, stdout)

	cfg := filepath.Join(dir, "kiosk.toml")
	os.WriteFile(cfg, []byte(`terminal_id = "K0001"
hall_url = "http://127.0.0.1:1"
data_dir = "`+filepath.Join(dir, "data")+`"
[idcard]
port = "`+filepath.Join(dir, "idcard")+`"
baud = 115200
[printer]
port = "`+filepath.Join(dir, "printer")+`"
baud = 115200
width = 58
[scanner]
port = "`+filepath.Join(dir, "scanner")+`"
baud = 9600
`), 0o644)
	kctl := func(args ...string) (string, string, error) {
		var out, errOut strings.Builder
		c := exec.Command(filepath.Join(bin, "kioskctl"), append([]string{"--config", cfg}, args...)...)
		c.Stdout, c.Stderr = &out, &errOut
		err := c.Run()
		return out.String(), errOut.String(), err
	}

	io.WriteString(stdin, "place resident-young\n")
	time.Sleep(100 * time.Millisecond) // devsim reads its stdin line
	out, errOut, err := kctl("idcard", "read", "--json")
	var card cardJSON
	if err != nil || json.Unmarshal([]byte(out), &card) != nil || card.IDNumber != "339900199507214564" ||
		!strings.Contains(errOut, "at 115200 baud (from [idcard] in "+cfg) {
		t.Errorf("idcard read from the config: %v\n%s\n%s", err, out, errOut)
	}
	if out, errOut, err := kctl("printer", "status"); err != nil || !strings.Contains(out, "health  ok") || !strings.Contains(errOut, "at 115200 baud") {
		t.Errorf("printer status from the config: %v\n%s\n%s", err, out, errOut)
	}
	if out, errOut, err := kctl("printer", "test"); err != nil || !strings.Contains(out, "58mm") {
		t.Errorf("printer test from the config (58 mm paper): %v\n%s\n%s", err, out, errOut)
	}
	// A flag on the command line wins over the file.
	if _, errOut, err := kctl("printer", "status", "--port", filepath.Join(dir, "printer")); err != nil || strings.Contains(errOut, "from [printer]") {
		t.Errorf("--port did not override the file: %v %s", err, errOut)
	}
	done := make(chan struct{})
	var sout, serr string
	var serrv error
	go func() {
		sout, serr, serrv = kctl("scanner", "listen", "--count", "1", "--timeout", "20s", "--json")
		close(done)
	}()
	time.Sleep(500 * time.Millisecond) // kioskctl opens the scanner line
	io.WriteString(stdin, "scan GK-TEST-123\n")
	<-done
	if serrv != nil || !strings.Contains(sout, "GK-TEST-123") {
		t.Errorf("scanner listen from the config: %v\n%s\n%s", serrv, sout, serr)
	}

	// A device the file says is absent is a clear usage error.
	os.WriteFile(cfg, []byte("terminal_id = \"K0001\"\nhall_url = \"http://127.0.0.1:1\"\ndata_dir = \""+dir+"\"\n[printer]\ntransport = \"none\"\n"), 0o644)
	c := exec.Command(filepath.Join(bin, "kioskctl"), "--config", cfg, "printer", "status")
	b, err := c.CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 || !strings.Contains(string(b), "give --port") {
		t.Errorf("printer with transport none: %v\n%s", err, b)
	}
	// A port that does not exist says so.
	os.WriteFile(cfg, []byte("terminal_id = \"K0001\"\nhall_url = \"http://127.0.0.1:1\"\ndata_dir = \""+dir+"\"\n[idcard]\nport = \"/dev/ttyNOPE9\"\n"), 0o644)
	if _, errOut, err := kctl("idcard", "read"); err == nil || !strings.Contains(errOut, "/dev/ttyNOPE9") {
		t.Errorf("missing port: %v\n%s", err, errOut)
	}
}
