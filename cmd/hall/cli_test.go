package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/nacl/box"

	"govkiosk/assets"
	"govkiosk/sync/hall"
)

// hallRun runs the command line and returns exit status, stdout and stderr.
func hallRun(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

var codeLineRE = regexp.MustCompile(`^[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}-[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{4}$`)

func lastLine(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return lines[len(lines)-1]
}

func TestAdminCodePrintsAWorkingCodeLast(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hall.db")
	status, out, errOut := hallRun(t, "admin", "code", "--db", db)
	if status != 0 {
		t.Fatalf("exit %d: %s", status, errOut)
	}
	code := lastLine(out)
	if !codeLineRE.MatchString(code) {
		t.Fatalf("last line %q is not a code XXXX-XXXX", code)
	}
	if _, err := os.Stat(db + ".signing.key"); err != nil {
		t.Errorf("first command on a new database made no keys: %v", err)
	}
	// The code enrols a terminal at a hall serving the same database,
	// typed in lower case without the dash.
	srv, err := hall.Open(context.Background(), hall.Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	typed := strings.ToLower(strings.ReplaceAll(code, "-", ""))
	resp, err := http.Post(ts.URL+"/v1/enroll", "application/json", strings.NewReader(`{"code":"`+typed+`","name":"T"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Errorf("enrol with the printed code: %d", resp.StatusCode)
	}
}

func TestEveryCommandHasHelpWithExample(t *testing.T) {
	var walk func(path []string, c *command)
	walk = func(path []string, c *command) {
		if c.sub != nil {
			for name, sub := range c.sub {
				walk(append(path, name), sub)
			}
			return
		}
		status, out, _ := hallRun(t, append(path, "--help")...)
		if status != 0 || !strings.Contains(out, "Example:\n  hall "+strings.Join(path, " ")) {
			t.Errorf("hall %s --help: exit %d, no example:\n%s", strings.Join(path, " "), status, out)
		}
	}
	walk(nil, &command{sub: commands})
}

func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"admin", "frobnicate"},
		{"serve"},
		{"admin", "code"},
		{"admin", "publish", "--db", "x.db"},
		{"admin", "set-status", "K0001-20261125-000001-X", "--db", "x.db"},
		{"admin", "cases", "--limit", "0", "--db", "x.db"},
	} {
		if status, _, errOut := hallRun(t, args...); status != 2 {
			t.Errorf("hall %s: exit %d, want 2\n%s", strings.Join(args, " "), status, errOut)
		}
	}
}

func TestAdminReadCommandsRefuseMissingDatabase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "typo.db")
	for _, args := range [][]string{
		{"admin", "terminals", "--db", db},
		{"admin", "cases", "--db", db},
		{"admin", "set-status", "K0001-20261125-000001-X", "approved", "--db", db},
		{"admin", "command", "K0001", "restart_app", "--db", db},
	} {
		status, _, errOut := hallRun(t, args...)
		if status != 1 || !strings.Contains(errOut, "no hall database") {
			t.Errorf("hall %s: exit %d: %s", strings.Join(args, " "), status, errOut)
		}
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("a read command made a database")
	}
}

func TestAdminPublish(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hall.db")
	file := filepath.Join(dir, "catalog.json")
	os.WriteFile(file, assets.SampleCatalog, 0o644)
	status, out, errOut := hallRun(t, "admin", "publish", file, "--db", db)
	if status != 0 || !strings.Contains(out, "published catalogue version 2") {
		t.Fatalf("publish: exit %d\n%s%s", status, out, errOut)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(strings.Replace(string(assets.SampleCatalog), `"departments"`, `"departmnets"`, 1)), 0o644)
	status, _, errOut = hallRun(t, "admin", "publish", bad, "--db", db)
	if status != 1 || !strings.Contains(errOut, "departmnets") || !strings.Contains(errOut, "nothing was published") {
		t.Errorf("bad catalogue: exit %d\n%s", status, errOut)
	}
	if status, _, _ := hallRun(t, "admin", "publish", filepath.Join(dir, "missing.json"), "--db", db); status != 1 {
		t.Errorf("missing file: exit %d, want 1", status)
	}
}

func TestAdminTerminalsCasesStatusAndCommands(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hall.db")
	_, out, _ := hallRun(t, "admin", "code", "--db", db)
	code := lastLine(out)

	// A terminal enrols, sends a case and a heartbeat through the API.
	srv, err := hall.Open(context.Background(), hall.Config{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	post := func(path, token, body string) []byte {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(resp.Body)
		if resp.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %d %s", path, resp.StatusCode, b.String())
		}
		return b.Bytes()
	}
	var enrolled struct {
		TerminalID string `json:"terminal_id"`
		Token      string `json:"token"`
	}
	if err := json.Unmarshal(post("/v1/enroll", "", `{"code":"`+code+`","name":"市民中心东"}`), &enrolled); err != nil {
		t.Fatal(err)
	}
	sealed := sealFor(t, srv)
	number := enrolled.TerminalID + "-20261125-000001-X"
	post("/v1/cases", enrolled.Token, `{"cases":[{"id":"0196b3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b","terminal_seq":1,"number":"`+number+`","item_code":"339900-GA-GG-0001","catalog_version":1,"submitted_at":"2026-11-25T09:30:00+08:00","sealed":"`+sealed+`"}]}`)
	post("/v1/heartbeat", enrolled.Token, `{"app_version":"1.0.0","catalog_version":1,"outbox_pending":3,"devices":[{"name":"printer","kind":"printer","state":"warning","detail":"paper near end"}]}`)
	ts.Close()
	srv.Close()

	status, out, errOut := hallRun(t, "admin", "terminals", "--db", db)
	if status != 0 || !strings.Contains(out, "K0001") || !strings.Contains(out, "printer warning (paper near end)") || !strings.Contains(out, "市民中心东") {
		t.Errorf("terminals: exit %d\n%s%s", status, out, errOut)
	}
	status, out, _ = hallRun(t, "admin", "terminals", "--json", "--db", db)
	var terms []terminalView
	if status != 0 || json.Unmarshal([]byte(out), &terms) != nil || len(terms) != 1 || terms[0].OutboxPending != 3 {
		t.Errorf("terminals --json: exit %d\n%s", status, out)
	}
	status, out, _ = hallRun(t, "admin", "cases", "--db", db)
	if status != 0 || !strings.Contains(out, number) || !strings.Contains(out, "received") {
		t.Errorf("cases: exit %d\n%s", status, out)
	}
	status, out, errOut = hallRun(t, "admin", "set-status", number, "approved", "请到 3 号窗口领取", "--db", db)
	if status != 0 {
		t.Errorf("set-status: exit %d\n%s%s", status, out, errOut)
	}
	status, out, _ = hallRun(t, "admin", "cases", "--status", "approved", "--json", "--db", db)
	var cases []caseView
	if status != 0 || json.Unmarshal([]byte(out), &cases) != nil || len(cases) != 1 || cases[0].Status != "approved" {
		t.Errorf("cases --status approved: exit %d\n%s", status, out)
	}
	for _, args := range [][]string{
		{"admin", "set-status", "K0001-20261125-999999-X", "approved", "--db", db},
		{"admin", "set-status", number, "done", "--db", db},
		{"admin", "command", "K0042", "restart_app", "--db", db},
		{"admin", "command", "K0001", "format_disk", "--db", db},
	} {
		if status, _, errOut := hallRun(t, args...); status != 1 {
			t.Errorf("hall %s: exit %d, want 1\n%s", strings.Join(args, " "), status, errOut)
		}
	}
	status, out, errOut = hallRun(t, "admin", "command", "K0001", "set_maintenance_message", `{"message":"系统维护中"}`, "--db", db)
	if status != 0 || !strings.Contains(out, "queued set_maintenance_message for K0001") {
		t.Errorf("command: exit %d\n%s%s", status, out, errOut)
	}
	status, out, errOut = hallRun(t, "admin", "commands", "--terminal", "K0001", "--db", db)
	if status != 0 || !strings.Contains(out, `set_maintenance_message  {"message":"系统维护中"}  pending`) {
		t.Errorf("commands: exit %d\n%s%s", status, out, errOut)
	}
	if status, _, errOut := hallRun(t, "admin", "commands", "--terminal", "K0042", "--db", db); status != 1 || !strings.Contains(errOut, "no terminal K0042") {
		t.Errorf("commands of an unknown terminal: exit %d\n%s", status, errOut)
	}

	// The terminal acknowledges it with its result; the admin sees both.
	_, out, _ = hallRun(t, "admin", "commands", "--terminal", "K0001", "--json", "--db", db)
	var cmds []commandView
	if err := json.Unmarshal([]byte(out), &cmds); err != nil || len(cmds) != 1 || cmds[0].AckedAt != nil {
		t.Fatalf("commands --json before the ack: %v\n%s", err, out)
	}
	if srv, err = hall.Open(context.Background(), hall.Config{DB: db}); err != nil {
		t.Fatal(err)
	}
	ts = httptest.NewServer(srv.Handler())
	post("/v1/heartbeat", enrolled.Token, `{"acked_commands":["`+cmds[0].ID+`"],"command_results":[{"id":"`+cmds[0].ID+`","result":"ok"}]}`)
	ts.Close()
	srv.Close()
	_, out, _ = hallRun(t, "admin", "commands", "--terminal", "K0001", "--json", "--db", db)
	if err := json.Unmarshal([]byte(out), &cmds); err != nil || len(cmds) != 1 || cmds[0].AckedAt == nil || cmds[0].Result != "ok" {
		t.Errorf("commands --json after the ack: %v\n%s", err, out)
	}
}

// sealFor seals a case's personal part to the hall, as a terminal does.
func sealFor(t *testing.T, srv *hall.Server) string {
	t.Helper()
	sealed, err := box.SealAnonymous(nil, []byte(`{"applicant":{"name":"张三"}}`), srv.SealKey(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sealed)
}

// syncBuffer is a bytes.Buffer safe to read while serve writes to it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestServeAnswersAndStopsOnCancel(t *testing.T) {
	db := filepath.Join(t.TempDir(), "hall.db")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut syncBuffer
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0", "--db", db}, &out, &errOut) }()
	addrRE := regexp.MustCompile(`listening on (http://\S+)`)
	var base string
	for deadline := time.Now().Add(10 * time.Second); base == "" && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if m := addrRE.FindStringSubmatch(out.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("serve did not start:\n%s%s", out.String(), errOut.String())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("/healthz: %d", resp.StatusCode)
	}
	// The console is mounted beside the API.
	resp, err = http.Get(base + "/console/login")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("/console/login: %d, Cache-Control %q", resp.StatusCode, resp.Header.Get("Cache-Control"))
	}
	cancel()
	select {
	case status := <-done:
		if status != 0 || !strings.Contains(out.String(), "hall stopped") {
			t.Errorf("serve exit %d after cancel\n%s%s", status, out.String(), errOut.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	// The port is taken: a clear error and exit 1.
	ln := httptest.NewServer(http.NotFoundHandler())
	defer ln.Close()
	status, _, errStr := hallRun(t, "serve", "--addr", strings.TrimPrefix(ln.URL, "http://"), "--db", db)
	if status != 1 || !strings.Contains(errStr, "listen") {
		t.Errorf("serve on a taken port: exit %d: %s", status, errStr)
	}
}
