package hall

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/google/uuid"

	"govkiosk/kiosk"
)

// The admin side of the hall, for "hall admin", the web console and the
// kiosk's demo mode. Enrolment codes and publishing are in codes.go and
// catalog.go.

// Online reports whether the terminal's last heartbeat is within the
// online window.
func (s *Server) Online(t Terminal) bool {
	return !t.LastSeen.IsZero() && s.cfg.Clock.Now().Sub(t.LastSeen) <= s.cfg.OnlineWindow
}

// Terminals lists the enrolled terminals.
func (s *Server) Terminals(ctx context.Context) ([]Terminal, error) { return s.store.Terminals(ctx) }

// Cases lists cases for the inbox, newest first.
func (s *Server) Cases(ctx context.Context, q CaseQuery) ([]Case, error) {
	return s.store.Cases(ctx, q)
}

// Case returns a case with its timeline; its Sealed part stays sealed
// (see OpenCase).
func (s *Server) Case(ctx context.Context, number string) (Case, error) {
	return s.store.Case(ctx, number)
}

// OpenCase returns the case's personal part (identity, form, materials) as
// the terminal sealed it. Only an admin looking at one case needs it; the
// caller must not log or keep it.
func (s *Server) OpenCase(c Case) (json.RawMessage, error) {
	plain, ok := s.opener.open(c.Sealed)
	if !ok {
		return nil, fmt.Errorf("case %s: sealed part does not open with this hall's key", c.Number)
	}
	return plain, nil
}

// AdminStatuses are the statuses an admin may set; submitted and received
// are set by the terminal and by ingest.
var AdminStatuses = []string{kiosk.StatusInProcess, kiosk.StatusNeedMore, kiosk.StatusApproved, kiosk.StatusRejected, kiosk.StatusCollected}

// SetStatus records a status change of a case; the terminal that made the
// case receives it with its next heartbeat.
func (s *Server) SetStatus(ctx context.Context, number, status, note string) error {
	ok := false
	for _, st := range AdminStatuses {
		ok = ok || st == status
	}
	if !ok {
		return fmt.Errorf("status %q: want one of %s", status, strings.Join(AdminStatuses, ", "))
	}
	if len(note) > 500 {
		return fmt.Errorf("note longer than 500 bytes")
	}
	return s.store.SetStatus(ctx, number, status, note, s.cfg.Clock.Now())
}

// Command kinds a terminal carries out.
const (
	CommandRestartApp            = "restart_app"
	CommandReloadCatalog         = "reload_catalog"
	CommandUploadLogs            = "upload_logs"
	CommandSetMaintenanceMessage = "set_maintenance_message"
)

var commandKinds = []string{CommandRestartApp, CommandReloadCatalog, CommandUploadLogs, CommandSetMaintenanceMessage}

// QueueCommand queues a remote command; the terminal receives it with each
// heartbeat until it acknowledges it. args is a JSON object whose values are
// strings, or empty.
func (s *Server) QueueCommand(ctx context.Context, terminalID, kind string, args json.RawMessage) (Command, error) {
	ok := false
	for _, k := range commandKinds {
		ok = ok || k == kind
	}
	if !ok {
		return Command{}, fmt.Errorf("command %q: want one of %s", kind, strings.Join(commandKinds, ", "))
	}
	if len(bytes.TrimSpace(args)) == 0 {
		args = json.RawMessage("{}")
	}
	// Terminals decode args as an object of strings; anything else would
	// make every heartbeat reply to the terminal undecodable.
	var strs map[string]string
	if err := json.Unmarshal(args, &strs); err != nil || strs == nil {
		return Command{}, fmt.Errorf("command args must be a JSON object of strings, e.g. {\"message\":\"系统维护中\"}")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, args); err != nil {
		return Command{}, err
	}
	id, err := uuid.NewRandomFromReader(s.cfg.Rand)
	if err != nil {
		return Command{}, fmt.Errorf("command id: %w", err)
	}
	c := Command{ID: id.String(), TerminalID: terminalID, Kind: kind, Args: compact.Bytes(), CreatedAt: s.cfg.Clock.Now()}
	if err := s.store.QueueCommand(ctx, c); err != nil {
		return Command{}, err
	}
	return c, nil
}

// Commands lists the terminal's newest remote commands, newest first, with
// when each was acknowledged and what the terminal reported of it.
func (s *Server) Commands(ctx context.Context, terminalID string, limit int) ([]Command, error) {
	return s.store.RecentCommands(ctx, terminalID, limit)
}
