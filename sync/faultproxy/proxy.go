// Package faultproxy is an HTTP proxy on loopback that sits between
// terminals and the hall and breaks the network on purpose: it drops
// requests, delays them, resets connections in the middle of a request or
// an answer body, answers 502 after the hall committed or 503 before it saw
// anything, and cuts the hall off for a while. The soak (cmd/soak) arms one
// fault at a time; each armed fault is applied to the next request it fits
// and counted, so a report says how many faults really happened, not how
// many were planned.
package faultproxy

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"
)

// Kind is a network fault.
type Kind string

// The faults. The names are the report's keys.
const (
	// Drop closes the client's connection (RST) before the hall sees the request.
	Drop Kind = "net_drop"
	// Delay holds the request for MaxDelay×[0.1, 1) before forwarding it.
	Delay Kind = "net_delay"
	// ResetRequest sends the hall half the request body, then resets both
	// connections: the hall sees a torn upload.
	ResetRequest Kind = "net_reset_request"
	// ResetResponse forwards the request, lets the hall answer, sends the
	// client half the answer body and resets: the hall has committed but the
	// terminal does not know.
	ResetResponse Kind = "net_reset_response"
	// Status502 forwards the request and answers 502 instead of the hall's
	// answer, as a gateway that timed out after the backend committed.
	Status502 Kind = "net_502"
	// Status503 answers 503 without forwarding.
	Status503 Kind = "net_503"
	// Cut refuses every request for a while (counted once per cut).
	Cut Kind = "net_cut"
)

// RequestKinds are the faults that Arm applies to single requests.
var RequestKinds = []Kind{Drop, Delay, ResetRequest, ResetResponse, Status502, Status503}

// afterCommit are the faults worth spending on uploads: the hall commits
// and the terminal does not learn it, so only idempotent ingest saves it.
func afterCommit(k Kind) bool { return k == ResetResponse || k == Status502 || k == ResetRequest }

// Proxy forwards HTTP/1.1 requests to Target and injects armed faults. It
// is safe for concurrent use.
type Proxy struct {
	// Target is the hall's host:port.
	Target string
	// MaxDelay bounds Delay; default 2 s.
	MaxDelay time.Duration

	mu       sync.Mutex
	armed    []Kind
	cutUntil time.Time
	onFlight []func() // run once each when an upload is in flight at the hall
	counts   map[Kind]int
	last     time.Time // when the last fault was applied
	tr       *http.Transport
}

// New returns a proxy to target (host:port).
func New(target string) *Proxy {
	return &Proxy{Target: target, MaxDelay: 2 * time.Second, counts: map[Kind]int{},
		tr: &http.Transport{MaxIdleConnsPerHost: 64, IdleConnTimeout: 30 * time.Second,
			ResponseHeaderTimeout: 30 * time.Second}}
}

// Arm queues a fault for the next request it fits: upload faults wait for
// an upload (POST /v1/cases), the others take any request.
func (p *Proxy) Arm(k Kind) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = append(p.armed, k)
}

// Armed is how many armed faults have not been applied yet.
func (p *Proxy) Armed() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.armed)
}

// Disarm drops the faults not applied yet.
func (p *Proxy) Disarm() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.armed = nil
	p.onFlight = nil
	p.cutUntil = time.Time{}
}

// CutFor refuses every request for d: the hall is unreachable.
func (p *Proxy) CutFor(d time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.cutUntil = time.Now().Add(d)
	p.counts[Cut]++
	p.last = time.Now()
}

// OnUploadInFlight runs f once, in its own goroutine, as soon as an upload
// has been handed to the hall and before the hall answered: the soak kills
// the hall there, mid-batch.
func (p *Proxy) OnUploadInFlight(f func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.onFlight = append(p.onFlight, f)
}

// Counts returns the faults applied so far, by kind.
func (p *Proxy) Counts() map[Kind]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Kind]int, len(p.counts))
	for k, v := range p.counts {
		out[k] = v
	}
	return out
}

// LastFault is when the last fault was applied (zero if none).
func (p *Proxy) LastFault() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.last
}

func (p *Proxy) String() string {
	c := p.Counts()
	keys := make([]string, 0, len(c))
	for k, v := range c {
		keys = append(keys, fmt.Sprintf("%s=%d", k, v))
	}
	sort.Strings(keys)
	return "faultproxy{" + p.Target + " " + strings.Join(keys, " ") + "}"
}

// take pops the first armed fault that fits the request.
func (p *Proxy) take(r *http.Request) (k Kind, cut bool, flight func()) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if time.Now().Before(p.cutUntil) {
		return "", true, nil
	}
	upload := r.Method == http.MethodPost && r.URL.Path == "/v1/cases"
	if upload && len(p.onFlight) > 0 {
		flight, p.onFlight = p.onFlight[0], p.onFlight[1:]
	}
	for i, a := range p.armed {
		if afterCommit(a) && !upload {
			continue
		}
		p.armed = append(p.armed[:i], p.armed[i+1:]...)
		p.counts[a]++
		p.last = time.Now()
		return a, false, flight
	}
	return "", false, flight
}

// Serve serves the proxy on ln until ln is closed.
func (p *Proxy) Serve(ln net.Listener) error {
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	err := srv.Serve(ln)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k, cut, flight := p.take(r)
	if cut {
		reset(w)
		return
	}
	switch k {
	case Drop:
		reset(w)
		return
	case Status503:
		http.Error(w, "faultproxy: service unavailable", http.StatusServiceUnavailable)
		return
	case Delay:
		time.Sleep(time.Duration(float64(p.MaxDelay) * (0.1 + 0.9*rand.Float64())))
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		reset(w)
		return
	}
	var upBody io.Reader = bytes.NewReader(body)
	if k == ResetRequest {
		upBody = io.MultiReader(bytes.NewReader(body[:len(body)/2]), errReader{})
	}
	out, err := http.NewRequestWithContext(r.Context(), r.Method, "http://"+p.Target+r.URL.RequestURI(), upBody)
	if err != nil {
		reset(w)
		return
	}
	out.ContentLength = int64(len(body))
	for name, v := range r.Header {
		if name != "Connection" {
			out.Header[name] = v
		}
	}
	if flight != nil {
		go func() {
			time.Sleep(time.Duration(rand.IntN(5)) * time.Millisecond)
			flight()
		}()
	}
	resp, err := p.tr.RoundTrip(out)
	if k == ResetRequest {
		if resp != nil {
			resp.Body.Close()
		}
		reset(w)
		return
	}
	if err != nil {
		http.Error(w, "faultproxy: hall unreachable: "+err.Error(), http.StatusBadGateway)
		return
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		reset(w)
		return
	}
	switch k {
	case Status502:
		http.Error(w, "faultproxy: bad gateway", http.StatusBadGateway)
		return
	case ResetResponse:
		halfAnswer(w, resp, data)
		return
	}
	for name, v := range resp.Header {
		w.Header()[name] = v
	}
	w.WriteHeader(resp.StatusCode)
	w.Write(data)
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("faultproxy: request torn") }

// reset closes the client's connection with a TCP RST and no answer.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// halfAnswer writes the status line and headers that promise the whole
// body, half of the body, and resets.
func halfAnswer(w http.ResponseWriter, resp *http.Response, data []byte) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	bw := bufio.NewWriter(conn)
	fmt.Fprintf(bw, "HTTP/1.1 %s\r\n", resp.Status)
	resp.Header.Set("Content-Length", fmt.Sprint(len(data)))
	resp.Header.Write(bw)
	bw.WriteString("\r\n")
	bw.Write(data[:len(data)/2])
	bw.Flush()
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}
