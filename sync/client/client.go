package client

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"govkiosk/kiosk"
	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
)

// Config configures a client.
type Config struct {
	Credentials *Credentials
	Store       *store.Store
	HTTP        *http.Client // default: 15 s timeout
	Clock       kiosk.Clock
	Log         *slog.Logger
	AppVersion  string

	// BatchCases and BatchBytes bound one upload; the hall refuses bodies
	// over 4 MiB, so batches are sized by bytes as well as by count. Each
	// batch costs a durable commit at the hall and one at the terminal, so
	// a terminal back from days offline drains in batches of 100, not 20
	// (10,000 cases: 100 round trips instead of 500).
	BatchCases int // default 100
	BatchBytes int // default 3 MiB

	// Intervals of the background loop.
	HeartbeatEvery time.Duration // default 30 s
	CatalogEvery   time.Duration // default 5 min
	MinBackoff     time.Duration // default 1 s
	MaxBackoff     time.Duration // default 5 min

	// Devices reports device health for heartbeats.
	Devices func() []DeviceHealth
	// OnCatalog is called after a new catalogue version is installed.
	OnCatalog func(*kiosk.Catalog)
	// OnCommand carries out a remote command and returns what came of it
	// ("ok", "ok: …", "failed: …"), which the next heartbeat sends to the
	// hall with the acknowledgement. The hall sends a command again until
	// it is acknowledged, after a restart too, so OnCommand must carry out
	// each id once and answer a repeat with the result it kept.
	OnCommand func(Command) string
}

// Client syncs one terminal with its hall. Its methods are safe for
// concurrent use; Run is the background loop.
type Client struct {
	cfg        Config
	base       string
	catalogKey ed25519.PublicKey
	online     atomic.Bool
	lastErr    atomic.Value // string
	kick       chan struct{}

	mu    sync.Mutex
	acked []commandResult // carried out, to acknowledge with the next heartbeat
	etag  string

	// hallTakesResults: the hall's last heartbeat reply accepted
	// command_results.
	hallTakesResults atomic.Bool
}

// New makes a client.
func New(cfg Config) (*Client, error) {
	if cfg.Credentials == nil {
		return nil, ErrNotEnrolled
	}
	key, err := cfg.Credentials.catalogKey()
	if err != nil {
		return nil, err
	}
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 15 * time.Second}
	}
	if cfg.Clock == nil {
		cfg.Clock = kiosk.SystemClock{}
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&cfg.HeartbeatEvery, 30*time.Second)
	def(&cfg.CatalogEvery, 5*time.Minute)
	def(&cfg.MinBackoff, time.Second)
	def(&cfg.MaxBackoff, 5*time.Minute)
	if cfg.BatchCases <= 0 {
		cfg.BatchCases = 100
	}
	if cfg.BatchBytes <= 0 {
		cfg.BatchBytes = 3 << 20
	}
	c := &Client{cfg: cfg, base: strings.TrimRight(cfg.Credentials.HallURL, "/"), catalogKey: key, kick: make(chan struct{}, 1)}
	c.lastErr.Store("")
	return c, nil
}

// Online reports whether the last call to the hall succeeded.
func (c *Client) Online() bool { return c.online.Load() }

// LastError is the last sync error, for the technician ("" if none).
func (c *Client) LastError() string { return c.lastErr.Load().(string) }

// Kick wakes the background loop: a case was just submitted.
func (c *Client) Kick() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// Transient is an error worth retrying: the network, a timeout or a 5xx.
type Transient struct{ Err error }

func (e *Transient) Error() string { return "transient: " + e.Err.Error() }
func (e *Transient) Unwrap() error { return e.Err }

// ErrUnauthorized: the hall does not accept this terminal's token.
var ErrUnauthorized = errors.New("hall rejected the terminal's credentials (401): enrol the terminal again")

// errTooLarge: the hall refused the body size (413).
var errTooLarge = errors.New("upload too large for the hall (413)")

// do sends one request and decodes a 2xx JSON answer into out.
func (c *Client) do(ctx context.Context, method, path string, in, out any, hdr http.Header) (*http.Response, error) {
	var body io.Reader
	if raw, ok := in.(json.RawMessage); ok {
		body = bytes.NewReader(raw) // encoded already (encodeBatch)
	} else if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return nil, err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.cfg.Credentials.Token)
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	resp, err := c.cfg.HTTP.Do(req)
	if err != nil {
		c.setOnline(false, err)
		return nil, &Transient{err}
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		c.setOnline(false, err)
		return nil, &Transient{err}
	}
	switch {
	case resp.StatusCode >= 500:
		err := fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
		c.setOnline(false, err)
		return resp, &Transient{err}
	case resp.StatusCode == http.StatusUnauthorized:
		c.setOnline(true, ErrUnauthorized)
		return resp, ErrUnauthorized
	case resp.StatusCode == http.StatusRequestEntityTooLarge:
		c.setOnline(true, nil)
		return resp, errTooLarge
	case resp.StatusCode == http.StatusNotModified, resp.StatusCode == http.StatusNotFound:
		c.setOnline(true, nil)
		return resp, nil
	case resp.StatusCode >= 300:
		err := fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(data)))
		c.setOnline(true, err)
		return resp, err
	}
	c.setOnline(true, nil)
	if out != nil {
		if raw, ok := out.(*[]byte); ok {
			*raw = data
		} else if err := json.Unmarshal(data, out); err != nil {
			return resp, fmt.Errorf("%s %s: bad answer: %w", method, path, err)
		}
	}
	return resp, nil
}

func (c *Client) setOnline(on bool, err error) {
	c.online.Store(on)
	if err != nil {
		c.lastErr.Store(err.Error())
	} else {
		c.lastErr.Store("")
	}
}

// ErrCatalogSignature: a catalogue whose signature or digest does not verify
// against the key pinned at enrolment. Nothing is installed.
var ErrCatalogSignature = errors.New("catalogue signature does not verify with the hall's pinned key")

// CheckCatalog fetches the manifest and, when the hall has a newer
// version, downloads it, verifies its SHA-256 and ed25519 signature against
// the key pinned at enrolment, and installs it atomically (the store keeps
// the previous version). An older or equal version is refused by the store.
func (c *Client) CheckCatalog(ctx context.Context) (*kiosk.Catalog, error) {
	var m Manifest
	resp, err := c.do(ctx, http.MethodGet, "/v1/catalog/manifest", nil, &m, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	installed, err := c.cfg.Store.Catalogs(ctx)
	if err != nil {
		return nil, err
	}
	for _, ic := range installed {
		if ic.State == "active" && ic.Version >= m.Version {
			return nil, nil
		}
	}
	var doc []byte
	if _, err := c.do(ctx, http.MethodGet, "/v1/catalog/"+strconv.FormatInt(m.Version, 10), nil, &doc, nil); err != nil {
		return nil, err
	}
	if err := VerifyCatalog(c.catalogKey, m, doc); err != nil {
		return nil, err
	}
	cat, err := c.cfg.Store.InstallCatalog(ctx, doc)
	if err != nil {
		return nil, err
	}
	if cat.Version != m.Version {
		return nil, fmt.Errorf("catalogue document says version %d, manifest %d", cat.Version, m.Version)
	}
	c.cfg.Log.Info("catalogue installed", "version", cat.Version, "items", len(cat.Items))
	if c.cfg.OnCatalog != nil {
		c.cfg.OnCatalog(cat)
	}
	return cat, nil
}

// VerifyCatalog checks a downloaded catalogue against its manifest: the
// SHA-256 of the exact bytes, and the ed25519 signature over them.
func VerifyCatalog(key ed25519.PublicKey, m Manifest, doc []byte) error {
	sum := sha256.Sum256(doc)
	if want, err := hex.DecodeString(m.SHA256); err != nil || !bytes.Equal(want, sum[:]) {
		return fmt.Errorf("%w: sha256 mismatch", ErrCatalogSignature)
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize || !ed25519.Verify(key, doc, sig) {
		return ErrCatalogSignature
	}
	return nil
}

const cursorKey = "status_cursor"

// Heartbeat reports health, outbox and versions, applies the status updates
// the hall returns, and hands pending commands to OnCommand.
func (c *Client) Heartbeat(ctx context.Context) error {
	st, err := c.cfg.Store.OutboxStats(ctx)
	if err != nil {
		return err
	}
	var version int64
	if cats, err := c.cfg.Store.Catalogs(ctx); err == nil {
		for _, ic := range cats {
			if ic.State == "active" {
				version = ic.Version
			}
		}
	}
	cursorText, err := c.cfg.Store.Meta(ctx, cursorKey)
	if err != nil {
		return err
	}
	cursor, _ := strconv.ParseInt(cursorText, 10, 64)
	c.mu.Lock()
	acked := c.acked
	c.mu.Unlock()
	req := heartbeatRequest{AppVersion: c.cfg.AppVersion, CatalogVersion: version, OutboxPending: st.Pending,
		OutboxParked: st.Parked, Clock: c.cfg.Clock.Now().Format(time.RFC3339Nano), StatusCursor: cursor,
		AckedCommands: []string{}, Devices: []DeviceHealth{}}
	for _, a := range acked {
		req.AckedCommands = append(req.AckedCommands, a.ID)
	}
	if c.hallTakesResults.Load() {
		req.CommandResults = append([]commandResult{}, acked...)
	}
	if c.cfg.Devices != nil {
		req.Devices = c.cfg.Devices()
	}
	var resp heartbeatResponse
	if hr, err := c.do(ctx, http.MethodPost, "/v1/heartbeat", req, &resp, nil); err != nil {
		// A hall rolled back to a release before command_results refuses
		// them (400, unknown field) and would refuse every heartbeat after:
		// the next goes without them, and its reply says what the hall takes.
		if len(req.CommandResults) > 0 && hr != nil && hr.StatusCode == http.StatusBadRequest {
			c.hallTakesResults.Store(false)
		}
		return err
	}
	c.hallTakesResults.Store(resp.AcceptsCommandResults)
	c.mu.Lock()
	c.acked = c.acked[len(acked):]
	c.mu.Unlock()
	ups := make([]store.StatusUpdate, 0, len(resp.StatusUpdates))
	for _, u := range resp.StatusUpdates {
		at, err := time.Parse(time.RFC3339Nano, u.At)
		if err != nil {
			return fmt.Errorf("heartbeat: status update time %q: %w", u.At, err)
		}
		ups = append(ups, store.StatusUpdate{CaseID: u.CaseID, Status: u.Status, At: at, Note: u.Note})
	}
	if err := c.cfg.Store.ApplyStatusUpdates(ctx, ups); err != nil {
		return err
	}
	if resp.StatusCursor > cursor {
		if err := c.cfg.Store.SetMeta(ctx, cursorKey, strconv.FormatInt(resp.StatusCursor, 10)); err != nil {
			return err
		}
	}
	for _, cmd := range resp.Commands {
		c.cfg.Log.Info("remote command", "id", cmd.ID, "kind", cmd.Kind)
		var result string
		if c.cfg.OnCommand != nil {
			result = clipResult(c.cfg.OnCommand(cmd))
		}
		c.mu.Lock()
		c.acked = append(c.acked, commandResult{ID: cmd.ID, Result: result})
		c.mu.Unlock()
	}
	return nil
}

// maxResult is the hall's limit on a command result, in characters.
const maxResult = 500

// clipResult makes a result one the hall takes: a heartbeat it refuses
// would keep the result, and every heartbeat after it would be refused too.
func clipResult(s string) string {
	s = strings.ReplaceAll(s, "\x00", "") // JSON carries it, PostgreSQL text does not
	if utf8.RuneCountInString(s) <= maxResult {
		return s
	}
	return string([]rune(s)[:maxResult-1]) + "…"
}

// LookupCase asks the hall for a case's timeline; nil, nil if unknown.
func (c *Client) LookupCase(ctx context.Context, number string) (*CaseStatus, error) {
	var cs CaseStatus
	resp, err := c.do(ctx, http.MethodGet, "/v1/cases/"+url.PathEscape(number), nil, &cs, nil)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	return &cs, nil
}

// SyncNow runs one full round: drain, heartbeat, catalogue check.
func (c *Client) SyncNow(ctx context.Context) error {
	bo := &retry.Backoff{Min: c.cfg.MinBackoff, Max: c.cfg.MaxBackoff}
	_, err := c.Drain(ctx, bo)
	if err2 := c.Heartbeat(ctx); err == nil {
		err = err2
	}
	if _, err3 := c.CheckCatalog(ctx); err == nil {
		err = err3
	}
	return err
}

// Run syncs in the background until ctx ends: the outbox drains as soon as
// something is submitted (Kick) and retries with capped, jittered backoff;
// heartbeats and catalogue checks run on their intervals.
func (c *Client) Run(ctx context.Context) {
	bo := &retry.Backoff{Min: c.cfg.MinBackoff, Max: c.cfg.MaxBackoff}
	nextBeat, nextCat := time.Time{}, time.Time{}
	for ctx.Err() == nil {
		wait := c.cfg.HeartbeatEvery
		if _, err := c.Drain(ctx, bo); err != nil {
			c.cfg.Log.Warn("upload failed", "err", err)
			if errors.Is(err, ErrUnauthorized) {
				wait = c.cfg.MaxBackoff
			} else {
				wait = min(wait, bo.Next())
			}
		}
		now := time.Now()
		if !now.Before(nextBeat) {
			if err := c.Heartbeat(ctx); err != nil {
				c.cfg.Log.Warn("heartbeat failed", "err", err)
			}
			nextBeat = now.Add(c.cfg.HeartbeatEvery)
		}
		if !now.Before(nextCat) {
			if _, err := c.CheckCatalog(ctx); err != nil {
				c.cfg.Log.Warn("catalogue check failed", "err", err)
			}
			nextCat = now.Add(c.cfg.CatalogEvery)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-c.kick:
		case <-t.C:
		}
		t.Stop()
	}
}
