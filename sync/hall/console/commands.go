package console

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"

	"govkiosk/sync/hall"
)

// Remote commands per terminal: what was sent, when the terminal
// acknowledged it and what it reported, and forms to send more. The
// terminal audit-logs each command it carries out; the hall logs who
// queued it (queueCommand) and its acknowledgement (hall.handleHeartbeat).

// commandNames are the command kinds as officers say them, in form order.
var commandNames = []struct{ Kind, Name string }{
	{hall.CommandRestartApp, "重启程序"},
	{hall.CommandReloadCatalog, "重新加载事项目录"},
	{hall.CommandUploadLogs, "上传日志"},
	{hall.CommandSetMaintenanceMessage, "设置维护提示"},
}

func commandName(kind string) string {
	for _, n := range commandNames {
		if n.Kind == kind {
			return n.Name
		}
	}
	return kind
}

// recentCommands is how many of a terminal's commands its page lists.
const recentCommands = 50

// maxMessage bounds a maintenance message, in characters: it must fit the
// kiosk's attract screen.
const maxMessage = 200

type commandRow struct {
	hall.Command
	Name    string
	Args    string // as officers read them
	Outcome string // 等待执行, 完成, 失败, …
	Failed  bool
}

type commandsData struct {
	Terminal hall.Terminal
	Rows     []commandRow
	Kinds    []struct{ Kind, Name string }
	Message  string // the message field, kept after an error
}

func (c *Console) commandsPage(w http.ResponseWriter, r *http.Request, s session) {
	t, ok := c.terminal(w, r, s)
	if !ok {
		return
	}
	p, ok := c.commandsPageFor(w, r, s, t, "")
	if !ok {
		return
	}
	if r.URL.Query().Get("m") == "queued" {
		p.Notice = "已下发指令“" + commandName(r.URL.Query().Get("kind")) + "”。终端会在下次心跳（通常 30 秒内）收到并执行，请稍后刷新本页查看结果。"
	}
	c.render(w, http.StatusOK, "commands", p)
}

func (c *Console) commandsPageFor(w http.ResponseWriter, r *http.Request, s session, t hall.Terminal, message string) (page, bool) {
	cmds, err := c.hall.Commands(r.Context(), t.ID, recentCommands)
	if err != nil {
		c.fail(w, r, "读取终端指令", err)
		return page{}, false
	}
	d := commandsData{Terminal: t, Kinds: commandNames, Message: message}
	for _, cmd := range cmds {
		d.Rows = append(d.Rows, commandRowOf(cmd))
	}
	return c.pageFor(s, "terminals", "终端 "+t.ID+" 的远程指令", d), true
}

func commandRowOf(cmd hall.Command) commandRow {
	row := commandRow{Command: cmd, Name: commandName(cmd.Kind)}
	var args map[string]string
	json.Unmarshal(cmd.Args, &args)
	if cmd.Kind == hall.CommandSetMaintenanceMessage {
		row.Args = "（清除维护提示）"
		if m := args["message"]; m != "" {
			row.Args = "“" + m + "”"
		}
	} else if len(args) > 0 {
		row.Args = string(cmd.Args)
	}
	switch {
	case cmd.AckedAt.IsZero():
		row.Outcome = "等待终端执行"
	case cmd.Result == "":
		row.Outcome = "已执行（终端版本较旧，未报告结果）"
	case strings.HasPrefix(cmd.Result, "failed"):
		row.Outcome, row.Failed = "失败", true
	default:
		row.Outcome = "完成"
	}
	return row
}

// queueCommand queues a command of the posted kind for the terminal.
func (c *Console) queueCommand(w http.ResponseWriter, r *http.Request, s session) {
	t, ok := c.terminal(w, r, s)
	if !ok {
		return
	}
	kind, message := r.PostFormValue("kind"), strings.TrimSpace(r.PostFormValue("message"))
	var args json.RawMessage
	switch kind {
	case hall.CommandRestartApp, hall.CommandReloadCatalog, hall.CommandUploadLogs:
	case hall.CommandSetMaintenanceMessage:
		if !utf8.ValidString(message) || utf8.RuneCountInString(message) > maxMessage {
			p, ok := c.commandsPageFor(w, r, s, t, message)
			if ok {
				p.Error = "维护提示最多 200 个字，请缩短后重试。"
				c.render(w, http.StatusBadRequest, "commands", p)
			}
			return
		}
		args, _ = json.Marshal(map[string]string{"message": message})
	default:
		c.render(w, http.StatusBadRequest, "error", c.errorPage(s, "terminals", "无法下发指令", "请选择要下发的指令。"))
		return
	}
	cmd, err := c.hall.QueueCommand(r.Context(), t.ID, kind, args)
	if err != nil {
		c.fail(w, r, "下发终端指令", err)
		return
	}
	c.log.Info("console: command queued", "admin", s.Admin, "terminal", t.ID, "kind", kind, "command", cmd.ID, "args", string(cmd.Args))
	q := url.Values{"m": {"queued"}, "kind": {kind}}
	http.Redirect(w, r, "/console/terminals/"+url.PathEscape(t.ID)+"/commands?"+q.Encode(), http.StatusSeeOther)
}
