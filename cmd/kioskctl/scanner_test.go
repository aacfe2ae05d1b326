package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"govkiosk/drivers/sim"
)

// scannerSim is a serial scanner on a pseudo-terminal with codes already
// sent: the terminal buffers them until kioskctl opens the port.
func scannerSim(t *testing.T, codes ...string) string {
	t.Helper()
	dev, err := sim.NewSerialScanner(115200)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dev.Close() })
	for _, c := range codes {
		if err := dev.Scan(c); err != nil {
			t.Fatal(err)
		}
	}
	return dev.Path
}

func TestScannerListenJSON(t *testing.T) {
	token := base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("\x8f\xa2gov\xfe\x01kiosk\xc3", 8)))
	port := scannerSim(t, "GKCASE:QH0001-20261125-000042-P", token, "6901234567892", "https://weixin.qq.com/r/x")
	code, out, errOut := kioskctl("scanner", "listen", "--port", port, "--baud", "115200", "--json", "--count", "4", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, errOut)
	}
	var got []scannerScanJSON
	dec := json.NewDecoder(strings.NewReader(out))
	for dec.More() {
		var s scannerScanJSON
		if err := dec.Decode(&s); err != nil {
			t.Fatalf("%v in %q", err, out)
		}
		got = append(got, s)
	}
	want := []struct{ class, value, format string }{
		{"case-number", "QH0001-20261125-000042-P", "receipt"},
		{"e-id", fmt.Sprintf("%s…%s (%d chars)", token[:4], token[len(token)-4:], len(token)), "base64url"},
		{"barcode", "6901234567892", "EAN-13"},
		{"rejected", "", ""},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d scans: %s", len(got), out)
	}
	for i, w := range want {
		if g := got[i]; g.N != i+1 || g.Class != w.class || g.Value != w.value || g.Format != w.format {
			t.Errorf("scan %d = %+v, want %+v", i+1, g, w)
		}
	}
	if strings.Contains(out, token) {
		t.Error("the e-ID token was printed unmasked")
	}
	if got[3].Message != "无法识别该二维码，请出示办件回执上的二维码" || got[3].Code != "https://weixin.qq.com/r/x" {
		t.Errorf("rejected scan = %+v", got[3])
	}
}

func TestScannerListenText(t *testing.T) {
	port := scannerSim(t, "QH0001-20261125-000042-P", "QH0001-20261125-000007-K")
	code, out, errOut := kioskctl("scanner", "listen", "--port", port, "--count", "2", "--timeout", "20s")
	if code != 0 {
		t.Fatalf("exit %d\nstderr: %s", code, errOut)
	}
	for _, want := range []string{"#1  case-number  QH0001-20261125-000042-P  (bare)", `#2  rejected     "QH0001-20261125-000007-K"`, "check character", "无法识别该二维码"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "listening on serial(") {
		t.Errorf("stderr: %s", errOut)
	}
}

func TestScannerListenFailures(t *testing.T) {
	quiet := scannerSim(t)
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no port", nil, 2, "--port is required"},
		{"bad count", []string{"--port", quiet, "--count", "-1"}, 2, "--count"},
		{"bad hid spec", []string{"--port", "hid:zz:1"}, 2, "hid:VID:PID"},
		{"hid without product", []string{"--port", "hid:0c2e"}, 2, "hid:VID:PID"},
		{"unknown mode", []string{"--port", quiet, "--mode", "usb"}, 2, `mode "usb"`},
		{"keyboard mode on a serial port", []string{"--port", quiet, "--mode", "keyboard"}, 2, "does not fit"},
		{"serial mode on hid", []string{"--port", "hid:0c2e:0b8f", "--mode", "serial"}, 2, "does not fit"},
		{"missing serial port", []string{"--port", "/dev/does-not-exist"}, 1, "dialout"},
		{"no scan before the timeout", []string{"--port", quiet, "--count", "1", "--timeout", "300ms"}, 1, "got 0 of 1 scans in 300ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := kioskctl(append([]string{"scanner", "listen"}, tt.args...)...)
			if code != tt.code || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and %q", code, errOut, tt.code, tt.stderr)
			}
		})
	}
}

// Listening without --count ends quietly at the timeout.
func TestScannerListenTimeoutWithoutCountSucceeds(t *testing.T) {
	code, _, errOut := kioskctl("scanner", "listen", "--port", scannerSim(t, "6901234567892"), "--timeout", "500ms")
	if code != 0 {
		t.Errorf("exit %d: %s", code, errOut)
	}
}

func TestScannerHelpHasExample(t *testing.T) {
	code, out, _ := kioskctl("scanner", "listen", "--help")
	if code != 0 || !strings.Contains(out, "Example:") || !strings.Contains(out, "hid:VID:PID") {
		t.Errorf("help = %d %q", code, out)
	}
	code, out, _ = kioskctl("--help")
	if code != 0 || !strings.Contains(out, "scanner") {
		t.Errorf("kioskctl --help does not list scanner: %q", out)
	}
}
