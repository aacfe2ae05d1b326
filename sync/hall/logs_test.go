package hall

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// logFile is one file of a test bundle.
type logFile struct {
	name string
	body []byte
}

// packLogs makes a gzip'd tar of files, as terminals send.
func packLogs(t testing.TB, files ...logFile) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, f := range files {
		if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(f.body)), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write(f.body)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return buf.Bytes()
}

func (tm *terminal) postLogs(query string, body []byte) (int, []byte) {
	tm.t.Helper()
	return do(tm.t, tm.client, http.MethodPost, tm.base+"/v1/logs"+query, tm.token, bytes.NewReader(body),
		http.Header{"Content-Type": {"application/gzip"}})
}

func TestLogBundleAnswersItsCommandAndIsAudited(t *testing.T) {
	h, logs := newLoggedHall(t)
	tm := h.enroll("一号机")
	ctx := context.Background()
	cmd, err := h.QueueCommand(ctx, tm.id, CommandUploadLogs, nil)
	if err != nil {
		t.Fatal(err)
	}
	bundle := packLogs(t, logFile{"kiosk.log", []byte(`{"msg":"started"}` + "\n")}, logFile{"kiosk-2026-11-24T09-00-00.000.log.gz", []byte("older")})
	sum := sha256.Sum256(bundle)

	code, body := tm.postLogs("?command_id="+cmd.ID, bundle)
	if code != http.StatusCreated {
		t.Fatalf("upload: %d %s", code, body)
	}
	var resp logsResponse
	mustUnmarshal(t, body, &resp)
	if resp.Bytes != int64(len(bundle)) || resp.SHA256 != hex.EncodeToString(sum[:]) || resp.ID == "" {
		t.Errorf("answer %+v; want %d bytes, sha256 %x", resp, len(bundle), sum)
	}
	stored, err := h.Store().LogBundle(ctx, resp.ID)
	if err != nil || !bytes.Equal(stored.Data, bundle) || stored.CommandID != cmd.ID || stored.TerminalID != tm.id ||
		stored.Files != 2 || !stored.ReceivedAt.Equal(testEpoch) {
		t.Errorf("stored %+v (%v)", stored, err)
	}
	for _, want := range []string{`"msg":"log bundle received"`, `"terminal":"` + tm.id + `"`, `"command":"` + cmd.ID + `"`,
		`"bundle":"` + resp.ID + `"`, `"files":2`, `"sha256":"` + resp.SHA256 + `"`} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("hall log lacks %s:\n%s", want, logs)
		}
	}

	// A retry after a lost answer stores nothing new.
	code, body = tm.postLogs("?command_id="+cmd.ID, bundle)
	var again logsResponse
	if code != http.StatusOK {
		t.Fatalf("repeated upload: %d %s, want 200", code, body)
	}
	if mustUnmarshal(t, body, &again); again != resp {
		t.Errorf("repeated upload answered %+v, want %+v", again, resp)
	}
	// Unasked uploads are allowed.
	if code, body := tm.postLogs("", packLogs(t, logFile{"kiosk.log", []byte("x")})); code != http.StatusCreated {
		t.Errorf("unsolicited upload: %d %s", code, body)
	}
	if l, _ := h.Store().LogBundles(ctx, tm.id); len(l) != 2 {
		t.Errorf("%d bundles stored, want 2", len(l))
	}
}

func TestLogBundleBadInput(t *testing.T) {
	h := newTestHall(t)
	tm, other := h.enroll("一号机"), h.enroll("二号机")
	ctx := context.Background()
	othersCmd, _ := h.QueueCommand(ctx, other.id, CommandUploadLogs, nil)
	restart, _ := h.QueueCommand(ctx, tm.id, CommandRestartApp, nil)
	good := packLogs(t, logFile{"kiosk.log", []byte("line\n")})

	random := make([]byte, MaxLogBundleBytes+1)
	rand.Read(random)
	var notTar bytes.Buffer
	zw := gzip.NewWriter(&notTar)
	zw.Write(bytes.Repeat([]byte("not a tar archive "), 100))
	zw.Close()
	truncated := good[:len(good)-6] // the gzip trailer (CRC) cut off
	bomb := func() []byte {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		tw := tar.NewWriter(zw)
		tw.WriteHeader(&tar.Header{Name: "kiosk.log", Mode: 0o600, Size: maxLogUnpackedBytes + 1, Typeflag: tar.TypeReg})
		io.CopyN(tw, zeros{}, maxLogUnpackedBytes+1)
		tw.Close()
		zw.Close()
		return buf.Bytes()
	}()

	for _, tc := range []struct {
		name, query string
		body        []byte
		want        int
		wantError   string
	}{
		{"not gzip", "", []byte("kiosk.log contents in plain text"), http.StatusBadRequest, "not gzip"},
		{"gzip but not a tar", "", notTar.Bytes(), http.StatusBadRequest, "not a tar"},
		{"cut off", "", truncated, http.StatusBadRequest, "damaged"},
		{"empty tar", "", packLogs(t), http.StatusBadRequest, "no files"},
		{"path in a name", "", packLogs(t, logFile{"../../etc/cron.d/x", []byte("x")}), http.StatusBadRequest, "plain file name"},
		{"over 8 MB", "", random, http.StatusRequestEntityTooLarge, "over 8388608"},
		{"unpacks to too much", "", bomb, http.StatusBadRequest, "unpacks to more than 256 MB"},
		{"unknown command", "?command_id=no-such-command", good, http.StatusUnprocessableEntity, "not an upload_logs command"},
		{"another terminal's command", "?command_id=" + othersCmd.ID, good, http.StatusUnprocessableEntity, "not an upload_logs command"},
		{"not an upload_logs command", "?command_id=" + restart.ID, good, http.StatusUnprocessableEntity, "not an upload_logs command"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := tm.postLogs(tc.query, tc.body)
			if code != tc.want || !strings.Contains(errorOf(t, body), tc.wantError) {
				t.Errorf("%d %s; want %d with %q", code, body, tc.want, tc.wantError)
			}
		})
	}
	if l, err := h.Store().LogBundles(ctx, tm.id); err != nil || len(l) != 0 {
		t.Errorf("refused uploads stored %d bundles (%v)", len(l), err)
	}
	if code, _ := do(t, h.http.Client(), http.MethodPost, h.http.URL+"/v1/logs", "", bytes.NewReader(good), nil); code != http.StatusUnauthorized {
		t.Errorf("without a token: %d, want 401", code)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

func TestLogBundlesKeptPerTerminalAreTheNewest(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("一号机")
	var ids []string
	for i := range keepLogBundles + 2 {
		code, body := tm.postLogs("", packLogs(t, logFile{"kiosk.log", []byte(strings.Repeat("x", i+1))}))
		if code != http.StatusCreated {
			t.Fatalf("upload %d: %d %s", i, code, body)
		}
		var resp logsResponse
		json.Unmarshal(body, &resp)
		ids = append(ids, resp.ID)
	}
	l, err := h.Store().LogBundles(context.Background(), tm.id)
	if err != nil || len(l) != keepLogBundles || l[0].ID != ids[len(ids)-1] || l[len(l)-1].ID != ids[2] {
		t.Errorf("kept %d bundles (%v), want the newest %d", len(l), err, keepLogBundles)
	}
}
