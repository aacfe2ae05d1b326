package scanner_test

import (
	"strings"
	"testing"
	"time"

	"govkiosk/drivers/scanner"
)

// feedChunks feeds serial reads a few milliseconds apart.
func feedChunks(d scanner.Decoder, chunks ...string) []string {
	var got []string
	now := t0
	for _, c := range chunks {
		now = now.Add(5 * time.Millisecond)
		got = append(got, describe(d.Feed([]byte(c), now))...)
	}
	return got
}

func TestSerialSplitsCodesAtCRLFOrCRLF(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   []string
	}{
		{"CR", []string{"6901234567892\r"}, []string{"6901234567892"}},
		{"LF", []string{"6901234567892\n"}, []string{"6901234567892"}},
		{"CR LF makes one code, not an extra empty one", []string{"a\r\nb\r\n"}, []string{"a", "b"}},
		{"CR LF split across reads", []string{"a\r", "\nb\r", "\n"}, []string{"a", "b"}},
		{"LF CR is two terminators, no empty code", []string{"a\n\rb\n\r"}, []string{"a", "b"}},
		{"code split across reads", []string{"GKCASE:QH00", "01-20261125-0", "00042-P\r"}, []string{"GKCASE:QH0001-20261125-000042-P"}},
		{"several codes in one read", []string{"1\r2\r3\r"}, []string{"1", "2", "3"}},
		{"blank lines are not codes", []string{"\r\n\r\n\n\r"}, nil},
		{"NUL noise between codes is skipped", []string{"\x00\x00a\r\x00", "\x00b\r"}, []string{"a", "b"}},
		{"bytes inside a code pass through", []string{"a\x00b\x1dc\xff\r"}, []string{"a\x00b\x1dc\xff"}},
		{"UTF-8 passes through", []string{"办件 QH\r"}, []string{"办件 QH"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := feedChunks(newDecoder(t, scanner.Options{Mode: scanner.ModeSerial}), tt.chunks...)
			var want []string
			for _, w := range tt.want {
				want = append(want, scanLine(w, ""))
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestSerialDropsOverlongLineUpToItsTerminator(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeSerial, MaxLen: 8})
	got := feedChunks(d, "12345678\r", "123456789", "0123456789", "abc\r\n", "ok\r")
	want := []string{scanLine("12345678", ""), "error: too-long", scanLine("ok", "")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSerialStrayBytesWithoutTerminatorTimeOut(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeSerial, IdleTimeout: time.Second})
	if evs := d.Feed([]byte("\xfe\x13stray"), t0); len(evs) != 0 {
		t.Fatalf("events before a terminator: %v", describe(evs))
	}
	if evs := d.Expire(t0.Add(time.Second)); len(evs) != 0 {
		t.Errorf("expired at exactly IdleTimeout: %v", describe(evs))
	}
	got := describe(d.Expire(t0.Add(time.Second + 1)))
	got = append(got, describe(d.Feed([]byte("next\r"), t0.Add(2*time.Second)))...)
	want := []string{"error: incomplete", scanLine("next", "")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// An overlong line that never ends is forgotten after the idle timeout,
// so the next code is not swallowed with it.
func TestSerialOverlongLineWithoutTerminatorEndsAtIdle(t *testing.T) {
	d := newDecoder(t, scanner.Options{Mode: scanner.ModeSerial, MaxLen: 4, IdleTimeout: time.Second})
	got := describe(d.Feed([]byte("0123456789"), t0))
	got = append(got, describe(d.Feed([]byte("ok\r"), t0.Add(3*time.Second)))...)
	want := []string{"error: too-long", scanLine("ok", "")}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestOptionsNameTheBadField(t *testing.T) {
	for _, tt := range []struct {
		opts scanner.Options
		want string
	}{
		{scanner.Options{}, "Options.Mode"},
		{scanner.Options{Mode: scanner.ModeSerial, MaxLen: -1}, "Options.MaxLen"},
		{scanner.Options{Mode: scanner.ModeSerial, MaxLen: 1 << 21}, "Options.MaxLen"},
		{scanner.Options{Mode: scanner.ModeSerial, IdleTimeout: -time.Second}, "Options.IdleTimeout"},
	} {
		if _, err := scanner.NewDecoder(tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want one naming %s", tt.opts, err, tt.want)
		}
	}
}

func TestParseMode(t *testing.T) {
	for in, want := range map[string]scanner.Mode{"serial": scanner.ModeSerial, "keyboard": scanner.ModeKeyboard,
		"hid-keyboard": scanner.ModeKeyboard, "pos": scanner.ModePOS, "hid-pos": scanner.ModePOS} {
		if got, err := scanner.ParseMode(in); err != nil || got != want {
			t.Errorf("ParseMode(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := scanner.ParseMode("usb"); err == nil {
		t.Error("ParseMode(usb) succeeded")
	}
}
