package hall

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/nacl/box"

	"govkiosk/kiosk"
)

func TestBatchWithBadCasesAppliesTheGoodOnes(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	otherPub, _, err := box.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	sealedElsewhere, _ := box.SealAnonymous(nil, payload(500), otherPub, rand.Reader)
	tests := []struct {
		name   string
		edit   func(*wireCase)
		reason string // "" for applied
	}{
		{"good", func(*wireCase) {}, ""},
		{"unknown item", func(c *wireCase) { c.ItemCode = "339900-XX-XX-9999" }, "no published catalogue"},
		{"sealed to another hall", func(c *wireCase) { c.Sealed = base64.StdEncoding.EncodeToString(sealedElsewhere) }, "does not open"},
		{"sealed not JSON", func(c *wireCase) { c.Sealed = tm.seal([]byte("张三 11010119900307123X")) }, "not to a JSON object"},
		{"sealed JSON array", func(c *wireCase) { c.Sealed = tm.seal([]byte(`["a"]`)) }, "not to a JSON object"},
		{"sealed damaged", func(c *wireCase) { c.Sealed = c.Sealed[:len(c.Sealed)-8] + "AAAAAAAA" }, "does not open"},
		{"sealed not base64", func(c *wireCase) { c.Sealed = "!!" + c.Sealed }, "base64"},
		{"sealed missing", func(c *wireCase) { c.Sealed = "" }, "missing"},
		{"good 2", func(*wireCase) {}, ""},
		{"id not a UUID", func(c *wireCase) { c.ID = "case-1" }, "not a UUID"},
		{"number lower case", func(c *wireCase) { c.Number = strings.ToLower(c.Number) }, "number"},
		{"number too short", func(c *wireCase) { c.Number = "K1" }, "number"},
		{"sequence zero", func(c *wireCase) { c.TerminalSeq = 0 }, "terminal_seq"},
		{"catalogue never published", func(c *wireCase) { c.CatalogVersion = 9 }, "never published"},
		{"submitted_at not RFC 3339", func(c *wireCase) { c.SubmittedAt = "2026-11-25 09:00" }, "RFC 3339"},
		{"good 3", func(*wireCase) {}, ""},
	}
	var cases []wireCase
	for _, tt := range tests {
		c := tm.newCase(2000)
		tt.edit(&c)
		cases = append(cases, c)
	}
	results := tm.upload(cases...)
	for i, tt := range tests {
		r := results[i]
		if r.ID != cases[i].ID {
			t.Errorf("%s: result id %q, want %q (results in request order)", tt.name, r.ID, cases[i].ID)
		}
		switch {
		case tt.reason == "" && r.Result != ResultApplied:
			t.Errorf("%s: %s (%s), want applied", tt.name, r.Result, r.Reason)
		case tt.reason != "" && (r.Result != ResultRejected || !strings.Contains(r.Reason, tt.reason)):
			t.Errorf("%s: %s (%q), want rejected mentioning %q", tt.name, r.Result, r.Reason, tt.reason)
		}
	}
	stored, err := h.Cases(context.Background(), CaseQuery{})
	if err != nil || len(stored) != 3 {
		t.Fatalf("%d cases stored, want the 3 good ones (%v)", len(stored), err)
	}
}

func TestAppliedCaseHasReceivedTimeline(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	c := tm.newCase(1000)
	tm.upload(c)
	status, _, body := tm.get("/v1/cases/"+c.Number, nil)
	if status != http.StatusOK {
		t.Fatalf("GET case: %d %s", status, body)
	}
	var got caseResponse
	mustUnmarshal(t, body, &got)
	want := caseResponse{Number: c.Number, ItemCode: c.ItemCode, Status: kiosk.StatusReceived, Timeline: []wireEvent{
		{Status: kiosk.StatusSubmitted, At: "2026-11-25T09:29:00.000Z"},
		{Status: kiosk.StatusReceived, At: "2026-11-25T09:30:00.000Z"},
	}}
	if diff := cmpDiff(want, got); diff != "" {
		t.Errorf("case (-want +got):\n%s", diff)
	}
	for _, number := range []string{"K0001-20261125-999999-X", "not a number", "k0001"} {
		if status, _, body := tm.get("/v1/cases/"+urlPath(number), nil); status != http.StatusNotFound {
			t.Errorf("GET unknown case %q: %d, want 404", number, status)
		} else {
			errorOf(t, body)
		}
	}
	// The sealed part is kept as sent and opens for an admin.
	full, err := h.Case(context.Background(), c.Number)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := h.OpenCase(full)
	if err != nil || !strings.Contains(string(plain), "11010119900307123X") {
		t.Errorf("OpenCase: %.60q, %v", plain, err)
	}
}

func TestReplayedBatchIsAllDuplicateAndChangesNothing(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	batch := []wireCase{tm.newCase(1000), tm.newCase(1000), tm.newCase(1000)}
	for _, r := range tm.upload(batch...) {
		if r.Result != ResultApplied {
			t.Fatalf("first upload: %+v", r)
		}
	}
	before := tm.heartbeat(heartbeatRequest{})
	h.clock.Advance(3600e9)
	for range 2 {
		for _, r := range tm.upload(batch...) {
			if r.Result != ResultDuplicate || r.Reason != "" {
				t.Errorf("replay: %+v, want duplicate", r)
			}
		}
	}
	after := tm.heartbeat(heartbeatRequest{})
	if after.StatusCursor != before.StatusCursor || len(after.StatusUpdates) != 3 {
		t.Errorf("replay changed the timeline: cursor %d → %d, %d updates", before.StatusCursor, after.StatusCursor, len(after.StatusUpdates))
	}
	// The same case twice in one batch: the second is the duplicate.
	c := tm.newCase(100)
	rs := tm.upload(c, c)
	if rs[0].Result != ResultApplied || rs[1].Result != ResultDuplicate {
		t.Errorf("case twice in a batch: %+v", rs)
	}
}

func TestSequenceReusedIsRejected(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	first := tm.newCase(100)
	tm.upload(first)
	again := tm.newCase(100)
	again.TerminalSeq = first.TerminalSeq
	rs := tm.upload(again)
	if rs[0].Result != ResultRejected || !strings.Contains(rs[0].Reason, "sequence reused") {
		t.Errorf("reused sequence: %+v", rs[0])
	}
	// Another terminal may use the same sequence number.
	other := h.enroll("U")
	c := other.newCase(100)
	c.TerminalSeq = first.TerminalSeq
	if rs := other.upload(c); rs[0].Result != ResultApplied {
		t.Errorf("same sequence on another terminal: %+v", rs[0])
	}
	// A case id or number of another terminal's case is not its duplicate.
	stolen := tm.newCase(100)
	stolen.ID = first.ID
	if rs := other.upload(stolen); rs[0].Result != ResultRejected {
		t.Errorf("another terminal's case id: %+v, want rejected", rs[0])
	}
	clash := other.newCase(100)
	clash.Number = first.Number
	if rs := other.upload(clash); rs[0].Result != ResultRejected || !strings.Contains(rs[0].Reason, "number") {
		t.Errorf("another case's number: %+v, want rejected", rs[0])
	}
}

func TestUploadUppercaseIDIsTheSameCase(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	c := tm.newCase(100)
	tm.upload(c)
	c.ID = strings.ToUpper(c.ID)
	if rs := tm.upload(c); rs[0].Result != ResultDuplicate || rs[0].ID != c.ID {
		t.Errorf("upper-case id: %+v, want duplicate echoing the id as sent", rs[0])
	}
}

func TestOversizedBodyIs413(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	big := `{"cases":[{"id":"` + strings.Repeat("x", 5<<20) + `"}]}`
	status, body := tm.post("/v1/cases", big)
	if status != http.StatusRequestEntityTooLarge {
		t.Fatalf("5 MiB body: %d, want 413", status)
	}
	errorOf(t, body)
	// Without a Content-Length the limit still holds while reading.
	req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/v1/cases", &onlyReader{strings.NewReader(big)})
	req.Header.Set("Authorization", "Bearer "+tm.token)
	resp, err := h.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if body := readAll(t, resp); resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("chunked 5 MiB body: %d %s, want 413", resp.StatusCode, body)
	}
	if stored, _ := h.Cases(context.Background(), CaseQuery{}); len(stored) != 0 {
		t.Errorf("%d cases stored from refused bodies", len(stored))
	}
}

// onlyReader hides the length of a reader, so the request is chunked.
type onlyReader struct{ r *strings.Reader }

func (o *onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func TestMalformedRequestsAre400(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	good := tm.newCase(100)
	tests := []struct {
		name, path, body, want string
	}{
		{"not JSON", "/v1/cases", `cases: []`, "malformed JSON"},
		{"truncated", "/v1/cases", `{"cases":[{"id":"a"`, "malformed JSON"},
		{"empty body", "/v1/cases", ``, "empty body"},
		{"trailing data", "/v1/cases", `{"cases":[]} {}`, "data after"},
		{"unknown top-level field", "/v1/cases", `{"cases":[],"batch":1}`, `unknown field "batch"`},
		{"unknown case field", "/v1/cases", `{"cases":[{"id":"` + good.ID + `","priority":1}]}`, `unknown field "priority"`},
		{"wrong type", "/v1/cases", `{"cases":[{"terminal_seq":"1"}]}`, "terminal_seq"},
		{"missing cases", "/v1/cases", `{}`, `missing "cases"`},
		{"cases not an array", "/v1/cases", `{"cases":{}}`, "cases"},
		{"evaluations unknown field", "/v1/evaluations", `{"evaluations":[{"stars":5}]}`, `unknown field "stars"`},
		{"missing evaluations", "/v1/evaluations", `{"evaluations":null}`, `missing "evaluations"`},
		{"heartbeat unknown field", "/v1/heartbeat", `{"battery":50}`, `unknown field "battery"`},
		{"heartbeat negative outbox", "/v1/heartbeat", `{"outbox_pending":-1}`, "negative"},
		{"heartbeat ack not an id", "/v1/heartbeat", `{"acked_commands":[{}]}`, "acked_commands"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := tm.post(tt.path, tt.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d, want 400: %s", status, body)
			}
			if msg := errorOf(t, body); !strings.Contains(msg, tt.want) {
				t.Errorf("error %q does not mention %q", msg, tt.want)
			}
		})
	}
	if stored, _ := h.Cases(context.Background(), CaseQuery{}); len(stored) != 0 {
		t.Errorf("%d cases stored from malformed requests", len(stored))
	}
}

func TestEmptyBatchIsOK(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	status, body := tm.post("/v1/cases", `{"cases":[]}`)
	if status != http.StatusOK || strings.TrimSpace(string(body)) != `{"results":[]}` {
		t.Errorf("empty batch: %d %s", status, body)
	}
}
