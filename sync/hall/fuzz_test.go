package hall

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
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
	decode := func(r *bytes.Reader) (casesRequest, error) { return decodeCases(r, 1000) }
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
