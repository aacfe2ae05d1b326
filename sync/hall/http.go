package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// routesHandler registers every route. Each pattern must be described in
// sync/openapi.yaml (TestOpenAPIDescribesEveryRoute).
func (s *Server) routesHandler() http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h http.Handler) {
		s.routes = append(s.routes, pattern)
		mux.Handle(pattern, h)
	}
	handle("POST /v1/enroll", http.HandlerFunc(s.handleEnroll))
	handle("POST /v1/cases", s.authed(s.handleCases))
	handle("GET /v1/cases/{number}", s.authed(s.handleGetCase))
	handle("POST /v1/evaluations", s.authed(s.handleEvaluations))
	handle("GET /v1/catalog/manifest", s.authed(s.handleManifest))
	handle("GET /v1/catalog/{version}", s.authed(s.handleCatalog))
	handle("POST /v1/heartbeat", s.authed(s.handleHeartbeat))
	handle("POST /v1/logs", s.authed(s.handleLogs))
	handle("GET /metrics", s.metrics.handler())
	handle("GET /healthz", http.HandlerFunc(s.handleHealth))
	return s.instrument(mux)
}

// statusRecorder keeps the status code a handler wrote.
type statusRecorder struct {
	http.ResponseWriter
	code int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.code == 0 {
		r.code = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.code == 0 {
		r.code = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// instrument counts requests by the route pattern the mux matched (so
// /v1/cases/{number} is one series, not one per case) and status code.
func (s *Server) instrument(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		mux.ServeHTTP(rec, r)
		route := r.Pattern // set by the mux on r
		if route == "" {
			route = "unmatched"
		}
		if rec.code == 0 {
			rec.code = http.StatusOK
		}
		s.metrics.requests.WithLabelValues(route, strconv.Itoa(rec.code)).Inc()
		s.metrics.duration.WithLabelValues(route).Observe(time.Since(start).Seconds())
	})
}

type terminalKey struct{}

// authed requires a valid bearer token and passes the terminal on.
func (s *Server) authed(h func(http.ResponseWriter, *http.Request, Terminal)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearer(r.Header.Get("Authorization"))
		if !ok {
			unauthorized(w, "missing bearer token: send Authorization: Bearer <token from enrolment>")
			return
		}
		t, err := s.tokens.terminal(r.Context(), s.store, hashOf(token))
		if errors.Is(err, ErrNotFound) {
			unauthorized(w, "unknown token: the terminal is not enrolled with this hall (enrol again)")
			return
		}
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		h(w, r.WithContext(context.WithValue(r.Context(), terminalKey{}, t.ID)), t)
	})
}

func bearer(h string) (string, bool) {
	scheme, token, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != "" && len(token) <= 200
}

func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="govkiosk-hall"`)
	writeError(w, http.StatusUnauthorized, msg)
}

// readBody reads the whole body within the size limit, answering 413
// itself when it is over. The body is read before any decoding so that a
// slow client holds no CPU slot (see handleCases).
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	if r.ContentLength > s.cfg.MaxBodyBytes {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body of %d bytes is over %d; send smaller batches", r.ContentLength, s.cfg.MaxBodyBytes))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes; send smaller batches", tooBig.Limit))
		} else {
			writeError(w, http.StatusBadRequest, "read request body: "+err.Error())
		}
		return nil, false
	}
	return body, true
}

// readJSON reads the body and decodes it with decode, answering 400 or 413
// itself when it cannot.
func (s *Server) readJSON(w http.ResponseWriter, r *http.Request, decode func(io.Reader) error) bool {
	body, ok := s.readBody(w, r)
	if !ok {
		return false
	}
	if err := decode(bytes.NewReader(body)); err != nil {
		writeRequestError(w, err)
		return false
	}
	return true
}

func writeRequestError(w http.ResponseWriter, err error) {
	var re *requestError
	if errors.As(err, &re) {
		writeError(w, re.status, re.msg)
	} else {
		writeError(w, http.StatusBadRequest, err.Error())
	}
}

// storeError answers a store failure: 503 (retry later) for a closed or
// unavailable store, 500 otherwise. Terminals retry both.
func (s *Server) storeError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, context.Canceled):
		// The client went away; there is no one to answer or to alarm.
		writeError(w, http.StatusServiceUnavailable, "request cancelled")
		return
	case errors.Is(err, ErrClosed), errors.Is(err, ErrUnavailable), s.closing.Load():
		w.Header().Set("Retry-After", "5")
		writeError(w, http.StatusServiceUnavailable, "hall storage unavailable; nothing from this request was stored; retry later")
	default:
		writeError(w, http.StatusInternalServerError, "hall internal error; retry later")
	}
	s.log.Error("store", "route", r.Pattern, "terminal", r.Context().Value(terminalKey{}), "err", err)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

func writeError(w http.ResponseWriter, code int, msg string) {
	b, _ := json.Marshal(errorResponse{Error: msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(code)
	w.Write(append(b, '\n'))
}

// etagMatches reports whether an If-None-Match header names etag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
