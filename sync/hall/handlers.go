package hall

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"govkiosk/kiosk"
)

func (s *Server) handleEnroll(w http.ResponseWriter, r *http.Request) {
	var req enrollRequest
	if !s.readJSON(w, r, func(b io.Reader) (err error) { req, err = decodeEnroll(b); return err }) {
		return
	}
	code, ok := NormalizeCode(req.Code)
	if !ok {
		writeError(w, http.StatusForbidden, "enrolment code unknown, already used or expired; ask the hall admin for a new one")
		return
	}
	token, err := newToken(s.cfg.Rand)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	t, err := s.store.Enroll(r.Context(), hashOf(code), req.Name, hashOf(token), s.cfg.Clock.Now())
	if errors.Is(err, ErrCodeInvalid) {
		writeError(w, http.StatusForbidden, "enrolment code unknown, already used or expired; ask the hall admin for a new one")
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.log.Info("terminal enrolled", "terminal", t.ID, "name", t.Name)
	id := s.keys.Identity()
	writeJSON(w, http.StatusCreated, enrollResponse{
		TerminalID: t.ID,
		Token:      token,
		CatalogKey: base64.StdEncoding.EncodeToString(id.CatalogKey),
		SealKey:    base64.StdEncoding.EncodeToString(id.SealKey),
	})
}

func (s *Server) handleCases(w http.ResponseWriter, r *http.Request, t Terminal) {
	start := time.Now()
	body, ok := s.readBody(w, r)
	if !ok {
		return
	}
	results, valid, index, err := s.checkBatch(r.Context(), body)
	if err != nil {
		var re *requestError
		if errors.As(err, &re) {
			writeRequestError(w, err)
		} else {
			s.storeError(w, r, err)
		}
		return
	}
	if len(valid) > 0 {
		outs, err := s.store.ApplyCases(r.Context(), t.ID, valid, s.cfg.Clock.Now())
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		for j, o := range outs {
			results[index[j]].Result, results[index[j]].Reason = o.Result, o.Reason
		}
	}
	for _, res := range results {
		s.metrics.cases.WithLabelValues(res.Result).Inc()
		if res.Result == ResultRejected {
			s.log.Warn("case rejected", "terminal", t.ID, "case", clip(res.ID), "reason", res.Reason)
		}
	}
	writeJSON(w, http.StatusOK, resultsResponse{Results: results})
	s.metrics.batch.Observe(time.Since(start).Seconds())
}

// checkBatch decodes a batch and validates each case, returning the results
// so far (rejections filled in) and the valid cases with their positions.
//
// Decoding and opening sealed boxes are the CPU-heavy part of ingest; each
// runs holding one of GOMAXPROCS slots (withCPU). Without the limit,
// hundreds of request goroutines compete for the cores with the one
// goroutine that commits (SQLiteStore.commitLoop), which then waits in the
// run queue while every request waits for it: BenchmarkIngest took about a
// quarter fewer cases per second without it. The cases of a batch are
// opened in up to GOMAXPROCS chunks at once, so one large batch (a
// terminal draining its backlog to an idle hall) uses every core rather
// than one; under load the chunks of many batches share the same slots.
func (s *Server) checkBatch(ctx context.Context, body []byte) (results []wireResult, valid []NewCase, index []int, err error) {
	var req casesRequest
	if err := s.withCPU(ctx, func() (err error) { req, err = decodeCases(body, s.cfg.MaxBatch); return err }); err != nil {
		return nil, nil, nil, err
	}
	type checked struct {
		c      NewCase
		reason string
	}
	all := make([]checked, len(req.Cases))
	chunks := min(cap(s.cpu), (len(req.Cases)+minChunk-1)/minChunk)
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for k := range chunks {
		lo, hi := k*len(all)/chunks, (k+1)*len(all)/chunks
		wg.Go(func() {
			errs[k] = s.withCPU(ctx, func() error {
				for i := lo; i < hi; i++ {
					var err error
					if all[i].c, all[i].reason, err = s.validateCase(ctx, req.Cases[i]); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, nil, err
	}
	results = make([]wireResult, len(req.Cases))
	valid = make([]NewCase, 0, len(req.Cases))
	index = make([]int, 0, len(req.Cases))
	for i, ch := range all {
		results[i].ID = req.Cases[i].ID
		if ch.reason != "" {
			results[i].Result, results[i].Reason = ResultRejected, ch.reason
			continue
		}
		valid = append(valid, ch.c)
		index = append(index, i)
	}
	return results, valid, index, nil
}

// minChunk is the fewest cases worth a goroutine of their own in
// checkBatch: opening one costs about a tenth of a millisecond.
const minChunk = 10

// withCPU runs fn holding one of the CPU slots (see checkBatch).
func (s *Server) withCPU(ctx context.Context, fn func() error) error {
	select {
	case s.cpu <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-s.cpu }()
	return fn()
}

// validateCase checks one case: its fields, that its item and catalogue
// version were published, and that its sealed part opens to a JSON object.
// A non-empty reason rejects the case; an error is the store failing, and
// fails the request (the terminal retries) instead of rejecting a case that
// may be good.
func (s *Server) validateCase(ctx context.Context, wc wireCase) (NewCase, string, error) {
	c, reason := checkCase(wc)
	if reason != "" {
		return c, reason, nil
	}
	if ok, err := s.itemKnown(ctx, c.ItemCode); err != nil {
		return c, "", err
	} else if !ok {
		return c, "item_code " + strconv.Quote(clip(c.ItemCode)) + " is in no published catalogue version", nil
	}
	if ok, err := s.versionKnown(ctx, c.CatalogVersion); err != nil {
		return c, "", err
	} else if !ok {
		return c, "catalog_version " + strconv.FormatInt(c.CatalogVersion, 10) + " was never published", nil
	}
	sealed, err := base64.StdEncoding.DecodeString(wc.Sealed)
	if err != nil {
		return c, "sealed is not standard base64", nil
	}
	plain, ok := s.opener.open(sealed)
	if !ok {
		return c, "sealed does not open with this hall's seal key (sealed to another hall, or damaged)", nil
	}
	isObject := jsonObject(plain)
	clear(plain) // the hall keeps citizen data sealed; drop the opened copy now
	if !isObject {
		return c, "sealed opens, but not to a JSON object", nil
	}
	c.Sealed = sealed
	return c, "", nil
}

func (s *Server) handleGetCase(w http.ResponseWriter, r *http.Request, _ Terminal) {
	number := r.PathValue("number")
	if !caseNumberRE.MatchString(number) {
		writeError(w, http.StatusNotFound, "no case with that number")
		return
	}
	c, err := s.store.Case(r.Context(), number)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, "no case with that number")
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, caseView(c))
}

// caseView is a case as terminals see it: the terminal's submission (at the
// terminal's clock) and then the hall's events, in the order they happened
// at the hall.
func caseView(c Case) caseResponse {
	resp := caseResponse{Number: c.Number, ItemCode: c.ItemCode, Status: c.Status,
		Timeline: []wireEvent{{Status: kiosk.StatusSubmitted, At: timeText(c.SubmittedAt), Note: ""}}}
	for _, e := range c.Timeline {
		resp.Timeline = append(resp.Timeline, wireEvent{Status: e.Status, At: timeText(e.At), Note: e.Note})
	}
	return resp
}

func (s *Server) handleEvaluations(w http.ResponseWriter, r *http.Request, t Terminal) {
	var req evaluationsRequest
	if !s.readJSON(w, r, func(b io.Reader) (err error) { req, err = decodeEvaluations(b, s.cfg.MaxBatch); return err }) {
		return
	}
	results := make([]wireResult, len(req.Evaluations))
	var valid []NewEvaluation
	var index []int
	for i, we := range req.Evaluations {
		results[i].ID = we.CaseID
		ev, reason := checkEvaluation(we)
		if reason != "" {
			results[i].Result, results[i].Reason = ResultRejected, reason
			continue
		}
		valid = append(valid, ev)
		index = append(index, i)
	}
	if len(valid) > 0 {
		outs, err := s.store.ApplyEvaluations(r.Context(), t.ID, valid, s.cfg.Clock.Now())
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		for j, o := range outs {
			results[index[j]].Result, results[index[j]].Reason = o.Result, o.Reason
		}
	}
	for _, res := range results {
		s.metrics.evaluations.WithLabelValues(res.Result).Inc()
	}
	writeJSON(w, http.StatusOK, resultsResponse{Results: results})
}

func (s *Server) handleManifest(w http.ResponseWriter, r *http.Request, _ Terminal) {
	v, err := s.store.LatestCatalog(r.Context())
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	s.noteVersion(v.Version)
	etag := strconv.Quote(v.SHA256)
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", "no-cache")
	if etagMatches(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, manifestResponse{
		Version:   v.Version,
		SHA256:    v.SHA256,
		Signature: base64.StdEncoding.EncodeToString(v.Signature),
	})
}

func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request, _ Terminal) {
	version, err := strconv.ParseInt(r.PathValue("version"), 10, 64)
	if err != nil || version < 1 {
		writeError(w, http.StatusNotFound, "no such catalogue version")
		return
	}
	v, err := s.store.Catalog(r.Context(), version)
	if errors.Is(err, ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such catalogue version")
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	// Versions never change, so a cache may keep them for good.
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Vary", "Accept-Encoding")
	body := v.Doc
	etag := strconv.Quote(v.SHA256)
	// The ETag stays the quoted sha256 (the API's contract) for the
	// gzipped representation too: it names the signed document, the
	// representations never differ in content, gzip is never served for a
	// range, and Vary keeps shared caches apart.
	if acceptsGzip(r) && r.Header.Get("Range") == "" {
		// A catalogue is JSON and compresses several times over; two
		// hundred terminals fetching a new version is most of the hall's
		// traffic. The signature stays over the uncompressed bytes, which
		// Go's transport restores transparently.
		gz, err := s.gzipped.get(v)
		if err != nil {
			s.storeError(w, r, err)
			return
		}
		body = gz
		w.Header().Set("Content-Encoding", "gzip")
	}
	w.Header().Set("ETag", etag)
	// ServeContent answers If-None-Match with 304 and serves ranges, so a
	// terminal on a poor line can resume a large catalogue.
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func (s *Server) handleHeartbeat(w http.ResponseWriter, r *http.Request, t Terminal) {
	var req heartbeatRequest
	if !s.readJSON(w, r, func(b io.Reader) (err error) { req, err = decodeHeartbeat(b); return err }) {
		return
	}
	now := s.cfg.Clock.Now()
	rec := HeartbeatRecord{
		At:             now,
		AppVersion:     req.AppVersion,
		CatalogVersion: req.CatalogVersion,
		OutboxPending:  req.OutboxPending,
		OutboxParked:   req.OutboxParked,
		Devices:        req.Devices,
		Clock:          req.Clock,
	}
	// The terminal's clock is recorded to show technicians a drifting
	// clock; it orders nothing.
	if tc, ok := parseTime(req.Clock); ok {
		rec.ClockOffset = tc.Sub(now)
	}
	acked, err := s.store.RecordHeartbeat(r.Context(), t.ID, rec, commandAcks(req))
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	// The hall's half of the audit of remote commands (the terminal keeps
	// the other in its audit.log): once per command, when first acknowledged.
	for _, c := range acked {
		s.log.Info("remote command acknowledged", "terminal", t.ID, "id", c.ID, "kind", c.Kind, "result", c.Result)
	}
	updates, err := s.store.StatusUpdates(r.Context(), t.ID, req.StatusCursor, s.cfg.MaxStatusUpdates)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	cmds, err := s.store.PendingCommands(r.Context(), t.ID)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	resp := heartbeatResponse{
		ServerTime:            timeText(now),
		StatusCursor:          req.StatusCursor,
		StatusUpdates:         []wireStatusUpdate{},
		Commands:              []wireCommand{},
		AcceptsCommandResults: true,
	}
	for _, u := range updates {
		resp.StatusUpdates = append(resp.StatusUpdates, wireStatusUpdate{
			CaseID: u.CaseID, Number: u.Number, Status: u.Status, At: timeText(u.At), Note: u.Note})
		resp.StatusCursor = u.Cursor
	}
	for _, c := range cmds {
		args := c.Args
		if len(args) == 0 {
			args = json.RawMessage("{}")
		}
		resp.Commands = append(resp.Commands, wireCommand{ID: c.ID, Kind: c.Kind, Args: args})
	}
	writeJSON(w, http.StatusOK, resp)
}

// commandAcks merges a heartbeat's acked_commands and command_results, each
// id once, its result the first reported ("" if none).
func commandAcks(req heartbeatRequest) []CommandAck {
	results := make(map[commandID]string, len(req.CommandResults))
	for _, r := range req.CommandResults {
		if _, ok := results[r.ID]; !ok {
			results[r.ID] = r.Result
		}
	}
	seen := make(map[commandID]bool, len(req.AckedCommands)+len(req.CommandResults))
	var acks []CommandAck
	add := func(id commandID) {
		if !seen[id] {
			seen[id] = true
			acks = append(acks, CommandAck{ID: string(id), Result: results[id]})
		}
	}
	for _, id := range req.AckedCommands {
		add(id)
	}
	for _, r := range req.CommandResults {
		add(r.ID)
	}
	return acks
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.store.Ping(ctx); err != nil {
		writeError(w, http.StatusServiceUnavailable, "store: "+err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}
