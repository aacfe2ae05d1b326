package console

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"govkiosk/sync/hall"
)

// The log bundles terminals uploaded (POST /v1/logs), per terminal, for the
// technicians the officers pass them to. Logs hold no citizen's personal
// data, so a bundle is served as stored.

type logsData struct {
	Terminal hall.Terminal
	Bundles  []hall.LogBundle
}

// terminal finds an enrolled terminal by id; ok false (and a 404 page
// answered) if there is none.
func (c *Console) terminal(w http.ResponseWriter, r *http.Request, s session) (hall.Terminal, bool) {
	id := r.PathValue("id")
	ts, err := c.hall.Terminals(r.Context())
	if err != nil {
		c.fail(w, r, "读取终端列表", err)
		return hall.Terminal{}, false
	}
	for _, t := range ts {
		if t.ID == id {
			return t, true
		}
	}
	c.render(w, http.StatusNotFound, "error", c.errorPage(s, "terminals", "没有这台终端", "本大厅没有编号为 "+id+" 的终端。"))
	return hall.Terminal{}, false
}

func (c *Console) logsPage(w http.ResponseWriter, r *http.Request, s session) {
	t, ok := c.terminal(w, r, s)
	if !ok {
		return
	}
	bundles, err := c.store.LogBundles(r.Context(), t.ID)
	if err != nil {
		c.fail(w, r, "读取日志包", err)
		return
	}
	p := c.pageFor(s, "terminals", "终端 "+t.ID+" 的日志", logsData{Terminal: t, Bundles: bundles})
	if r.URL.Query().Get("m") == "requested" {
		p.Notice = "已请求终端上传日志。终端会在下次心跳（通常 30 秒内）上传，请稍后刷新本页。"
	}
	c.render(w, http.StatusOK, "logs", p)
}

// requestLogs queues an upload_logs command for the terminal.
func (c *Console) requestLogs(w http.ResponseWriter, r *http.Request, s session) {
	t, ok := c.terminal(w, r, s)
	if !ok {
		return
	}
	cmd, err := c.hall.QueueCommand(r.Context(), t.ID, hall.CommandUploadLogs, nil)
	if err != nil {
		c.fail(w, r, "请求终端上传日志", err)
		return
	}
	c.log.Info("console: upload_logs queued", "admin", s.Admin, "terminal", t.ID, "command", cmd.ID)
	http.Redirect(w, r, "/console/terminals/"+url.PathEscape(t.ID)+"/logs?m=requested", http.StatusSeeOther)
}

// downloadLogs serves one bundle as a file to save, never inline.
func (c *Console) downloadLogs(w http.ResponseWriter, r *http.Request, s session) {
	id, bundleID := r.PathValue("id"), r.PathValue("bundle")
	b, err := c.store.LogBundle(r.Context(), bundleID)
	if errors.Is(err, hall.ErrNotFound) || err == nil && b.TerminalID != id {
		c.render(w, http.StatusNotFound, "error", c.errorPage(s, "terminals", "没有这个日志包",
			"终端 "+id+" 没有这个日志包；每台终端只保留最近的日志包，较早的已被删除。"))
		return
	}
	if err != nil {
		c.fail(w, r, "读取日志包", err)
		return
	}
	c.log.Info("console: log bundle downloaded", "admin", s.Admin, "terminal", id, "bundle", b.ID)
	name := fmt.Sprintf("%s-logs-%s.tar.gz", b.TerminalID, b.ReceivedAt.In(c.cfg.Location).Format("20060102-150405"))
	h := w.Header()
	h.Set("Content-Type", "application/gzip")
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(b.Data)))
	w.Write(b.Data)
}
