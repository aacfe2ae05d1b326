package console

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// An officer asks a terminal for its logs from the console, the terminal
// answers the command through the real client, and the bundle is listed
// on the terminal's log page and downloads as a file.
func TestLogBundleIsRequestedListedAndDownloaded(t *testing.T) {
	e := newEnv(t)
	b := e.loggedIn()
	term := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "一楼大厅 1 号机")
	id := term.creds.TerminalID
	page := "/console/terminals/" + id + "/logs"
	if r := b.get("/console/terminals"); !strings.Contains(r.body, `href="`+page+`"`) {
		t.Errorf("terminals page has no link to %s", page)
	}
	if r := b.get(page); r.code != http.StatusOK || !strings.Contains(r.body, "还没有上传过日志") {
		t.Fatalf("log page before any upload: %d", r.code)
	}

	r := b.post(page, nil)
	if r.code != http.StatusSeeOther || r.header.Get("Location") != page+"?m=requested" {
		t.Fatalf("request logs: %d → %q", r.code, r.header.Get("Location"))
	}
	ctx := context.Background()
	cmds, err := e.hall.Store().PendingCommands(ctx, id)
	if err != nil || len(cmds) != 1 || cmds[0].Kind != hall.CommandUploadLogs {
		t.Fatalf("commands queued for the terminal: %+v (%v), want one upload_logs", cmds, err)
	}
	if r := b.get(page + "?m=requested"); !strings.Contains(r.body, "已请求终端上传日志") {
		t.Error("no notice after the request")
	}

	logDir := t.TempDir()
	os.WriteFile(filepath.Join(logDir, "kiosk.log"), []byte(`{"level":"INFO","msg":"kiosk starting"}`+"\n"), 0o600)
	bundle, err := client.PackLogs(logDir, client.MaxLogBundleBytes)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := term.cl.UploadLogs(ctx, cmds[0].ID, bytes.NewReader(bundle.Data))
	if err != nil {
		t.Fatal(err)
	}

	r = b.get(page)
	download := page + "/" + rc.ID
	for _, want := range []string{"应上传日志指令", cmds[0].ID, rc.SHA256[:16], `href="` + download + `"`, "下载日志包"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("log page lacks %q", want)
		}
	}
	r = b.get(download)
	disposition := regexp.MustCompile(`^attachment; filename="` + id + `-logs-\d{8}-\d{6}\.tar\.gz"$`)
	if r.code != http.StatusOK || r.header.Get("Content-Type") != "application/gzip" ||
		!disposition.MatchString(r.header.Get("Content-Disposition")) || r.body != string(bundle.Data) {
		t.Errorf("download: %d, %q, %q, %d bytes; want the bundle as an attachment", r.code,
			r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), len(r.body))
	}

	// Without a session, or under another terminal's path, nothing is served.
	if r := e.browser().get(download); r.code != http.StatusSeeOther || r.header.Get("Location") != "/console/login" {
		t.Errorf("download without a session: %d → %q", r.code, r.header.Get("Location"))
	}
	other := e.enrol(codeOnPage(t, b.post("/console/codes", nil)), "二号机")
	if r := b.get("/console/terminals/" + other.creds.TerminalID + "/logs/" + rc.ID); r.code != http.StatusNotFound || strings.Contains(r.body, "kiosk starting") {
		t.Errorf("another terminal's path to the bundle: %d", r.code)
	}
	if r := b.get("/console/terminals/K9999/logs"); r.code != http.StatusNotFound || !strings.Contains(r.body, "没有这台终端") {
		t.Errorf("unknown terminal: %d", r.code)
	}
	if r := b.post("/console/terminals/"+id+"/logs", map[string][]string{"csrf": {"forged"}}); r.code != http.StatusForbidden {
		t.Errorf("request without the session's CSRF token: %d, want 403", r.code)
	}
}
