package client

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"govkiosk/kiosk/retry"
)

// MaxLogBundleBytes is the most the hall accepts in one log upload
// (POST /v1/logs, sync/openapi.yaml); PackLogs packs up to it.
const MaxLogBundleBytes = 8 << 20

// logUploadAttempts bounds UploadLogs' retries: it runs while a heartbeat
// waits (an upload_logs command), so it gives up after a few tries and the
// technician sees why in the command's audit record.
const logUploadAttempts = 4

// LogBundle is a packed set of log files, ready for UploadLogs.
type LogBundle struct {
	Data  []byte // a gzip'd tar
	Files int
	// Skipped counts older files left out to stay within the limit.
	Skipped int
}

// PackLogs packs the log files in dir (*.log and the rotated *.gz), newest
// first, into a gzip'd tar of at most limit bytes, stopping at the first
// file that no longer fits: the bundle holds the most recent stretch of
// the logs without gaps. Each file goes into a gzip member of its own, so
// its compressed size is known before it is added; gzip readers (the
// hall's, tar -xz) read the members as one stream.
//
// Logs never hold citizens' personal data (kiosk/logging redacts them),
// which is why they may leave the terminal unsealed.
func PackLogs(dir string, limit int64) (LogBundle, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return LogBundle{}, fmt.Errorf("pack logs: %w", err)
	}
	type logFile struct {
		name string
		mod  time.Time
	}
	var files []logFile
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !(strings.HasSuffix(name, ".log") || strings.HasSuffix(name, ".gz")) {
			continue
		}
		if fi, err := e.Info(); err == nil {
			files = append(files, logFile{name, fi.ModTime()})
		}
	}
	slices.SortFunc(files, func(a, b logFile) int {
		if c := b.mod.Compare(a.mod); c != 0 {
			return c
		}
		return strings.Compare(b.name, a.name)
	})

	// One tar stream cut into gzip members: w.to is the member being
	// written.
	w := &memberWriter{}
	tw := tar.NewWriter(w)
	trailer, err := gzipMember(func(zw io.Writer) error { w.to = zw; return tw.Close() })
	if err != nil {
		return LogBundle{}, err
	}
	tw = tar.NewWriter(w)
	var out bytes.Buffer
	b := LogBundle{}
	for i, f := range files {
		// Read whole: the current log grows while it is packed, and a tar
		// header must give the size of what follows.
		data, err := os.ReadFile(filepath.Join(dir, f.name))
		if errors.Is(err, fs.ErrNotExist) {
			continue // rotated away since the listing; its successor is packed
		}
		if err != nil {
			return LogBundle{}, fmt.Errorf("pack logs: %w", err)
		}
		member, err := gzipMember(func(zw io.Writer) error {
			w.to = zw
			if err := tw.WriteHeader(&tar.Header{Name: f.name, Mode: 0o600, Size: int64(len(data)), ModTime: f.mod, Typeflag: tar.TypeReg}); err != nil {
				return err
			}
			if _, err := tw.Write(data); err != nil {
				return err
			}
			return tw.Flush()
		})
		if err != nil {
			return LogBundle{}, fmt.Errorf("pack logs: %s: %w", f.name, err)
		}
		if int64(out.Len()+len(member)+len(trailer)) > limit {
			if b.Files == 0 {
				return LogBundle{}, fmt.Errorf("pack logs: the newest file %s is %d bytes compressed, over the %d-byte limit", f.name, len(member), limit)
			}
			b.Skipped = len(files) - i
			break
		}
		out.Write(member)
		b.Files++
	}
	if b.Files == 0 {
		return LogBundle{}, fmt.Errorf("pack logs: no log files in %s", dir)
	}
	out.Write(trailer)
	b.Data = out.Bytes()
	return b, nil
}

// memberWriter passes writes to the gzip member being built.
type memberWriter struct{ to io.Writer }

func (m *memberWriter) Write(p []byte) (int, error) { return m.to.Write(p) }

// gzipMember returns the gzip member of what write writes.
func gzipMember(write func(io.Writer) error) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if err := write(zw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// LogsReceipt is the hall's answer to a log upload.
type LogsReceipt struct {
	ID     string `json:"id"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

// UploadLogs sends a log bundle (a gzip'd tar, see PackLogs) to the hall,
// in answer to the upload_logs command commandID, or unasked if it is
// empty. Network errors and 5xx are retried with capped, jittered backoff
// (MinBackoff, MaxBackoff) up to logUploadAttempts tries; a retry is safe,
// the hall stores a bundle once per command. The hall's receipt is checked
// against the bundle's size and SHA-256.
func (c *Client) UploadLogs(ctx context.Context, commandID string, r io.Reader) (LogsReceipt, error) {
	bundle, err := io.ReadAll(io.LimitReader(r, MaxLogBundleBytes+1))
	if err != nil {
		return LogsReceipt{}, fmt.Errorf("upload logs: read bundle: %w", err)
	}
	if len(bundle) > MaxLogBundleBytes {
		return LogsReceipt{}, fmt.Errorf("upload logs: bundle over the hall's %d-byte limit", MaxLogBundleBytes)
	}
	path := "/v1/logs"
	if commandID != "" {
		path += "?command_id=" + url.QueryEscape(commandID)
	}
	bo := &retry.Backoff{Min: c.cfg.MinBackoff, Max: c.cfg.MaxBackoff}
	var rc LogsReceipt
	for attempt := 1; ; attempt++ {
		rc, err = c.postLogs(ctx, path, bundle)
		var tr *Transient
		if err == nil || !errors.As(err, &tr) || attempt == logUploadAttempts {
			break
		}
		t := time.NewTimer(bo.Next())
		select {
		case <-ctx.Done():
			t.Stop()
			return LogsReceipt{}, fmt.Errorf("upload logs: %w (after %v)", ctx.Err(), err)
		case <-t.C:
		}
	}
	if err != nil {
		return LogsReceipt{}, fmt.Errorf("upload logs: %w", err)
	}
	sum := sha256.Sum256(bundle)
	if rc.Bytes != int64(len(bundle)) || rc.SHA256 != hex.EncodeToString(sum[:]) {
		return rc, fmt.Errorf("upload logs: the hall received %d bytes with sha256 %.12s…, sent %d with %x", rc.Bytes, rc.SHA256, len(bundle), sum[:6])
	}
	c.cfg.Log.Info("logs uploaded", "command", commandID, "bundle", rc.ID, "bytes", rc.Bytes)
	return rc, nil
}

// postLogs sends one upload; errors are classified as do classifies them.
func (c *Client) postLogs(ctx context.Context, path string, bundle []byte) (LogsReceipt, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+path, bytes.NewReader(bundle))
	if err != nil {
		return LogsReceipt{}, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Credentials.Token)
	req.Header.Set("Content-Type", "application/gzip")
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		c.setOnline(false, err)
		return LogsReceipt{}, &Transient{err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		c.setOnline(false, err)
		return LogsReceipt{}, &Transient{err}
	}
	switch {
	case resp.StatusCode >= 500:
		err := fmt.Errorf("POST /v1/logs: HTTP %d", resp.StatusCode)
		c.setOnline(false, err)
		return LogsReceipt{}, &Transient{err}
	case resp.StatusCode == http.StatusUnauthorized:
		c.setOnline(true, ErrUnauthorized)
		return LogsReceipt{}, ErrUnauthorized
	case resp.StatusCode == http.StatusRequestEntityTooLarge:
		c.setOnline(true, nil)
		return LogsReceipt{}, errTooLarge
	case resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated:
		// The hall's error names what is wrong (not gzip, unknown
		// command): the technician reads it in the audit record.
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(data, &e) != nil || e.Error == "" {
			e.Error = strings.TrimSpace(string(data))
		}
		err := fmt.Errorf("POST /v1/logs: HTTP %d: %s", resp.StatusCode, e.Error)
		c.setOnline(true, err)
		return LogsReceipt{}, err
	}
	c.setOnline(true, nil)
	var rc LogsReceipt
	if err := json.Unmarshal(data, &rc); err != nil {
		return LogsReceipt{}, fmt.Errorf("POST /v1/logs: bad answer: %w", err)
	}
	return rc, nil
}
