package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"fyne.io/fyne/v2"

	"govkiosk/kiosk/config"
	"govkiosk/kiosk/logging"
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

// commandsFile keeps the remote commands already carried out, with their
// results. The hall resends a command until a heartbeat acknowledges it,
// and restart_app stops the kiosk before that heartbeat: without this
// record the kiosk would restart, receive restart_app again, and restart
// forever; without the result in it, the hall would learn nothing of a
// command acknowledged after a restart or a power cut.
const commandsFile = "commands-done.json"

// maxDone bounds the record; the hall never resends old commands once acked.
const maxDone = 200

// doneCommand is a carried-out command as commandsFile keeps it.
type doneCommand struct {
	ID     string `json:"id"`
	Result string `json:"result"`
}

// onCommand carries out a remote command from the hall's heartbeat reply
// and returns its result, which the next heartbeat reports to the hall.
// It runs on the sync client's goroutine; each command is audit-logged
// here, and its acknowledgement, with the result, by the hall.
func (a *app) onCommand(c client.Command) string {
	a.cmdMu.Lock()
	defer a.cmdMu.Unlock()
	done := a.commandsDone()
	if i := slices.IndexFunc(done, func(d doneCommand) bool { return d.ID == c.ID }); i >= 0 {
		a.log.Info("remote command already carried out", "id", c.ID, "kind", c.Kind, "result", done[i].Result)
		return done[i].Result
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
		result, err = a.uploadLogs(c.ID)
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
	done = append(done, doneCommand{ID: c.ID, Result: result})
	if len(done) > maxDone {
		done = done[len(done)-maxDone:]
	}
	saveErr := a.saveCommandsDone(done)
	if saveErr != nil {
		a.log.Error("record of carried-out commands", "err", saveErr)
		if c.Kind == "restart_app" {
			// Restarting unrecorded would bring restart_app back with the
			// first heartbeat after the restart: a restart loop.
			result = "failed: not restarted: the record of carried-out commands cannot be written: " + saveErr.Error()
		}
	}
	a.log.Info("remote command carried out", "id", c.ID, "kind", c.Kind, "result", result)
	if aerr := config.Audit(a.dataPath("audit.log"), "remote_command", map[string]string{
		"id": c.ID, "kind": c.Kind, "args": argsText(c.Args), "result": result}); aerr != nil {
		a.log.Error("audit log", "err", aerr)
	}
	if c.Kind == "restart_app" && saveErr == nil {
		a.restart("remote command " + c.ID)
	}
	return result
}

// logUploadTimeout bounds an upload_logs command, retries included: the
// heartbeat that brought it waits for it.
const logUploadTimeout = 2 * time.Minute

// uploadLogs answers an upload_logs command with the newest log files that
// fit in one bundle. Logs hold no citizen's personal data (kiosk/logging;
// logscan_test.go checks it), so they leave the terminal unsealed.
func (a *app) uploadLogs(commandID string) (string, error) {
	b, err := client.PackLogs(logging.Dir(a.cfg.DataDir), client.MaxLogBundleBytes)
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), logUploadTimeout)
	defer cancel()
	rc, err := a.client.UploadLogs(ctx, commandID, bytes.NewReader(b.Data))
	if err != nil {
		return "", err
	}
	result := fmt.Sprintf("ok: %d files, %d bytes, bundle %s", b.Files, rc.Bytes, rc.ID)
	if b.Skipped > 0 {
		result += fmt.Sprintf(" (%d older files left out to stay under %d MB)", b.Skipped, client.MaxLogBundleBytes>>20)
	}
	return result, nil
}

func argsText(args map[string]string) string {
	if len(args) == 0 {
		return ""
	}
	b, _ := json.Marshal(args)
	return string(b)
}

// commandsDone reads commandsFile. A file from before results were kept
// is a list of ids; their results are unknown, and are reported as such.
func (a *app) commandsDone() []doneCommand {
	b, err := os.ReadFile(a.dataPath(commandsFile))
	if err != nil {
		return nil
	}
	var done []doneCommand
	if json.Unmarshal(b, &done) == nil {
		return done
	}
	var ids []string
	json.Unmarshal(b, &ids)
	done = nil // a list of ids half-decoded above
	for _, id := range ids {
		done = append(done, doneCommand{ID: id, Result: "carried out; result not recorded by the kiosk version then running"})
	}
	return done
}

func (a *app) saveCommandsDone(done []doneCommand) error {
	b, err := json.Marshal(done)
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
