package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"govkiosk/drivers/sim"
)

func simReader(t *testing.T) *sim.IDCardReader {
	t.Helper()
	line, err := sim.NewLine(115200)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.NewIDCardReader(line)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done; line.Close() })
	return s
}

func TestIdcardReadFixtures(t *testing.T) {
	s := simReader(t)
	port := s.Port()
	tests := []struct {
		card   string
		code   int
		check  func(cardJSON) bool
		stderr string
	}{
		{"resident-young", 0, func(c cardJSON) bool { return c.Valid && c.IDNumber == "339900199507214564" && c.Address != "" }, ""},
		{"foreigner", 0, func(c cardJSON) bool { return c.CardType == "foreigner" && c.Nation == "USA" }, ""},
		{"hmt-permit", 0, func(c cardJSON) bool { return c.CardType == "hmt" && c.IDNumber == "810000199001011230" }, ""},
		{"expired", 1, func(c cardJSON) bool { return !c.Valid && strings.Contains(c.Problem, "expired") }, "not valid"},
		{"bad-check-digit", 1, func(c cardJSON) bool { return !c.Valid && strings.Contains(c.Problem, "check_digit") }, "not valid"},
	}
	for _, tt := range tests {
		c, _ := sim.CardByName(tt.card)
		s.Place(c)
		code, out, errOut := kioskctl("idcard", "read", "--port", port, "--json")
		var got cardJSON
		if code != tt.code || json.Unmarshal([]byte(out), &got) != nil || !tt.check(got) || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("%s: exit %d\nstdout %s\nstderr %s", tt.card, code, out, errOut)
		}
	}
	c, _ := sim.CardByName("resident-elderly")
	s.Place(c)
	code, out, _ := kioskctl("idcard", "read", "--port", port)
	if code != 0 || !strings.Contains(out, "林*河") || !strings.Contains(out, "339900********1234") || strings.Contains(out, "望江路") {
		t.Errorf("text mode must mask: %d\n%s", code, out)
	}
}

func TestIdcardReadFailures(t *testing.T) {
	s := simReader(t)
	code, _, errOut := kioskctl("idcard", "read", "--port", s.Port())
	if code != 1 || !strings.Contains(errOut, "no card on the reader") {
		t.Errorf("no card: %d %s", code, errOut)
	}
	s.SetFault(sim.FaultMute)
	code, _, errOut = kioskctl("idcard", "read", "--port", s.Port())
	if code != 1 || !strings.Contains(errOut, "no answer from an ID-card reader") {
		t.Errorf("mute reader: %d %s", code, errOut)
	}
	code, _, errOut = kioskctl("idcard", "read", "--port", "/dev/does-not-exist")
	if code != 1 || !strings.Contains(errOut, "does-not-exist") {
		t.Errorf("missing port: %d %s", code, errOut)
	}
	code, _, _ = kioskctl("idcard", "read")
	if code != 2 {
		t.Errorf("no --port: exit %d, want 2", code)
	}
}
