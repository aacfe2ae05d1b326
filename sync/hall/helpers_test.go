package hall

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/nacl/box"

	"govkiosk/kiosk"
)

// testEpoch is the hall's clock at the start of every test.
var testEpoch = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

// testHall is a hall on a real SQLite file behind a real HTTP server on
// loopback.
type testHall struct {
	*Server
	t     testing.TB
	http  *httptest.Server
	db    string
	clock *kiosk.ManualClock
}

func quietLogger() *slog.Logger {
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// newTestHall starts a hall on a new store in t.TempDir().
func newTestHall(t testing.TB) *testHall {
	t.Helper()
	return openTestHall(t, filepath.Join(t.TempDir(), "hall.db"))
}

// openTestHall starts a hall on the store at db, which may already exist.
func openTestHall(t testing.TB, db string) *testHall {
	t.Helper()
	clock := kiosk.NewManualClock(testEpoch)
	srv, err := Open(context.Background(), Config{DB: db, Clock: clock, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	h := &testHall{Server: srv, t: t, http: httptest.NewServer(srv.Handler()), db: db, clock: clock}
	t.Cleanup(h.close)
	return h
}

func (h *testHall) close() {
	h.http.Close()
	h.Server.Close()
}

// code makes an enrolment code.
func (h *testHall) code() string {
	h.t.Helper()
	c, err := h.NewEnrolmentCode(context.Background())
	if err != nil {
		h.t.Fatal(err)
	}
	return c.Code
}

// terminal is an enrolled test terminal: a minimal client of the API.
type terminal struct {
	t          testing.TB
	base       string
	client     *http.Client
	id         string
	token      string
	catalogKey []byte
	sealKey    [32]byte
	seq        atomic.Int64
}

// enroll enrols a new terminal with a fresh code.
func (h *testHall) enroll(name string) *terminal {
	h.t.Helper()
	code, body := h.postJSON("/v1/enroll", "", fmt.Sprintf(`{"code":%q,"name":%q}`, h.code(), name))
	if code != http.StatusCreated {
		h.t.Fatalf("enroll: %d %s", code, body)
	}
	var resp enrollResponse
	mustUnmarshal(h.t, body, &resp)
	term := &terminal{t: h.t, base: h.http.URL, client: h.http.Client(), id: resp.TerminalID, token: resp.Token}
	var err error
	if term.catalogKey, err = base64.StdEncoding.DecodeString(resp.CatalogKey); err != nil {
		h.t.Fatal(err)
	}
	seal, err := base64.StdEncoding.DecodeString(resp.SealKey)
	if err != nil || len(seal) != 32 {
		h.t.Fatalf("seal_key %q: %v", resp.SealKey, err)
	}
	copy(term.sealKey[:], seal)
	return term
}

// postJSON posts body with an optional token and returns status and body.
func (h *testHall) postJSON(path, token, body string) (int, []byte) {
	h.t.Helper()
	return do(h.t, h.http.Client(), http.MethodPost, h.http.URL+path, token, strings.NewReader(body), nil)
}

func do(t testing.TB, c *http.Client, method, url, token string, body io.Reader, header http.Header) (int, []byte) {
	t.Helper()
	code, _, b := doFull(t, c, method, url, token, body, header)
	return code, b
}

func doFull(t testing.TB, c *http.Client, method, url, token string, body io.Reader, header http.Header) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

func (tm *terminal) post(path string, v any) (int, []byte) {
	tm.t.Helper()
	var body []byte
	switch v := v.(type) {
	case string:
		body = []byte(v)
	default:
		var err error
		if body, err = json.Marshal(v); err != nil {
			tm.t.Fatal(err)
		}
	}
	return do(tm.t, tm.client, http.MethodPost, tm.base+path, tm.token, bytes.NewReader(body), nil)
}

func (tm *terminal) get(path string, header http.Header) (int, http.Header, []byte) {
	tm.t.Helper()
	return doFull(tm.t, tm.client, http.MethodGet, tm.base+path, tm.token, nil, header)
}

// newCase makes a valid case with the terminal's next sequence number and
// a sealed payload of about payloadBytes.
func (tm *terminal) newCase(payloadBytes int) wireCase {
	tm.t.Helper()
	seq := tm.seq.Add(1)
	return wireCase{
		ID:             kiosk.NewCaseIDNow(testEpoch),
		TerminalSeq:    seq,
		Number:         fmt.Sprintf("%s-20261125-%06d-X", tm.id, seq),
		ItemCode:       "339900-GA-GG-0001",
		CatalogVersion: 1,
		SubmittedAt:    testEpoch.Add(-time.Minute).Format(time.RFC3339),
		Sealed:         tm.seal(payload(payloadBytes)),
	}
}

// payload is a case's personal part as JSON, padded to about n bytes as a
// form with a scanned page would be.
func payload(n int) []byte {
	p := map[string]any{
		"applicant": map[string]string{"name": "张三", "id_number": "11010119900307123X", "address": "清河市东城区幸福路 1 号"},
		"form":      map[string]string{"phone": "13800138000", "reason": "办理社保参保证明"},
	}
	b, _ := json.Marshal(p)
	if pad := n - len(b) - 20; pad > 0 {
		p["materials"] = []map[string]string{{"id": "page", "data": strings.Repeat("A", pad)}}
		b, _ = json.Marshal(p)
	}
	return b
}

func (tm *terminal) seal(plain []byte) string {
	tm.t.Helper()
	sealed, err := box.SealAnonymous(nil, plain, &tm.sealKey, rand.Reader)
	if err != nil {
		tm.t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sealed)
}

// upload posts cases and returns the results, failing on anything but 200.
func (tm *terminal) upload(cases ...wireCase) []wireResult {
	tm.t.Helper()
	code, body := tm.post("/v1/cases", casesRequest{Cases: cases})
	if code != http.StatusOK {
		tm.t.Fatalf("upload: %d %s", code, body)
	}
	var resp resultsResponse
	mustUnmarshal(tm.t, body, &resp)
	if len(resp.Results) != len(cases) {
		tm.t.Fatalf("upload: %d results for %d cases", len(resp.Results), len(cases))
	}
	return resp.Results
}

func (tm *terminal) heartbeat(req heartbeatRequest) heartbeatResponse {
	tm.t.Helper()
	code, body := tm.post("/v1/heartbeat", req)
	if code != http.StatusOK {
		tm.t.Fatalf("heartbeat: %d %s", code, body)
	}
	var resp heartbeatResponse
	mustUnmarshal(tm.t, body, &resp)
	return resp
}

func readAll(t testing.TB, resp *http.Response) []byte {
	t.Helper()
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func cmpDiff(want, got any) string { return cmp.Diff(want, got) }

func urlPath(s string) string { return url.PathEscape(s) }

func mustUnmarshal(t testing.TB, b []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

// errorOf returns the "error" of a JSON error body, failing if there is none.
func errorOf(t testing.TB, body []byte) string {
	t.Helper()
	var e errorResponse
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("want a JSON error body, got %q", body)
	}
	return e.Error
}

// syncBuffer is a log destination tests read while the hall writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newLoggedHall is newTestHall with its log kept for the test to read.
func newLoggedHall(t *testing.T) (*testHall, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	db := filepath.Join(t.TempDir(), "hall.db")
	clock := kiosk.NewManualClock(testEpoch)
	srv, err := Open(context.Background(), Config{DB: db, Clock: clock, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	h := &testHall{Server: srv, t: t, http: httptest.NewServer(srv.Handler()), db: db, clock: clock}
	t.Cleanup(h.close)
	return h, logs
}

// openSQLiteFrom makes a SQLite hall store as the release at schema version
// old left it, with seed run on it, then opens it with this release's code:
// the start of every upgrade test.
func openSQLiteFrom(t *testing.T, old int, seed string) *SQLiteStore {
	t.Helper()
	path := filepath.Join(t.TempDir(), "hall.db")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_version (version INTEGER NOT NULL); INSERT INTO schema_version VALUES (?)`, old); err != nil {
		t.Fatal(err)
	}
	for _, m := range sqliteMigrations[:old] {
		if _, err := db.Exec(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Exec(seed); err != nil {
		t.Fatal(err)
	}
	db.Close()
	s, err := OpenSQLite(path, SQLiteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// openPostgresFrom is openSQLiteFrom for a PostgreSQL database.
func openPostgresFrom(t *testing.T, old int, seed string) *PostgresStore {
	t.Helper()
	url := pgTestURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range postgresMigrations[:old] {
		if _, err := conn.Exec(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf(`CREATE TABLE schema_version (version int NOT NULL); INSERT INTO schema_version VALUES (%d);`, old)+seed); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	s, err := OpenPostgres(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
