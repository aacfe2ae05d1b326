package hall

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The API decoders face every byte a network can carry. Each fuzz target
// checks: no panic; a failure is a 400 requestError with a message; a
// success survives encoding and decoding again unchanged, so what the hall
// stores is what the terminal meant. Seeds are in testdata/fuzz/<target>/.

func checkDecodeError(t *testing.T, err error) {
	t.Helper()
	var re *requestError
	if !errors.As(err, &re) || re.status != http.StatusBadRequest || re.msg == "" {
		t.Fatalf("decode error %v (%T), want a 400 requestError with a message", err, err)
	}
}

func roundTrip[T any](t *testing.T, v T, decode func(*bytes.Reader) (T, error)) {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("re-encode: %v", err)
	}
	again, err := decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("re-encoded request %s does not decode: %v", b, err)
	}
	if diff := cmp.Diff(v, again); diff != "" {
		t.Fatalf("round trip changed the request (-first +second):\n%s", diff)
	}
}

func FuzzDecodeCases(f *testing.F) {
	f.Add([]byte(`{"cases":[{"id":"0196b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b","terminal_seq":1,"number":"K0001-20261125-000001-K","item_code":"339900-GA-GG-0001","catalog_version":1,"submitted_at":"2026-11-25T09:30:00+08:00","sealed":"AAAA"}]}`))
	f.Add([]byte(`{"cases":[]}`))
	decode := func(r *bytes.Reader) (casesRequest, error) {
		b, _ := io.ReadAll(r)
		return decodeCases(b, 1000)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decode(bytes.NewReader(data))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		for _, wc := range req.Cases {
			c, reason := checkCase(wc)
			if reason != "" {
				continue
			}
			if id, ok := parseUUID(c.ID); !ok || id != c.ID {
				t.Fatalf("accepted id %q is not a canonical UUID", c.ID)
			}
			if !caseNumberRE.MatchString(c.Number) || c.TerminalSeq < 1 || c.CatalogVersion < 1 {
				t.Fatalf("accepted case %+v breaks a field rule", c)
			}
		}
		roundTrip(t, req, decode)
	})
}

// FuzzDecodeCasesFast: whatever decodeCasesFast takes, encoding/json takes
// too, to the same request; what it refuses goes to encoding/json anyway.
// It shares FuzzDecodeCases's seeds (testdata/fuzz/FuzzDecodeCases) through
// the f.Add calls below, which cover what the fast path must refuse.
func FuzzDecodeCasesFast(f *testing.F) {
	const one = `{"id":"0196b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b","terminal_seq":1,"number":"K0001-20261125-000001-K","item_code":"339900-GA-GG-0001","catalog_version":1,"submitted_at":"2026-11-25T09:30:00+08:00","sealed":"AAAA"}`
	for _, seed := range []string{
		`{"cases":[` + one + `]}`,
		` { "cases" : [ ` + one + ` , ` + one + ` ] } ` + "\n",
		`{"cases":[]}`, `{"cases":[{}]}`, `{"cases":null}`, `{}`, ``, `{"cases":[]} x`,
		`{"cases":[{"id":"a","id":"b"}]}`, `{"cases":[{"ID":"a"}]}`, `{"cases":[{"extra":1}]}`,
		`{"cases":[{"id":"\u0041"}]}`, `{"cases":[{"id":"é"}]}`, "{\"cases\":[{\"id\":\"a\tb\"}]}",
		`{"cases":[{"terminal_seq":-1}]}`, `{"cases":[{"terminal_seq":01}]}`, `{"cases":[{"terminal_seq":1.0}]}`,
		`{"cases":[{"terminal_seq":1e3}]}`, `{"cases":[{"terminal_seq":99999999999999999999}]}`,
		`{"cases":[{"terminal_seq":"1"}]}`, `{"cases":[{"terminal_seq":null}]}`, `{"cases":[{"sealed":1}]}`,
		`{"cases":[{},]}`, `{"cases":[{"id":"a",}]}`, `{"cases":{}}`, `[]`,
		// Long strings with one odd byte: plainASCII tests eight at a time.
		"{\"cases\":[{\"sealed\":\"ABCDEFGHIJKLMNOPQRST\x7fUVWXYZ0123456789\"}]}",
		"{\"cases\":[{\"sealed\":\"ABCDEFGHIJKLMNOPQ\\\\nRSTUVWXYZ0123456789\"}]}",
		"{\"cases\":[{\"sealed\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567\x1f89\"}]}",
		"{\"cases\":[{\"sealed\":\"ABCDEFGHIJKLMNOPQRSTUVWXYZ01234567\xc3\xa989\"}]}",
		`{"cases":[{"sealed":"ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789~+/="}]}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fast, ok := decodeCasesFast(data)
		if !ok {
			return
		}
		var slow casesRequest
		if err := decodeJSON(bytes.NewReader(data), &slow); err != nil {
			t.Fatalf("fast path took %q, encoding/json refuses it: %v", data, err)
		}
		if diff := cmp.Diff(slow, fast, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("fast path decoded %q differently (-encoding/json +fast):\n%s", data, diff)
		}
	})
}

// The fast path takes batches as terminals encode them (sync/client
// marshals a map of "cases" to an array of the wire struct), so ingest
// does not quietly fall back to encoding/json.
func TestDecodeCasesFastTakesTerminalBatches(t *testing.T) {
	var cases []wireCase
	for i := range 20 {
		cases = append(cases, wireCase{ID: "0196b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b", TerminalSeq: int64(i + 1),
			Number: fmt.Sprintf("K0001-20261125-%06d-K", i+1), ItemCode: "339900-GA-GG-0001", CatalogVersion: 3,
			SubmittedAt: "2026-11-25T09:30:00+08:00", Sealed: base64.StdEncoding.EncodeToString(payload(2000))})
	}
	body, err := json.Marshal(map[string]any{"cases": cases})
	if err != nil {
		t.Fatal(err)
	}
	fast, ok := decodeCasesFast(body)
	if !ok {
		t.Fatalf("fast path refused a terminal's batch")
	}
	if diff := cmp.Diff(casesRequest{Cases: cases}, fast); diff != "" {
		t.Fatalf("fast path (-want +got):\n%s", diff)
	}
}

// plainASCII's eight-at-a-time test agrees with the byte-by-byte one for
// every byte at every position of a word and its neighbours.
func TestPlainASCII(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := range n {
			for c := range 256 {
				b := bytes.Repeat([]byte("A"), n)
				b[pos] = byte(c)
				if got, want := plainASCII(b), plainASCIISlow(b); got != want {
					t.Fatalf("plainASCII(%q) = %v, want %v", b, got, want)
				}
			}
		}
	}
}

func FuzzDecodeEvaluations(f *testing.F) {
	f.Add([]byte(`{"evaluations":[{"case_id":"0196b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b","level":2,"reasons":["slow"],"comment":"排队太久","at":"2026-11-25T09:35:00+08:00"}]}`))
	decode := func(r *bytes.Reader) (evaluationsRequest, error) { return decodeEvaluations(r, 1000) }
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decode(bytes.NewReader(data))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		for _, we := range req.Evaluations {
			ev, reason := checkEvaluation(we)
			if reason == "" && (ev.Level < 1 || ev.Level > 5 || (ev.Level <= 2 && len(ev.Reasons) == 0)) {
				t.Fatalf("accepted evaluation %+v breaks the 好差评 rules", ev)
			}
		}
		roundTrip(t, req, decode)
	})
}

func FuzzDecodeHeartbeat(f *testing.F) {
	f.Add([]byte(`{"app_version":"1.4.2","catalog_version":3,"outbox_pending":12,"outbox_parked":1,"devices":[{"name":"printer","kind":"printer","state":"warning","detail":"paper near end"}],"clock":"2026-11-25T09:31:30+08:00","status_cursor":41,"acked_commands":["c1",7]}`))
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeHeartbeat(bytes.NewReader(data))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		if req.StatusCursor < 0 || req.OutboxPending < 0 || len(req.Devices) > maxDevices {
			t.Fatalf("accepted heartbeat breaks a limit: %+v", req)
		}
		for _, r := range req.CommandResults {
			if r.ID == "" || utf8.RuneCountInString(r.Result) > maxResult || strings.ContainsRune(r.Result, 0) {
				t.Fatalf("accepted command result breaks a limit: %+v", r)
			}
		}
		roundTrip(t, req, func(r *bytes.Reader) (heartbeatRequest, error) { return decodeHeartbeat(r) })
	})
}

func FuzzDecodeEnroll(f *testing.F) {
	f.Add([]byte(`{"code":"7KQM-3XHP","name":"清河市民中心 1F 东"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		req, err := decodeEnroll(bytes.NewReader(data))
		if err != nil {
			checkDecodeError(t, err)
			return
		}
		if strings.TrimSpace(req.Name) == "" {
			t.Fatal("accepted an empty name")
		}
		if code, ok := NormalizeCode(req.Code); ok {
			if again, ok := NormalizeCode(FormatCode(code)); !ok || again != code {
				t.Fatalf("code %q normalises to %q, formatted %q normalises to %q", req.Code, code, FormatCode(code), again)
			}
		}
		roundTrip(t, req, func(r *bytes.Reader) (enrollRequest, error) { return decodeEnroll(r) })
	})
}
