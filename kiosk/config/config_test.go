package config_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk/config"
)

func TestMinimalFileIsValid(t *testing.T) {
	c, err := config.Parse([]byte(`
terminal_id = "K0001"
hall_url = "https://hall.qinghe.example"
data_dir = "/var/lib/govkiosk"
`))
	if err != nil {
		t.Fatal(err)
	}
	if c.IdleTimeout.Duration != 90*time.Second || c.Printer.Width != 80 || c.IDCard.Baud != 115200 {
		t.Errorf("defaults not applied: %+v", c)
	}
}

func TestErrorsNameTheField(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{`terminal_idd = "K1"`, "terminal_idd: unknown key"},
		{"[printer]\nwidht = 80", "printer.widht: unknown key"},
		{`idle_timeout = "5s"`, "idle_timeout: 5s: want between 30s and 30m"},
		{`idle_timeout = "soon"`, "is not a duration"},
		{`language = "fr"`, `language: "fr": want zh or en`},
		{`hall_url = "ftp://x"`, "hall_url:"},
		{`terminal_id = "k-1"`, "terminal_id:"},
		{"[idcard]\nbaud = 12345", "idcard.baud: 12345 is not a standard baud rate"},
		{"[idcard]\ntransport = \"hid\"\nvendor = \"xyz\"", "idcard.vendor:"},
		{"[printer]\nwidth = 76", "printer.width: 76: want 58 or 80"},
		{"[printer]\ntransport = \"tcp\"\nport = \"printer\"", "printer.port:"},
		{"[scanner]\nmode = \"laser\"", "scanner.mode:"},
		{"[docscan]\ncamera = \"webcam\"", "docscan.camera:"},
		{"[docscan]\nmax_page_kb = 5000", "docscan.max_page_kb:"},
		{"[docscan]\nresolution = 50", "docscan.resolution:"},
		{`retention = "30x"`, "is not a duration"},
		{`data_dir = 5`, "data_dir"},
		{"terminal_id = ", "line 1"},
	}
	for _, tt := range tests {
		_, err := config.Parse([]byte(tt.file))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want mention of %q", tt.file, err, tt.want)
		}
	}
}

func TestEveryProblemReported(t *testing.T) {
	_, err := config.Parse([]byte("langauge = \"zh\"\nidle_timeout = \"1s\"\n[printer]\nwidth = 1"))
	var es config.Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("err = %v", err)
	}
}

func TestEncodeRoundTrip(t *testing.T) {
	c := config.DefaultConfig()
	c.TerminalID, c.HallURL, c.Retention = "K0042", "http://127.0.0.1:8080", config.Duration{Duration: 7 * 24 * time.Hour}
	b, err := c.Encode()
	if err != nil {
		t.Fatal(err)
	}
	back, err := config.Parse(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if back.TerminalID != "K0042" || back.Retention != c.Retention || back.IDCard != c.IDCard || back.Printer != c.Printer {
		t.Errorf("round trip: %+v", back)
	}
}
