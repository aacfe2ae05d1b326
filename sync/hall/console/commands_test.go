package console

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// logBuffer is a console log a test reads while the server writes it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newLoggedEnv is newEnv with the console's log kept for the test.
func newLoggedEnv(t *testing.T) (*env, *logBuffer) {
	e := newEnv(t)
	log := &logBuffer{}
	con, err := New(Config{Hall: e.hall, Clock: e.clock, Logger: slog.New(slog.NewJSONHandler(log, nil)), Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(Mount(e.hall.Handler(), con))
	t.Cleanup(srv.Close)
	e.con, e.srv = con, srv
	return e, log
}

// An officer sends each kind of command from the terminal's 指令 page; the
// terminal carries them out through the real client and the page shows
// what it reported. The console logs who queued what.
func TestCommandsQueuedFromTheConsoleShowTheirResults(t *testing.T) {
	e, log := newLoggedEnv(t)
	b := e.loggedIn()
	term := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "一楼大厅 1 号机")
	id := term.creds.TerminalID
	page := "/console/terminals/" + id + "/commands"
	if r := b.get("/console/terminals"); !strings.Contains(r.body, `href="`+page+`"`) {
		t.Errorf("terminals page has no link to %s", page)
	}
	r := b.get(page)
	if r.code != http.StatusOK || !strings.Contains(r.body, "还没有向这台终端下发过指令") {
		t.Fatalf("commands page before any command: %d", r.code)
	}
	for _, want := range []string{"重启程序", "重新加载事项目录", "上传日志", "设置维护提示", `name="message"`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("commands page lacks %q", want)
		}
	}
	forms := 0
	for _, f := range strings.Split(r.body, "<form")[1:] {
		if strings.Contains(f, `action="`+page+`"`) && strings.Contains(f, `name="csrf" value="`+b.csrf+`"`) {
			forms++
		}
	}
	if forms != 4 {
		t.Errorf("%d command forms carry the session's CSRF token, want 4", forms)
	}

	queue := func(form url.Values) {
		t.Helper()
		r := b.post(page, form)
		want := page + "?" + url.Values{"kind": form["kind"], "m": {"queued"}}.Encode()
		if r.code != http.StatusSeeOther || r.header.Get("Location") != want {
			t.Fatalf("queue %v: %d → %q, want %q", form, r.code, r.header.Get("Location"), want)
		}
	}
	queue(url.Values{"kind": {hall.CommandSetMaintenanceMessage}, "message": {" 本机暂停服务，请到其他终端办理 "}})
	queue(url.Values{"kind": {hall.CommandReloadCatalog}})
	queue(url.Values{"kind": {hall.CommandUploadLogs}})
	if r := b.get(page + "?kind=reload_catalog&m=queued"); !strings.Contains(r.body, "已下发指令“重新加载事项目录”") {
		t.Error("no notice naming the queued command")
	}

	// The terminal: reload_catalog fails, the others succeed.
	cl, err := client.New(client.Config{Credentials: term.creds, Store: term.store, HTTP: e.srv.Client(),
		OnCommand: func(c client.Command) string {
			if c.Kind == hall.CommandReloadCatalog {
				return "failed: catalog signature mismatch"
			}
			return "ok"
		}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the first brings the commands, the second the results
		if err := cl.Heartbeat(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	queue(url.Values{"kind": {hall.CommandRestartApp}})                             // still pending
	queue(url.Values{"kind": {hall.CommandSetMaintenanceMessage}, "message": {""}}) // clears

	r = b.get(page)
	rows := strings.Split(r.body, "<tr>")[2:] // after the header row; newest first
	if len(rows) != 5 {
		t.Fatalf("%d command rows, want 5:\n%s", len(rows), r.body)
	}
	for i, want := range [][]string{
		{"设置维护提示", "（清除维护提示）", "等待终端执行"},
		{"重启程序", "等待终端执行"},
		{"上传日志", "完成", "<small>ok</small>"},
		{"重新加载事项目录", `class="tag bad">失败`, "failed: catalog signature mismatch"},
		{"设置维护提示", "“本机暂停服务，请到其他终端办理”", "完成"},
	} {
		for _, w := range want {
			if !strings.Contains(rows[i], w) {
				t.Errorf("row %d lacks %q:\n%s", i, w, rows[i])
			}
		}
	}
	for _, kind := range []string{"set_maintenance_message", "reload_catalog", "upload_logs", "restart_app"} {
		want := 1
		if kind == "set_maintenance_message" {
			want = 2
		}
		line := fmt.Sprintf(`"msg":"console: command queued","admin":%q,"terminal":%q,"kind":%q`, testAdmin, id, kind)
		if n := strings.Count(log.String(), line); n != want {
			t.Errorf("%d log lines %s, want %d", n, line, want)
		}
	}
}

func TestCommandFormRefusesBadInput(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	term := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "一楼大厅 1 号机")
	page := "/console/terminals/" + term.creds.TerminalID + "/commands"
	long := strings.Repeat("暂", 201)
	if r := b.post(page, url.Values{"kind": {hall.CommandSetMaintenanceMessage}, "message": {long}}); r.code != http.StatusBadRequest ||
		!strings.Contains(r.body, "维护提示最多 200 个字") || !strings.Contains(r.body, `value="`+long+`"`) {
		t.Errorf("201-character message: %d; want 400 with the message kept in the form", r.code)
	}
	if r := b.post(page, url.Values{"kind": {"format_disk"}}); r.code != http.StatusBadRequest {
		t.Errorf("unknown kind: %d, want 400", r.code)
	}
	if r := b.post(page, url.Values{"kind": {hall.CommandRestartApp}, "csrf": {"forged"}}); r.code != http.StatusForbidden {
		t.Errorf("without the session's CSRF token: %d, want 403", r.code)
	}
	if r := b.post("/console/terminals/K9999/commands", url.Values{"kind": {hall.CommandRestartApp}}); r.code != http.StatusNotFound {
		t.Errorf("unknown terminal: %d, want 404", r.code)
	}
	if r := e.browser().get(page); r.code != http.StatusSeeOther || r.header.Get("Location") != "/console/login" {
		t.Errorf("without a session: %d → %q", r.code, r.header.Get("Location"))
	}
	if cmds, err := e.hall.Commands(context.Background(), term.creds.TerminalID, 10); err != nil || len(cmds) != 0 {
		t.Errorf("refused forms queued %d commands (%v)", len(cmds), err)
	}
}
