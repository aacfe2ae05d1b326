package hall

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"govkiosk/kiosk"
)

// Wire types of the API. Names are a contract with terminals in the field:
// fields may be added, never renamed (see sync/openapi.yaml).

type enrollRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type enrollResponse struct {
	TerminalID string `json:"terminal_id"`
	Token      string `json:"token"`
	CatalogKey string `json:"catalog_key"` // standard base64, 32 bytes
	SealKey    string `json:"seal_key"`    // standard base64, 32 bytes
}

type casesRequest struct {
	Cases []wireCase `json:"cases"`
}

type wireCase struct {
	ID             string `json:"id"`
	TerminalSeq    int64  `json:"terminal_seq"`
	Number         string `json:"number"`
	ItemCode       string `json:"item_code"`
	CatalogVersion int64  `json:"catalog_version"`
	SubmittedAt    string `json:"submitted_at"`
	Sealed         string `json:"sealed"`
}

type resultsResponse struct {
	Results []wireResult `json:"results"`
}

type wireResult struct {
	ID     string `json:"id"`
	Result string `json:"result"`
	Reason string `json:"reason"`
}

type evaluationsRequest struct {
	Evaluations []wireEvaluation `json:"evaluations"`
}

type wireEvaluation struct {
	CaseID  string   `json:"case_id"`
	Level   int      `json:"level"`
	Reasons []string `json:"reasons"`
	Comment string   `json:"comment"`
	At      string   `json:"at"`
}

type caseResponse struct {
	Number   string      `json:"number"`
	ItemCode string      `json:"item_code"`
	Status   string      `json:"status"`
	Timeline []wireEvent `json:"timeline"`
}

type wireEvent struct {
	Status string `json:"status"`
	At     string `json:"at"`
	Note   string `json:"note"`
}

type manifestResponse struct {
	Version   int64  `json:"version"`
	SHA256    string `json:"sha256"`    // hex, over the document bytes
	Signature string `json:"signature"` // standard base64 ed25519, over the document bytes
}

type heartbeatRequest struct {
	AppVersion     string      `json:"app_version"`
	CatalogVersion int64       `json:"catalog_version"`
	OutboxPending  int64       `json:"outbox_pending"`
	OutboxParked   int64       `json:"outbox_parked"`
	Devices        []Device    `json:"devices"`
	Clock          string      `json:"clock"`
	StatusCursor   int64       `json:"status_cursor"`
	AckedCommands  []commandID `json:"acked_commands"`
	// CommandResults came after AckedCommands, which keeps every id for
	// halls that predate results; an id here counts as acknowledged too.
	CommandResults []commandResult `json:"command_results"`
}

// commandResult is what a terminal reports of a command it carried out:
// "ok", "ok: …" or "failed: …", for the admin.
type commandResult struct {
	ID     commandID `json:"id"`
	Result string    `json:"result"`
}

// commandID is a command id in acked_commands. Ids are strings; a JSON
// integer is accepted too, for a client that kept them as numbers.
type commandID string

func (c *commandID) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*c = commandID(s)
		return nil
	}
	n, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil {
		return fmt.Errorf("acked_commands: %.40s is not a command id (want a string)", b)
	}
	*c = commandID(strconv.FormatInt(n, 10))
	return nil
}

type heartbeatResponse struct {
	ServerTime    string             `json:"server_time"`
	StatusCursor  int64              `json:"status_cursor"`
	StatusUpdates []wireStatusUpdate `json:"status_updates"`
	Commands      []wireCommand      `json:"commands"`
	// AcceptsCommandResults tells the terminal it may send command_results:
	// a hall before them refuses a heartbeat with a field it does not know.
	AcceptsCommandResults bool `json:"accepts_command_results"`
}

type wireStatusUpdate struct {
	CaseID string `json:"case_id"`
	Number string `json:"number"`
	Status string `json:"status"`
	At     string `json:"at"`
	Note   string `json:"note"`
}

type wireCommand struct {
	ID   string          `json:"id"`
	Kind string          `json:"kind"`
	Args json.RawMessage `json:"args"`
}

type errorResponse struct {
	Error string `json:"error"`
}

// requestError is a request the hall cannot take as sent: the status (400 or
// 413) and a message for the terminal's log.
type requestError struct {
	status int
	msg    string
}

func (e *requestError) Error() string { return e.msg }

func badRequest(format string, args ...any) error {
	return &requestError{http.StatusBadRequest, fmt.Sprintf(format, args...)}
}

// decodeJSON decodes exactly one JSON value into v. Unknown fields are
// errors: a client that misspells a field would otherwise lose its value
// without noticing.
func decodeJSON(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return describeDecodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return describeDecodeError(err)
		}
		return badRequest("malformed JSON: data after the request object")
	}
	return nil
}

func describeDecodeError(err error) error {
	var tooBig *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return &requestError{http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes; send smaller batches", tooBig.Limit)}
	case errors.As(err, &syn):
		return badRequest("malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		return badRequest("malformed request: field %s: want %s, got JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return badRequest("malformed JSON: empty body")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badRequest("malformed JSON: body ends early")
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return badRequest("malformed request: %s", msg)
}

func decodeEnroll(r io.Reader) (enrollRequest, error) {
	var req enrollRequest
	if err := decodeJSON(r, &req); err != nil {
		return req, err
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || utf8.RuneCountInString(req.Name) > 100 || !utf8.ValidString(req.Name) {
		return req, badRequest(`"name" must be 1-100 characters (where the terminal stands, e.g. "清河市民中心 1F 东")`)
	}
	return req, nil
}

// decodeCases decodes a batch of cases. The batches terminals send take
// the fast path (decodeCasesFast); anything it does not take, encoding/json
// decodes, and answers errors, as before.
func decodeCases(body []byte, maxBatch int) (casesRequest, error) {
	req, ok := decodeCasesFast(body)
	if !ok {
		req = casesRequest{}
		if err := decodeJSON(bytes.NewReader(body), &req); err != nil {
			return req, err
		}
	}
	if req.Cases == nil {
		return req, badRequest(`missing "cases" array`)
	}
	if len(req.Cases) > maxBatch {
		return req, badRequest("%d cases in one batch; send at most %d", len(req.Cases), maxBatch)
	}
	return req, nil
}

func decodeEvaluations(r io.Reader, maxBatch int) (evaluationsRequest, error) {
	var req evaluationsRequest
	if err := decodeJSON(r, &req); err != nil {
		return req, err
	}
	if req.Evaluations == nil {
		return req, badRequest(`missing "evaluations" array`)
	}
	if len(req.Evaluations) > maxBatch {
		return req, badRequest("%d evaluations in one batch; send at most %d", len(req.Evaluations), maxBatch)
	}
	return req, nil
}

// Heartbeat limits: a heartbeat is small; anything larger is a bug.
const (
	maxDevices     = 64
	maxAcks        = 1000
	maxShortString = 100
	maxDetail      = 1000
	maxResult      = 500 // characters, as openapi's maxLength counts
)

func decodeHeartbeat(r io.Reader) (heartbeatRequest, error) {
	var req heartbeatRequest
	if err := decodeJSON(r, &req); err != nil {
		return req, err
	}
	switch {
	case len(req.Devices) > maxDevices:
		return req, badRequest("%d devices; at most %d", len(req.Devices), maxDevices)
	case len(req.AckedCommands) > maxAcks:
		return req, badRequest("%d acked commands; at most %d", len(req.AckedCommands), maxAcks)
	case req.CatalogVersion < 0 || req.OutboxPending < 0 || req.OutboxParked < 0 || req.StatusCursor < 0:
		return req, badRequest("catalog_version, outbox_pending, outbox_parked and status_cursor must not be negative")
	case len(req.AppVersion) > maxShortString || len(req.Clock) > maxShortString:
		return req, badRequest("app_version and clock must be at most %d bytes", maxShortString)
	}
	for i, d := range req.Devices {
		if len(d.Name) > maxShortString || len(d.Kind) > maxShortString || len(d.State) > maxShortString || len(d.Detail) > maxDetail {
			return req, badRequest("devices[%d]: name, kind and state at most %d bytes, detail %d", i, maxShortString, maxDetail)
		}
	}
	for i, id := range req.AckedCommands {
		if len(id) > maxShortString {
			return req, badRequest("acked_commands[%d]: longer than %d bytes", i, maxShortString)
		}
	}
	if len(req.CommandResults) > maxAcks {
		return req, badRequest("%d command results; at most %d", len(req.CommandResults), maxAcks)
	}
	for i, r := range req.CommandResults {
		// A NUL would pass JSON but not a PostgreSQL text column.
		switch {
		case r.ID == "" || len(r.ID) > maxShortString || strings.ContainsRune(string(r.ID), 0):
			return req, badRequest("command_results[%d]: id must be 1 to %d bytes without NUL", i, maxShortString)
		case utf8.RuneCountInString(r.Result) > maxResult || strings.ContainsRune(r.Result, 0):
			return req, badRequest("command_results[%d]: result must be at most %d characters without NUL", i, maxResult)
		}
	}
	return req, nil
}

var caseNumberRE = regexp.MustCompile(`^[A-Z0-9-]{6,40}$`)

// parseUUID accepts the canonical 36-character form only, in either case,
// and returns it in lower case: the same case id in two spellings must not
// become two cases.
func parseUUID(s string) (string, bool) {
	if len(s) != 36 {
		return "", false
	}
	u, err := uuid.Parse(s)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

// checkCase validates the fields of a case that need no keys or store: the
// reason a case is rejected, or "" and the case.
func checkCase(wc wireCase) (NewCase, string) {
	id, ok := parseUUID(wc.ID)
	if !ok {
		return NewCase{}, fmt.Sprintf("id %q is not a UUID", clip(wc.ID))
	}
	c := NewCase{ID: id, TerminalSeq: wc.TerminalSeq, Number: wc.Number, ItemCode: wc.ItemCode, CatalogVersion: wc.CatalogVersion}
	switch {
	case wc.TerminalSeq < 1:
		return c, fmt.Sprintf("terminal_seq %d: want 1 or more", wc.TerminalSeq)
	case !caseNumberRE.MatchString(wc.Number):
		return c, fmt.Sprintf("number %q: want 6-40 of A-Z 0-9 -", clip(wc.Number))
	case wc.ItemCode == "" || len(wc.ItemCode) > 64:
		return c, fmt.Sprintf("item_code %q: missing or too long", clip(wc.ItemCode))
	case wc.CatalogVersion < 1:
		return c, fmt.Sprintf("catalog_version %d: want 1 or more", wc.CatalogVersion)
	case wc.Sealed == "":
		return c, "sealed is missing"
	}
	if c.SubmittedAt, ok = parseTime(wc.SubmittedAt); !ok {
		return c, fmt.Sprintf("submitted_at %q is not an RFC 3339 time", clip(wc.SubmittedAt))
	}
	return c, ""
}

// checkEvaluation validates an evaluation with the terminal's own rules
// (kiosk.Evaluation.Validate): the hall accepts what a terminal may send.
func checkEvaluation(we wireEvaluation) (NewEvaluation, string) {
	id, ok := parseUUID(we.CaseID)
	if !ok {
		return NewEvaluation{}, fmt.Sprintf("case_id %q is not a UUID", clip(we.CaseID))
	}
	at, ok := parseTime(we.At)
	if !ok {
		return NewEvaluation{}, fmt.Sprintf("at %q is not an RFC 3339 time", clip(we.At))
	}
	ev := kiosk.Evaluation{Level: we.Level, Reasons: we.Reasons, Comment: we.Comment, At: at}
	if err := ev.Validate(); err != nil {
		return NewEvaluation{}, err.Error()
	}
	return NewEvaluation{CaseID: id, Level: we.Level, Reasons: we.Reasons, Comment: we.Comment, At: at}, ""
}

// clip shortens a client's value quoted back in a reason.
func clip(s string) string {
	if len(s) <= 48 {
		return s
	}
	cut := 48
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// jsonObject reports whether b is a JSON object.
func jsonObject(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && b[0] == '{' && json.Valid(b)
}

// timeText formats hall times on the wire: RFC 3339 UTC with milliseconds.
func timeText(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }
