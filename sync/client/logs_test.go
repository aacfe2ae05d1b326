package client_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// writeLog writes a log file of n random (incompressible) bytes, modified
// at mod.
func writeLog(t *testing.T, dir, name string, n int, mod time.Time) []byte {
	t.Helper()
	data := make([]byte, n)
	rand.Read(data)
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(p, mod, mod); err != nil {
		t.Fatal(err)
	}
	return data
}

// unpack reads a bundle as the hall and tar -xz do: gzip members as one
// stream.
func unpack(t *testing.T, bundle []byte) (names []string, files map[string][]byte) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(bundle))
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	files = map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("bundle is not a valid tar.gz: %v", err)
		}
		b, _ := io.ReadAll(tr)
		names = append(names, h.Name)
		files[h.Name] = b
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		t.Fatalf("gzip: %v", err)
	}
	return names, files
}

func TestPackLogsTakesTheNewestFilesThatFit(t *testing.T) {
	dir := t.TempDir()
	now := time.Now()
	current := writeLog(t, dir, "kiosk.log", 300<<10, now)
	older := writeLog(t, dir, "kiosk-2026-11-24T10-00-00.000.log.gz", 300<<10, now.Add(-time.Hour))
	writeLog(t, dir, "kiosk-2026-11-23T10-00-00.000.log.gz", 300<<10, now.Add(-2*time.Hour))
	writeLog(t, dir, "kiosk-2026-11-25T10-00-00.000.log.gz", 10<<10, now.Add(-3*time.Hour)) // small, but older than one that does not fit
	writeLog(t, dir, "notes.txt", 1000, now)                                                // not a log
	os.Mkdir(filepath.Join(dir, "sub.log"), 0o700)

	b, err := client.PackLogs(dir, 700<<10)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Data) > 700<<10 {
		t.Errorf("bundle of %d bytes is over the limit", len(b.Data))
	}
	names, files := unpack(t, b.Data)
	want := []string{"kiosk.log", "kiosk-2026-11-24T10-00-00.000.log.gz"}
	if strings.Join(names, " ") != strings.Join(want, " ") || b.Files != 2 || b.Skipped != 2 {
		t.Errorf("packed %v (Files %d, Skipped %d); want the newest two, in order, and two skipped", names, b.Files, b.Skipped)
	}
	if !bytes.Equal(files["kiosk.log"], current) || !bytes.Equal(files["kiosk-2026-11-24T10-00-00.000.log.gz"], older) {
		t.Error("a packed file differs from the log file")
	}

	if _, err := client.PackLogs(dir, 100<<10); err == nil || !strings.Contains(err.Error(), "the newest file kiosk.log") {
		t.Errorf("newest file alone over the limit: %v", err)
	}
	if _, err := client.PackLogs(t.TempDir(), 1<<20); err == nil || !strings.Contains(err.Error(), "no log files") {
		t.Errorf("empty log dir: %v", err)
	}
}

func TestUploadLogsRetriesA5xxAndArrivesOnce(t *testing.T) {
	var posts, failed atomic.Int32
	e := newEnv(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/logs" {
				posts.Add(1)
				// The hall stores the bundle but the answer is lost, once.
				if failed.Add(1) == 1 {
					next.ServeHTTP(httptestDiscard{}, r)
					http.Error(w, "proxy error", http.StatusBadGateway)
					return
				}
			}
			next.ServeHTTP(w, r)
		})
	})
	ctx := context.Background()
	cmd, err := e.hall.QueueCommand(ctx, e.creds.TerminalID, hall.CommandUploadLogs, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeLog(t, dir, "kiosk.log", 5000, time.Now())
	b, err := client.PackLogs(dir, client.MaxLogBundleBytes)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := e.cl.UploadLogs(ctx, cmd.ID, bytes.NewReader(b.Data))
	if err != nil {
		t.Fatal(err)
	}
	if posts.Load() != 2 {
		t.Errorf("%d posts, want 2 (one retry)", posts.Load())
	}
	stored, err := e.hall.Store().LogBundles(ctx, e.creds.TerminalID)
	if err != nil || len(stored) != 1 || stored[0].ID != rc.ID || stored[0].CommandID != cmd.ID || stored[0].Bytes != int64(len(b.Data)) {
		t.Errorf("hall holds %+v (%v); want the one bundle %+v", stored, err, rc)
	}
}

// httptestDiscard is a ResponseWriter whose answer is lost.
type httptestDiscard struct{}

func (httptestDiscard) Header() http.Header         { return http.Header{} }
func (httptestDiscard) Write(p []byte) (int, error) { return len(p), nil }
func (httptestDiscard) WriteHeader(int)             {}

func TestUploadLogsRefusedIsNotRetried(t *testing.T) {
	var posts atomic.Int32
	e := newEnv(t, func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/v1/logs" {
				posts.Add(1)
			}
			next.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	writeLog(t, dir, "kiosk.log", 100, time.Now())
	b, err := client.PackLogs(dir, client.MaxLogBundleBytes)
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.cl.UploadLogs(context.Background(), "no-such-command", bytes.NewReader(b.Data))
	if err == nil || !strings.Contains(err.Error(), "HTTP 422") || !strings.Contains(err.Error(), "not an upload_logs command") {
		t.Errorf("unknown command: %v", err)
	}
	if _, err := e.cl.UploadLogs(context.Background(), "", strings.NewReader("plain text, not gzip")); err == nil || !strings.Contains(err.Error(), "not gzip") {
		t.Errorf("not gzip: %v", err)
	}
	if posts.Load() != 2 {
		t.Errorf("%d posts for two refused uploads; a 4xx must not be retried", posts.Load())
	}
	if _, err := e.cl.UploadLogs(context.Background(), "", bytes.NewReader(make([]byte, client.MaxLogBundleBytes+1))); err == nil || posts.Load() != 2 {
		t.Errorf("a bundle over the limit: %v, %d posts; want refused before sending", err, posts.Load())
	}
}
