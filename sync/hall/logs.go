package hall

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"

	"github.com/google/uuid"
)

// Log bundles (POST /v1/logs): a terminal answers an upload_logs command,
// or uploads unasked, with its log files as one gzip'd tar. Terminals'
// logs never hold citizens' personal data (kiosk/logging), which is why
// they may leave the terminal unsealed.
const (
	// MaxLogBundleBytes caps a bundle as sent (compressed); larger ones get
	// 413. Terminals pack their newest files up to it.
	MaxLogBundleBytes = 8 << 20
	// maxLogUnpackedBytes caps what a bundle may unpack to: a terminal keeps
	// at most eleven 10 MB log files, and a small bundle that unpacks to
	// gigabytes is an attack on the hall, not logs.
	maxLogUnpackedBytes = 256 << 20
	// keepLogBundles is how many bundles the hall keeps per terminal, the
	// newest: 200 terminals × 10 × 8 MB is at most 16 GB.
	keepLogBundles = 10
)

type logsResponse struct {
	ID     string `json:"id"`
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

func (s *Server) handleLogs(w http.ResponseWriter, r *http.Request, t Terminal) {
	commandID := r.URL.Query().Get("command_id")
	if len(commandID) > maxShortString {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("command_id longer than %d bytes", maxShortString))
		return
	}
	body, ok := readLimited(w, r, MaxLogBundleBytes, "send only the newest log files")
	if !ok {
		return
	}
	files, err := s.checkLogBundle(r, body)
	if err != nil {
		writeRequestError(w, err)
		return
	}
	id, err := uuid.NewRandomFromReader(s.cfg.Rand)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "log bundle id: "+err.Error())
		return
	}
	sum := sha256.Sum256(body)
	b := LogBundle{ID: id.String(), TerminalID: t.ID, CommandID: commandID, ReceivedAt: s.cfg.Clock.Now(),
		Bytes: int64(len(body)), SHA256: hex.EncodeToString(sum[:]), Files: files, Data: body}
	stored, dup, err := s.store.PutLogBundle(r.Context(), b, keepLogBundles)
	if errors.Is(err, ErrUnknownCommand) {
		writeError(w, http.StatusUnprocessableEntity, fmt.Sprintf("command_id %q is not an upload_logs command for terminal %s; omit it for an unsolicited upload", clip(commandID), t.ID))
		return
	}
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	code := http.StatusCreated
	if dup {
		code = http.StatusOK
	}
	// The audit record of the upload at the hall; the terminal audits its
	// side of the command.
	s.log.Info("log bundle received", "terminal", t.ID, "command", commandID, "bundle", stored.ID,
		"bytes", stored.Bytes, "files", stored.Files, "sha256", stored.SHA256, "repeat", dup)
	writeJSON(w, code, logsResponse{ID: stored.ID, Bytes: stored.Bytes, SHA256: stored.SHA256})
}

// readLimited reads the whole body if it is at most limit bytes, answering
// 413 (with hint) or 400 itself when it cannot.
func readLimited(w http.ResponseWriter, r *http.Request, limit int64, hint string) ([]byte, bool) {
	if r.ContentLength > limit {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body of %d bytes is over %d; %s", r.ContentLength, limit, hint))
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body over %d bytes; %s", limit, hint))
		return nil, false
	case err != nil:
		writeError(w, http.StatusBadRequest, "read request body: "+err.Error())
		return nil, false
	}
	return body, true
}

// checkLogBundle unpacks the bundle without keeping anything, to refuse
// what is not a gzip'd tar of plain files before it is stored: the
// bundle's checksums, every file's name and the unpacked size. It returns
// the number of files. Unpacking takes a CPU slot, as decoding cases does
// (checkBatch).
func (s *Server) checkLogBundle(r *http.Request, body []byte) (int, error) {
	select {
	case s.cpu <- struct{}{}:
	case <-r.Context().Done():
		return 0, r.Context().Err()
	}
	defer func() { <-s.cpu }()
	return checkLogBundle(body)
}

func checkLogBundle(body []byte) (int, error) {
	zr, err := gzip.NewReader(bytes.NewReader(body))
	if err != nil {
		return 0, badRequest("log bundle is not gzip (%v); send a gzip'd tar of the log files", err)
	}
	unpacked := &io.LimitedReader{R: zr, N: maxLogUnpackedBytes + 1}
	tr := tar.NewReader(unpacked)
	files := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, badLogBundle(unpacked, "not a tar inside the gzip: %v", err)
		}
		if h.Typeflag != tar.TypeReg {
			return 0, badRequest("log bundle entry %q is not a plain file", clip(h.Name))
		}
		// Plain names only: an admin unpacking a bundle must not have
		// files written outside the folder they chose.
		if h.Name == "" || h.Name != path.Base(h.Name) || strings.HasPrefix(h.Name, ".") || strings.ContainsRune(h.Name, '\\') {
			return 0, badRequest("log bundle entry %q: want a plain file name without a directory", clip(h.Name))
		}
		if _, err := io.Copy(io.Discard, tr); err != nil {
			return 0, badLogBundle(unpacked, "file %q: %v", clip(h.Name), err)
		}
		files++
	}
	// The rest of the gzip stream after the tar's end: reading it to EOF
	// checks the CRC of the last member.
	if _, err := io.Copy(io.Discard, unpacked); err != nil {
		return 0, badLogBundle(unpacked, "gzip: %v", err)
	}
	if unpacked.N <= 0 {
		return 0, badLogBundle(unpacked, "")
	}
	if files == 0 {
		return 0, badRequest("log bundle holds no files")
	}
	return files, nil
}

// badLogBundle is a 400 for a damaged bundle, or for one that unpacks to
// more than maxLogUnpackedBytes (which also shows up as a damaged tar or
// gzip, being cut off).
func badLogBundle(unpacked *io.LimitedReader, format string, args ...any) error {
	if unpacked.N <= 0 {
		return badRequest("log bundle unpacks to more than %d MB; send only the newest log files", maxLogUnpackedBytes>>20)
	}
	return badRequest("log bundle is damaged: "+format, args...)
}
