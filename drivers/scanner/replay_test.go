package scanner_test

import (
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"govkiosk/drivers/scanner"
)

// Recordings in testdata/<mode>/NAME.reports hold one input report per
// line in hex, as a hidraw dump shows them ('#' starts a comment);
// NAME.want lists what decoding them must give, one event a line:
//
//	code: "the code" [symbology: "]Q1"]
//	error: rollover | bad-report | unknown-key | too-long | incomplete
func TestReplayRecordings(t *testing.T) {
	for _, mode := range []scanner.Mode{scanner.ModeKeyboard, scanner.ModePOS} {
		dir := map[scanner.Mode]string{scanner.ModeKeyboard: "keyboard", scanner.ModePOS: "pos"}[mode]
		files, _ := filepath.Glob(filepath.Join("testdata", dir, "*.reports"))
		if len(files) == 0 {
			t.Fatalf("no recordings in testdata/%s", dir)
		}
		for _, f := range files {
			name := strings.TrimSuffix(filepath.Base(f), ".reports")
			t.Run(dir+"/"+name, func(t *testing.T) {
				dec := newDecoder(t, scanner.Options{Mode: mode})
				var got []string
				now := time.Unix(0, 0)
				for _, r := range readReports(t, f) {
					now = now.Add(4 * time.Millisecond)
					got = append(got, describe(dec.Feed(r, now))...)
				}
				want := readWant(t, strings.TrimSuffix(f, ".reports")+".want")
				if strings.Join(got, "\n") != strings.Join(want, "\n") {
					t.Errorf("decoded:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
				}
			})
		}
	}
}

func readReports(t *testing.T, path string) [][]byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for i, line := range strings.Split(string(data), "\n") {
		line, _, _ = strings.Cut(line, "#")
		line = strings.ReplaceAll(strings.TrimSpace(line), " ", "")
		if line == "" {
			continue
		}
		r, err := hex.DecodeString(line)
		if err != nil {
			t.Fatalf("%s:%d: %v", path, i+1, err)
		}
		out = append(out, r)
	}
	return out
}

func readWant(t *testing.T, path string) []string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if rest, ok := strings.CutPrefix(line, "code: "); ok {
			code, tail := unquote(t, rest)
			sym := ""
			if s, ok := strings.CutPrefix(tail, " symbology: "); ok {
				sym, _ = unquote(t, s)
			}
			out = append(out, scanLine(code, sym))
			continue
		}
		out = append(out, line)
	}
	return out
}

func unquote(t *testing.T, s string) (string, string) {
	t.Helper()
	q, err := strconv.QuotedPrefix(s)
	if err != nil {
		t.Fatalf("want file: %q: %v", s, err)
	}
	v, _ := strconv.Unquote(q)
	return v, s[len(q):]
}

func scanLine(code, sym string) string {
	if sym == "" {
		return "code: " + strconv.Quote(code)
	}
	return "code: " + strconv.Quote(code) + " symbology: " + strconv.Quote(sym)
}

var errorNames = map[error]string{
	scanner.ErrRollOver: "rollover", scanner.ErrBadReport: "bad-report", scanner.ErrUnknownKey: "unknown-key",
	scanner.ErrTooLong: "too-long", scanner.ErrIncomplete: "incomplete",
}

// describe writes events in the .want notation.
func describe(evs []scanner.Event) []string {
	var out []string
	for _, ev := range evs {
		if ev.Err == nil {
			out = append(out, scanLine(ev.Scan.Code, ev.Scan.Symbology))
			continue
		}
		var de *scanner.DecodeError
		if !errors.As(ev.Err, &de) {
			out = append(out, "error: not a *DecodeError: "+ev.Err.Error())
			continue
		}
		out = append(out, "error: "+errorNames[de.Err])
	}
	return out
}

func newDecoder(t testing.TB, o scanner.Options) scanner.Decoder {
	t.Helper()
	d, err := scanner.NewDecoder(o)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
