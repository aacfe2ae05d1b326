package main

import (
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
	bin, dir, stdin := startDevsim(t)

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
