package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"govkiosk/kiosk/config"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
)

var configCommand = &command{
	summary: "show, change and check the terminal's configuration",
	sub: map[string]*command{
		"show": {
			summary: "print the configuration in effect (file over defaults)",
			usage:   "[--config FILE]",
			example: "kioskctl config show --config /etc/govkiosk/kiosk.toml",
			run:     configShow,
		},
		"set": {
			summary: "change one key; the old file is archived and the change audit-logged",
			usage:   "KEY VALUE [--config FILE]",
			example: "kioskctl config set printer.width 58",
			run:     configSet,
		},
		"validate": {
			summary: "check a configuration file and name every bad key",
			usage:   "[FILE]",
			example: "kioskctl config validate /tmp/new-kiosk.toml",
			run:     configValidate,
		},
	},
}

var enrollCommand = &command{
	summary: "enrol this terminal with the hall using a one-time code",
	usage:   "CODE [--name NAME] [--config FILE]",
	example: "kioskctl enroll ABCD-EFGH --name '市民中心一楼 3号机'",
	flags:   func(fs *flag.FlagSet) { fs.String("name", hostname(), "how the hall's console names this terminal") },
	run:     enroll,
}

var outboxCommand = &command{
	summary: "what waits for the hall: pending and parked cases and evaluations",
	sub: map[string]*command{
		"list": {
			summary: "list outbox entries with attempts and last error",
			usage:   "[--json] [--config FILE]",
			example: "kioskctl outbox list --json",
			flags:   func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON") },
			run:     outboxList,
		},
		"retry": {
			summary: "make every entry due now, parked ones included",
			usage:   "[--config FILE]",
			example: "kioskctl outbox retry",
			run:     outboxRetry,
		},
	},
}

var statusCommand = &command{
	summary: "the terminal at a glance: enrolment, hall, catalogue, outbox",
	usage:   "[--json] [--config FILE]",
	example: "kioskctl status --json",
	flags:   func(fs *flag.FlagSet) { fs.Bool("json", false, "print JSON") },
	run:     status,
}

func hostname() string {
	h, _ := os.Hostname()
	return h
}

// loadConfig reads --config; a missing default file means defaults.
func loadConfig(e *env) (config.Config, error) {
	c, err := config.Load(e.configPath)
	if errors.Is(err, os.ErrNotExist) {
		return c, fmt.Errorf("no configuration at %s (give --config FILE)", e.configPath)
	}
	return c, err
}

func configShow(_ context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	c, err := loadConfig(e)
	if err != nil {
		return err
	}
	b, err := c.Encode()
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "# %s (with defaults filled in)\n%s", e.configPath, b)
	return nil
}

func configSet(_ context.Context, e *env, args []string) error {
	if len(args) != 2 {
		return usagef("want KEY VALUE, got %d arguments; keys: %s", len(args), strings.Join(config.Keys(), ", "))
	}
	c, _ := config.Load(e.configPath)
	ch, err := config.Set(e.configPath, args[0], args[1], who(), filepath.Join(c.DataDir, "audit.log"), time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: %s → %s (the running kiosk picks it up when it restarts)\n", ch.Key, ch.Old, ch.New)
	return nil
}

// who names the technician for the audit log: the user behind sudo, if any.
func who() string {
	if u := os.Getenv("SUDO_USER"); u != "" {
		return u
	}
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return "unknown"
}

func configValidate(_ context.Context, e *env, args []string) error {
	path := e.configPath
	switch len(args) {
	case 0:
	case 1:
		path = args[0]
	default:
		return usagef("want at most one FILE")
	}
	if _, err := config.Load(path); err != nil {
		return err
	}
	fmt.Fprintf(e.out, "%s: ok\n", path)
	return nil
}

func enroll(ctx context.Context, e *env, args []string) error {
	if len(args) != 1 {
		return usagef("want one enrolment CODE")
	}
	c, err := loadConfig(e)
	if err != nil {
		return err
	}
	if c.HallURL == "" {
		return fmt.Errorf("hall_url is not set in %s: 'kioskctl config set hall_url https://…' first", e.configPath)
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	creds, err := client.Enroll(ctx, nil, c.HallURL, args[0], flagString(e, "name"))
	if err != nil {
		return err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return err
	}
	if err := creds.Save(c.DataDir); err != nil {
		return fmt.Errorf("enrolled as %s but could not save the credentials: %w", creds.TerminalID, err)
	}
	config.Audit(filepath.Join(c.DataDir, "audit.log"), "enroll", map[string]string{"who": who(), "terminal_id": creds.TerminalID, "hall_url": c.HallURL})
	fmt.Fprintf(e.out, "enrolled as %s at %s; credentials in %s (mode 0600)\n", creds.TerminalID, c.HallURL,
		filepath.Join(c.DataDir, client.CredentialsFile))
	return nil
}

func openStore(e *env, readOnly bool) (*store.Store, config.Config, error) {
	c, err := loadConfig(e)
	if err != nil {
		return nil, c, err
	}
	path := filepath.Join(c.DataDir, "kiosk.db")
	if _, err := os.Stat(path); err != nil {
		return nil, c, fmt.Errorf("no terminal store at %s: has the kiosk run here yet? (%v)", path, err)
	}
	s, err := store.Open(path, store.Options{ReadOnly: readOnly})
	return s, c, err
}

type outboxJSON struct {
	Kind      string    `json:"kind"`
	Number    string    `json:"number"`
	Attempts  int       `json:"attempts"`
	Parked    bool      `json:"parked"`
	LastError string    `json:"last_error,omitempty"`
	Since     time.Time `json:"since"`
}

func outboxList(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	s, _, err := openStore(e, true)
	if err != nil {
		return err
	}
	defer s.Close()
	items, err := s.Outbox(ctx)
	if err != nil {
		return err
	}
	out := []outboxJSON{}
	for _, o := range items {
		out = append(out, outboxJSON{Kind: o.Kind, Number: o.Case.Number, Attempts: o.Attempts, Parked: o.Parked, LastError: o.LastError, Since: o.CreatedAt})
	}
	if flagBool(e, "json") {
		return json.NewEncoder(e.out).Encode(out)
	}
	if len(out) == 0 {
		fmt.Fprintln(e.out, "outbox empty: everything is at the hall")
		return nil
	}
	tw := tabwriter.NewWriter(e.out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "KIND\tCASE\tATTEMPTS\tSTATE\tSINCE\tLAST ERROR")
	for _, o := range out {
		state := "pending"
		if o.Parked {
			state = "parked"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", o.Kind, o.Number, o.Attempts, state, o.Since.Format("2006-01-02 15:04"), o.LastError)
	}
	return tw.Flush()
}

func outboxRetry(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	s, c, err := openStore(e, false)
	if err != nil {
		return err
	}
	defer s.Close()
	n, err := s.RetryAll(ctx)
	if err != nil {
		return err
	}
	config.Audit(filepath.Join(c.DataDir, "audit.log"), "outbox retry", map[string]any{"who": who(), "entries": n})
	fmt.Fprintf(e.out, "%d entries due now; the kiosk uploads them on its next round\n", n)
	return nil
}

type statusJSON struct {
	ConfigFile     string `json:"config_file"`
	TerminalID     string `json:"terminal_id"`
	HallURL        string `json:"hall_url"`
	Enrolled       bool   `json:"enrolled"`
	HallReachable  bool   `json:"hall_reachable"`
	HallError      string `json:"hall_error,omitempty"`
	CatalogVersion int64  `json:"catalog_version"`
	OutboxPending  int    `json:"outbox_pending"`
	OutboxParked   int    `json:"outbox_parked"`
	StoreError     string `json:"store_error,omitempty"`
}

func status(ctx context.Context, e *env, args []string) error {
	if len(args) != 0 {
		return usagef("unexpected argument %q", args[0])
	}
	c, err := loadConfig(e)
	if err != nil {
		return err
	}
	st := statusJSON{ConfigFile: e.configPath, TerminalID: c.TerminalID, HallURL: c.HallURL}
	if creds, err := client.LoadCredentials(c.DataDir); err == nil {
		st.Enrolled = true
		st.TerminalID = creds.TerminalID
		if st.HallURL == "" {
			st.HallURL = creds.HallURL
		}
	}
	if st.HallURL != "" {
		st.HallReachable, st.HallError = ping(ctx, st.HallURL)
	}
	if s, _, err := openStore(e, true); err != nil {
		st.StoreError = err.Error()
	} else {
		if ob, err := s.OutboxStats(ctx); err == nil {
			st.OutboxPending, st.OutboxParked = ob.Pending, ob.Parked
		}
		if cats, err := s.Catalogs(ctx); err == nil {
			for _, ic := range cats {
				if ic.State == "active" {
					st.CatalogVersion = ic.Version
				}
			}
		}
		s.Close()
	}
	if flagBool(e, "json") {
		return json.NewEncoder(e.out).Encode(st)
	}
	yes := map[bool]string{true: "yes", false: "no"}
	fmt.Fprintf(e.out, "terminal   %s\nhall       %s (reachable: %s%s)\nenrolled   %s\ncatalogue  v%d\noutbox     %d pending, %d parked\n",
		st.TerminalID, st.HallURL, yes[st.HallReachable], paren(st.HallError), yes[st.Enrolled], st.CatalogVersion, st.OutboxPending, st.OutboxParked)
	if st.StoreError != "" {
		fmt.Fprintf(e.out, "store      %s\n", st.StoreError)
	}
	return nil
}

func paren(s string) string {
	if s == "" {
		return ""
	}
	return "; " + s
}

func ping(ctx context.Context, hall string) (bool, string) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(hall, "/")+"/healthz", nil)
	if err != nil {
		return false, err.Error()
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false, err.Error()
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, resp.Status
	}
	return true, ""
}
