package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"slices"
	"time"

	"fyne.io/fyne/v2"

	"govkiosk/kiosk/config"
	"govkiosk/sync/client"
)

// exitRestart is the kiosk's exit status when it stops to be started
// again (a remote restart_app, or maintenance changed its configuration).
// govkiosk.service has Restart=always: the X session ends with the kiosk
// and systemd starts it again RestartSec later, whatever the status; the
// distinct status tells the journal it was asked for.
const exitRestart = 75

// restart stops the kiosk to be started again by systemd.
func (a *app) restart(reason string) {
	a.log.Info("restarting", "reason", reason)
	a.exitCode.Store(exitRestart)
	a.quit()
}

// commandsFile keeps the ids of remote commands already carried out. The
// hall resends a command until a heartbeat acknowledges it, and restart_app
// stops the kiosk before that heartbeat: without this record the kiosk
// would restart, receive restart_app again, and restart forever.
const commandsFile = "commands-done.json"

// maxDone bounds the record; the hall never resends old commands once acked.
const maxDone = 200

// onCommand carries out a remote command from the hall's heartbeat reply.
// It runs on the sync client's goroutine; each command is audit-logged
// here, and its ack in the next heartbeat is logged by the hall.
func (a *app) onCommand(c client.Command) {
	a.cmdMu.Lock()
	defer a.cmdMu.Unlock()
	done := a.commandsDone()
	if slices.Contains(done, c.ID) {
		a.log.Info("remote command already carried out", "id", c.ID, "kind", c.Kind)
		return
	}
	result, err := "ok", error(nil)
	switch c.Kind {
	case "restart_app":
		// Recorded before acting: the restart ends this process.
	case "reload_catalog":
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cat, cerr := a.client.CheckCatalog(ctx)
		cancel()
		if err = cerr; err == nil && cat == nil {
			result = "already the newest"
		}
	case "upload_logs":
		// The hall's API (sync/openapi.yaml) has no endpoint to receive
		// logs yet: say so in the audit instead of pretending.
		err = errors.New("the hall API has no log upload endpoint yet; export the logs with kioskctl logs export or the maintenance screen")
	case "set_maintenance_message":
		msg := c.Args["message"]
		a.setServiceMessage(msg)
		if msg == "" {
			result = "cleared"
		}
	default:
		err = errors.New("unknown command kind")
	}
	if err != nil {
		result = "failed: " + err.Error()
	}
	a.log.Info("remote command carried out", "id", c.ID, "kind", c.Kind, "result", result)
	if aerr := config.Audit(a.dataPath("audit.log"), "remote_command", map[string]string{
		"id": c.ID, "kind": c.Kind, "args": argsText(c.Args), "result": result}); aerr != nil {
		a.log.Error("audit log", "err", aerr)
	}
	done = append(done, c.ID)
	if len(done) > maxDone {
		done = done[len(done)-maxDone:]
	}
	if err := a.saveCommandsDone(done); err != nil {
		a.log.Error("record of carried-out commands", "err", err)
	}
	if c.Kind == "restart_app" {
		a.restart("remote command " + c.ID)
	}
}

func argsText(args map[string]string) string {
	if len(args) == 0 {
		return ""
	}
	b, _ := json.Marshal(args)
	return string(b)
}

func (a *app) commandsDone() []string {
	var ids []string
	if b, err := os.ReadFile(a.dataPath(commandsFile)); err == nil {
		json.Unmarshal(b, &ids)
	}
	return ids
}

func (a *app) saveCommandsDone(ids []string) error {
	b, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	tmp := a.dataPath(commandsFile + ".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync() // on disk before restart_app ends the process
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp, a.dataPath(commandsFile))
}

// serviceMessageFile keeps the hall's maintenance message across restarts:
// a kiosk told to show "本机暂停服务" must still say so after a power cut.
const serviceMessageFile = "service-message.txt"

func (a *app) setServiceMessage(msg string) {
	if msg == "" {
		os.Remove(a.dataPath(serviceMessageFile))
	} else if err := os.WriteFile(a.dataPath(serviceMessageFile), []byte(msg), 0o600); err != nil {
		a.log.Warn("maintenance message not kept for the next start", "err", err)
	}
	if k := a.kiosk.Load(); k != nil {
		fyne.Do(func() { k.SetServiceMessage(msg) })
	}
}

func (a *app) serviceMessage() string {
	b, _ := os.ReadFile(a.dataPath(serviceMessageFile))
	return string(b)
}
