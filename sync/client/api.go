// Package client is the terminal's side of the sync contract with the hall
// (sync/openapi.yaml): enrolment, durable upload of the outbox, signed
// catalogue updates, heartbeats and status updates.
package client

import "time"

// Wire types of the hall API. Field names are the contract; add, never rename.

type enrollRequest struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

type enrollResponse struct {
	TerminalID string `json:"terminal_id"`
	Token      string `json:"token"`
	CatalogKey string `json:"catalog_key"`
	SealKey    string `json:"seal_key"`
}

type caseUpload struct {
	ID             string `json:"id"`
	TerminalSeq    int64  `json:"terminal_seq"`
	Number         string `json:"number"`
	ItemCode       string `json:"item_code"`
	CatalogVersion int64  `json:"catalog_version"`
	SubmittedAt    string `json:"submitted_at"`
	Sealed         string `json:"sealed"`
}

type evaluationUpload struct {
	CaseID  string   `json:"case_id"`
	Level   int      `json:"level"`
	Reasons []string `json:"reasons"`
	Comment string   `json:"comment"`
	At      string   `json:"at"`
}

type itemResult struct {
	ID     string `json:"id"`
	Result string `json:"result"` // applied, duplicate, rejected
	Reason string `json:"reason"`
}

type resultsResponse struct {
	Results []itemResult `json:"results"`
}

// Manifest is the hall's announcement of its newest catalogue.
type Manifest struct {
	Version   int64  `json:"version"`
	SHA256    string `json:"sha256"`
	Signature string `json:"signature"`
}

// DeviceHealth is one device's state as the heartbeat reports it.
type DeviceHealth struct {
	Name   string `json:"name"`
	Kind   string `json:"kind"`
	State  string `json:"state"`
	Detail string `json:"detail,omitempty"`
}

type heartbeatRequest struct {
	AppVersion     string         `json:"app_version"`
	CatalogVersion int64          `json:"catalog_version"`
	OutboxPending  int            `json:"outbox_pending"`
	OutboxParked   int            `json:"outbox_parked"`
	Devices        []DeviceHealth `json:"devices"`
	Clock          string         `json:"clock"`
	StatusCursor   int64          `json:"status_cursor"`
	AckedCommands  []string       `json:"acked_commands"`
	// CommandResults goes only to a hall that said it accepts them: one
	// from before refuses a heartbeat with a field it does not know.
	CommandResults []commandResult `json:"command_results,omitempty"`
}

// commandResult is what came of a command the terminal carried out.
type commandResult struct {
	ID     string `json:"id"`
	Result string `json:"result"`
}

type statusUpdate struct {
	CaseID string `json:"case_id"`
	Number string `json:"number"`
	Status string `json:"status"`
	At     string `json:"at"`
	Note   string `json:"note"`
}

// Command is a remote command from the hall.
type Command struct {
	ID   string            `json:"id"`
	Kind string            `json:"kind"` // restart_app, reload_catalog, upload_logs, set_maintenance_message
	Args map[string]string `json:"args"`
}

type heartbeatResponse struct {
	ServerTime    string         `json:"server_time"`
	StatusCursor  int64          `json:"status_cursor"`
	StatusUpdates []statusUpdate `json:"status_updates"`
	Commands      []Command      `json:"commands"`
	// AcceptsCommandResults: the hall takes command_results.
	AcceptsCommandResults bool `json:"accepts_command_results"`
}

// CaseStatus is the hall's view of a case (GET /v1/cases/{number}).
type CaseStatus struct {
	Number   string `json:"number"`
	ItemCode string `json:"item_code"`
	Status   string `json:"status"`
	Timeline []struct {
		Status string    `json:"status"`
		At     time.Time `json:"at"`
		Note   string    `json:"note"`
	} `json:"timeline"`
}
