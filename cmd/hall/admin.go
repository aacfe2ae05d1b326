package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"govkiosk/kiosk"
	"govkiosk/sync/hall"
)

var adminCommand = &command{
	summary: "enrolment codes, catalogue publishing, terminals, cases and console logins",
	sub: map[string]*command{
		"code": {
			summary: "make a one-time enrolment code for one terminal (printed as the last line)",
			usage:   "--db FILE",
			example: "hall admin code --db /var/lib/govkiosk/hall.db",
			flags:   storeFlags,
			run:     adminCode,
		},
		"publish": {
			summary: "validate a catalogue file, give it the next version number, sign and publish it",
			usage:   "FILE --db FILE",
			example: "hall admin publish /media/usb/catalog.json --db /var/lib/govkiosk/hall.db",
			flags:   storeFlags,
			run:     adminPublish,
		},
		"terminals": {
			summary: "list terminals: online, last heartbeat, devices, outbox, versions",
			usage:   "--db FILE [--json]",
			example: "hall admin terminals --db /var/lib/govkiosk/hall.db",
			flags:   withJSON(storeFlags),
			run:     adminTerminals,
		},
		"cases": {
			summary: "list received cases, newest first",
			usage:   "--db FILE [--status STATUS] [--terminal ID] [--limit N] [--json]",
			example: "hall admin cases --status received --db /var/lib/govkiosk/hall.db",
			flags: withJSON(func(fs *flag.FlagSet) {
				storeFlags(fs)
				fs.String("status", "", "only cases with this status")
				fs.String("terminal", "", "only cases from this terminal (e.g. K0001)")
				fs.Int("limit", 50, "most cases to list")
			}),
			run: adminCases,
		},
		"set-status": {
			summary: "change a case's status; its terminal learns it at the next heartbeat",
			usage:   "NUMBER STATUS [NOTE] --db FILE   (STATUS: " + strings.Join(hall.AdminStatuses, ", ") + ")",
			example: "hall admin set-status K0001-20261125-000007-K need_more '请补交户口簿原件' --db /var/lib/govkiosk/hall.db",
			flags:   storeFlags,
			run:     adminSetStatus,
		},
		"command": {
			summary: "queue a remote command for a terminal (restart_app, reload_catalog, upload_logs, set_maintenance_message)",
			usage:   "TERMINAL KIND [ARGS-JSON] --db FILE",
			example: `hall admin command K0001 set_maintenance_message '{"message":"系统维护中，请到人工窗口办理"}' --db /var/lib/govkiosk/hall.db`,
			flags:   storeFlags,
			run:     adminQueueCommand,
		},
		"commands": {
			summary: "list a terminal's newest remote commands: queued, acknowledged, and the result it reported",
			usage:   "--terminal ID --db FILE [--limit N] [--json]",
			example: "hall admin commands --terminal K0001 --db /var/lib/govkiosk/hall.db",
			flags: withJSON(func(fs *flag.FlagSet) {
				storeFlags(fs)
				fs.String("terminal", "", "the terminal (e.g. K0001)")
				fs.Int("limit", 20, "most commands to list")
			}),
			run: adminCommands,
		},
		"user": adminUserCommand,
	},
}

func withJSON(f func(*flag.FlagSet)) func(*flag.FlagSet) {
	return func(fs *flag.FlagSet) {
		f(fs)
		fs.Bool("json", false, "print JSON")
	}
}

// openHall opens the hall's store for an admin command. Commands that only
// read or change existing records refuse a database file that does not
// exist, so a mistyped --db does not quietly make a new, empty hall.
func openHall(ctx context.Context, e *env, mustExist bool) (*hall.Server, error) {
	level := slog.LevelInfo // says so when it makes a new hall and its keys
	if mustExist {
		level = slog.LevelWarn
	}
	cfg, err := hallConfig(e, level)
	if err != nil {
		return nil, err
	}
	if mustExist && !hall.IsPostgresURL(cfg.DB) {
		if _, err := os.Stat(cfg.DB); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no hall database at %s; check --db (hall serve makes it on first start)", cfg.DB)
		}
	}
	return hall.Open(ctx, cfg)
}

func adminCode(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected arguments %q", args)
	}
	srv, err := openHall(ctx, e, false)
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := srv.NewEnrolmentCode(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "One-time enrolment code for one terminal, valid until %s.\n", c.ExpiresAt.Local().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(e.out, "Enter it at the terminal (technician mode → 注册) or with kioskctl:\n")
	fmt.Fprintln(e.out, c.Code)
	return nil
}

func adminPublish(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one catalogue FILE, got %d arguments", len(args))
	}
	doc, err := os.ReadFile(args[0])
	if err != nil {
		return err
	}
	srv, err := openHall(ctx, e, false)
	if err != nil {
		return err
	}
	defer srv.Close()
	v, err := srv.Publish(ctx, doc)
	var ce *kiosk.CatalogError
	if errors.As(err, &ce) {
		fmt.Fprintf(e.err, "%s: %d problem(s):\n", args[0], len(ce.Problems))
		for _, p := range ce.Problems {
			fmt.Fprintf(e.err, "  %s\n", p)
		}
		return fmt.Errorf("%s is not a valid catalogue; nothing was published", args[0])
	}
	if err != nil {
		return err
	}
	var fileVersion struct {
		Version int64 `json:"version"`
	}
	if json.Unmarshal(doc, &fileVersion) == nil && fileVersion.Version != 0 && fileVersion.Version != v.Version {
		fmt.Fprintf(e.out, "note: the file says version %d; the hall numbers versions itself\n", fileVersion.Version)
	}
	fmt.Fprintf(e.out, "published catalogue version %d: %d items, %d bytes, sha256 %s\n", v.Version, len(v.ItemCodes), len(v.Doc), v.SHA256)
	fmt.Fprintln(e.out, "terminals install it at their next catalogue check")
	return nil
}

type terminalView struct {
	ID             string        `json:"id"`
	Name           string        `json:"name"`
	Online         bool          `json:"online"`
	LastSeen       *time.Time    `json:"last_seen"`
	EnrolledAt     time.Time     `json:"enrolled_at"`
	AppVersion     string        `json:"app_version"`
	CatalogVersion int64         `json:"catalog_version"`
	OutboxPending  int64         `json:"outbox_pending"`
	OutboxParked   int64         `json:"outbox_parked"`
	ClockOffsetMS  int64         `json:"clock_offset_ms"`
	Devices        []hall.Device `json:"devices"`
}

func adminTerminals(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected arguments %q", args)
	}
	srv, err := openHall(ctx, e, true)
	if err != nil {
		return err
	}
	defer srv.Close()
	ts, err := srv.Terminals(ctx)
	if err != nil {
		return err
	}
	views := make([]terminalView, 0, len(ts))
	for _, t := range ts {
		v := terminalView{ID: t.ID, Name: t.Name, Online: srv.Online(t), EnrolledAt: t.EnrolledAt,
			AppVersion: t.AppVersion, CatalogVersion: t.CatalogVersion, OutboxPending: t.OutboxPending,
			OutboxParked: t.OutboxParked, ClockOffsetMS: t.ClockOffset.Milliseconds(), Devices: t.Devices}
		if !t.LastSeen.IsZero() {
			seen := t.LastSeen
			v.LastSeen = &seen
		}
		if v.Devices == nil {
			v.Devices = []hall.Device{}
		}
		views = append(views, v)
	}
	if e.fs.Lookup("json").Value.String() == "true" {
		return printJSON(e, views)
	}
	if len(views) == 0 {
		fmt.Fprintln(e.out, "no terminals enrolled; make a code with: hall admin code --db FILE")
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tSTATE\tLAST HEARTBEAT\tAPP\tCATALOG\tOUTBOX\tPARKED\tDEVICES")
	for _, v := range views {
		state, seen := "offline", "never"
		if v.Online {
			state = "online"
		}
		if v.LastSeen != nil {
			seen = v.LastSeen.Local().Format("2006-01-02 15:04:05")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\n", v.ID, v.Name, state, seen,
			orDash(v.AppVersion), v.CatalogVersion, v.OutboxPending, v.OutboxParked, deviceSummary(v.Devices))
	}
	return tw.Flush()
}

// deviceSummary names the devices that are not ok, or says all are.
func deviceSummary(ds []hall.Device) string {
	if len(ds) == 0 {
		return "-"
	}
	var bad []string
	for _, d := range ds {
		if d.State != "ok" {
			s := d.Name + " " + d.State
			if d.Detail != "" {
				s += " (" + d.Detail + ")"
			}
			bad = append(bad, s)
		}
	}
	if len(bad) == 0 {
		return fmt.Sprintf("%d ok", len(ds))
	}
	return strings.Join(bad, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

type caseView struct {
	Number         string    `json:"number"`
	ID             string    `json:"id"`
	TerminalID     string    `json:"terminal_id"`
	ItemCode       string    `json:"item_code"`
	CatalogVersion int64     `json:"catalog_version"`
	Status         string    `json:"status"`
	StatusAt       time.Time `json:"status_at"`
	SubmittedAt    time.Time `json:"submitted_at"`
	ReceivedAt     time.Time `json:"received_at"`
}

func adminCases(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected arguments %q", args)
	}
	limit, err := strconv.Atoi(flagString(e, "limit"))
	if err != nil || limit < 1 {
		return usagef("--limit must be a positive number")
	}
	srv, err := openHall(ctx, e, true)
	if err != nil {
		return err
	}
	defer srv.Close()
	cs, err := srv.Cases(ctx, hall.CaseQuery{Status: flagString(e, "status"), TerminalID: flagString(e, "terminal"), Limit: limit})
	if err != nil {
		return err
	}
	views := make([]caseView, 0, len(cs))
	for _, c := range cs {
		views = append(views, caseView{Number: c.Number, ID: c.ID, TerminalID: c.TerminalID, ItemCode: c.ItemCode,
			CatalogVersion: c.CatalogVersion, Status: c.Status, StatusAt: c.StatusAt, SubmittedAt: c.SubmittedAt, ReceivedAt: c.ReceivedAt})
	}
	if e.fs.Lookup("json").Value.String() == "true" {
		return printJSON(e, views)
	}
	if len(views) == 0 {
		fmt.Fprintln(e.out, "no cases")
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NUMBER\tTERMINAL\tITEM\tSTATUS\tRECEIVED")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", v.Number, v.TerminalID, v.ItemCode, v.Status, v.ReceivedAt.Local().Format("2006-01-02 15:04:05"))
	}
	return tw.Flush()
}

func adminSetStatus(ctx context.Context, e *env, args []string) error {
	if len(args) < 2 || len(args) > 3 {
		return usagef("want NUMBER STATUS [NOTE], got %d arguments", len(args))
	}
	note := ""
	if len(args) == 3 {
		note = args[2]
	}
	srv, err := openHall(ctx, e, true)
	if err != nil {
		return err
	}
	defer srv.Close()
	if err := srv.SetStatus(ctx, args[0], args[1], note); err != nil {
		if errors.Is(err, hall.ErrNotFound) {
			return fmt.Errorf("no case %s at this hall", args[0])
		}
		return err
	}
	fmt.Fprintf(e.out, "case %s is now %s; its terminal learns it at the next heartbeat\n", args[0], args[1])
	return nil
}

func adminQueueCommand(ctx context.Context, e *env, args []string) error {
	if len(args) < 2 || len(args) > 3 {
		return usagef("want TERMINAL KIND [ARGS-JSON], got %d arguments", len(args))
	}
	var argsJSON json.RawMessage
	if len(args) == 3 {
		argsJSON = json.RawMessage(args[2])
	}
	srv, err := openHall(ctx, e, true)
	if err != nil {
		return err
	}
	defer srv.Close()
	c, err := srv.QueueCommand(ctx, args[0], args[1], argsJSON)
	if err != nil {
		if errors.Is(err, hall.ErrNotFound) {
			return fmt.Errorf("no terminal %s at this hall", args[0])
		}
		return err
	}
	fmt.Fprintf(e.out, "queued %s for %s (id %s); sent with each heartbeat until the terminal acknowledges it\n", c.Kind, c.TerminalID, c.ID)
	return nil
}

func printJSON(e *env, v any) error {
	enc := json.NewEncoder(e.out)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

type commandView struct {
	ID         string          `json:"id"`
	TerminalID string          `json:"terminal_id"`
	Kind       string          `json:"kind"`
	Args       json.RawMessage `json:"args"`
	CreatedAt  time.Time       `json:"created_at"`
	AckedAt    *time.Time      `json:"acked_at"` // null while pending
	Result     string          `json:"result"`
}

func adminCommands(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected arguments %q", args)
	}
	terminal := flagString(e, "terminal")
	if terminal == "" {
		return usagef("--terminal is required")
	}
	limit, err := strconv.Atoi(flagString(e, "limit"))
	if err != nil || limit < 1 {
		return usagef("--limit must be a positive number")
	}
	srv, err := openHall(ctx, e, true)
	if err != nil {
		return err
	}
	defer srv.Close()
	cs, err := srv.Commands(ctx, terminal, limit)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		ts, err := srv.Terminals(ctx)
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(ts, func(t hall.Terminal) bool { return t.ID == terminal }) {
			return fmt.Errorf("no terminal %s at this hall", terminal)
		}
	}
	views := make([]commandView, 0, len(cs))
	for _, c := range cs {
		v := commandView{ID: c.ID, TerminalID: c.TerminalID, Kind: c.Kind, Args: c.Args, CreatedAt: c.CreatedAt, Result: c.Result}
		if !c.AckedAt.IsZero() {
			v.AckedAt = &c.AckedAt
		}
		views = append(views, v)
	}
	if e.fs.Lookup("json").Value.String() == "true" {
		return printJSON(e, views)
	}
	if len(views) == 0 {
		fmt.Fprintf(e.out, "no commands for %s\n", terminal)
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "QUEUED\tKIND\tARGS\tACKNOWLEDGED\tRESULT\tID")
	for _, v := range views {
		acked, result := "pending", v.Result
		if v.AckedAt != nil {
			acked = v.AckedAt.Local().Format("2006-01-02 15:04:05")
			if result == "" {
				result = "(not reported: terminal too old)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", v.CreatedAt.Local().Format("2006-01-02 15:04:05"), v.Kind, v.Args, acked, result, v.ID)
	}
	return tw.Flush()
}
