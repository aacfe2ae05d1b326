package console

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"govkiosk/kiosk"
	"govkiosk/sync/hall"
)

func (c *Console) pageFor(s session, nav, title string, data any) page {
	return page{Title: title, Nav: nav, Admin: s.Admin, CSRF: s.CSRF, Data: data}
}

type terminalRow struct {
	hall.Terminal
	Online bool
	Ago    string
}

type terminalsData struct {
	Rows          []terminalRow
	Online        int
	LatestCatalog int64
}

func (c *Console) terminalsPage(w http.ResponseWriter, r *http.Request, s session) {
	ts, err := c.hall.Terminals(r.Context())
	if err != nil {
		c.fail(w, r, "读取终端列表", err)
		return
	}
	latest, err := c.store.LatestCatalog(r.Context())
	if err != nil {
		c.fail(w, r, "读取事项目录版本", err)
		return
	}
	d := terminalsData{LatestCatalog: latest.Version}
	now := c.cfg.Clock.Now()
	for _, t := range ts {
		row := terminalRow{Terminal: t, Online: c.hall.Online(t), Ago: ago(now, t.LastSeen)}
		if row.Online {
			d.Online++
		}
		d.Rows = append(d.Rows, row)
	}
	c.render(w, http.StatusOK, "terminals", c.pageFor(s, "terminals", "终端", d))
}

// ago says how long before now t was, as officers read it.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "从未连接"
	}
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "刚刚"
	case d < time.Hour:
		return fmt.Sprintf("%d 分钟前", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d 小时前", int(d/time.Hour))
	}
	return fmt.Sprintf("%d 天前", int(d/(24*time.Hour)))
}

type codesData struct {
	Code *hall.NewCode
}

func (c *Console) codesPage(w http.ResponseWriter, r *http.Request, s session) {
	c.render(w, http.StatusOK, "codes", c.pageFor(s, "codes", "注册码", codesData{}))
}

// makeCode makes a one-time code and shows it in this response only: the
// hall keeps just its hash, and the page is no-store.
func (c *Console) makeCode(w http.ResponseWriter, r *http.Request, s session) {
	code, err := c.hall.NewEnrolmentCode(r.Context())
	if err != nil {
		c.fail(w, r, "生成注册码", err)
		return
	}
	c.log.Info("console: enrolment code made", "admin", s.Admin, "expires", code.ExpiresAt)
	c.render(w, http.StatusOK, "codes", c.pageFor(s, "codes", "注册码", codesData{Code: &code}))
}

type catalogData struct {
	Versions  []hall.CatalogSummary
	Problems  []kiosk.Problem
	FileName  string
	Published *hall.CatalogVersion
}

const catalogVersionsShown = 20

func (c *Console) catalogPage(w http.ResponseWriter, r *http.Request, s session) {
	c.showCatalog(w, r, s, http.StatusOK, catalogData{}, "", "")
}

func (c *Console) showCatalog(w http.ResponseWriter, r *http.Request, s session, code int, d catalogData, errMsg, notice string) {
	var err error
	if d.Versions, err = c.store.CatalogVersions(r.Context(), catalogVersionsShown); err != nil {
		c.fail(w, r, "读取事项目录版本", err)
		return
	}
	p := c.pageFor(s, "catalog", "事项目录", d)
	p.Error, p.Notice = errMsg, notice
	c.render(w, code, "catalog", p)
}

// publish validates the uploaded file with the loader terminals use and
// publishes it as the next version; a file with problems publishes nothing
// and the page lists every problem by item and field.
func (c *Console) publish(w http.ResponseWriter, r *http.Request, s session) {
	f, hdr, err := r.FormFile("catalog")
	if err != nil {
		c.showCatalog(w, r, s, http.StatusBadRequest, catalogData{}, "请选择要上传的事项目录文件（JSON）。", "")
		return
	}
	defer f.Close()
	doc, err := io.ReadAll(f)
	if err != nil {
		c.badForm(w, r, err)
		return
	}
	d := catalogData{FileName: hdr.Filename}
	if len(doc) == 0 {
		c.showCatalog(w, r, s, http.StatusBadRequest, d, "文件 "+hdr.Filename+" 是空的，未发布。", "")
		return
	}
	v, err := c.hall.Publish(r.Context(), doc)
	var ce *kiosk.CatalogError
	switch {
	case errors.As(err, &ce):
		d.Problems = ce.Problems
		c.showCatalog(w, r, s, http.StatusUnprocessableEntity, d,
			fmt.Sprintf("文件 %s 有 %d 处问题，未发布。请改正后重新上传：", hdr.Filename, len(ce.Problems)), "")
		return
	case err != nil:
		// Publish's other errors are about the store or signing, not the file.
		c.fail(w, r, "发布事项目录", err)
		return
	}
	c.log.Info("console: catalogue published", "admin", s.Admin, "version", v.Version, "items", len(v.ItemCodes))
	d.Published = &v
	c.showCatalog(w, r, s, http.StatusOK, d, "",
		fmt.Sprintf("已发布第 %d 版事项目录（%d 个事项）。终端会在下次检查目录时自动安装。", v.Version, len(v.ItemCodes)))
}

type casesData struct {
	Cases     []caseRow
	Status    string
	Terminal  string
	Statuses  []string
	Terminals []string
	Limit     int
}

type caseRow struct {
	hall.Case
	ItemName string
}

const casesShown = 200

func (c *Console) casesPage(w http.ResponseWriter, r *http.Request, s session) {
	q := r.URL.Query()
	d := casesData{Status: q.Get("status"), Terminal: q.Get("terminal"), Limit: casesShown,
		Statuses: append([]string{kiosk.StatusReceived}, hall.AdminStatuses...)}
	ts, err := c.hall.Terminals(r.Context())
	if err != nil {
		c.fail(w, r, "读取终端列表", err)
		return
	}
	for _, t := range ts {
		d.Terminals = append(d.Terminals, t.ID)
	}
	if d.Status != "" && !slices.Contains(d.Statuses, d.Status) {
		d.Status = ""
	}
	if d.Terminal != "" && !slices.Contains(d.Terminals, d.Terminal) {
		d.Terminal = ""
	}
	cs, err := c.hall.Cases(r.Context(), hall.CaseQuery{Status: d.Status, TerminalID: d.Terminal, Limit: casesShown})
	if err != nil {
		c.fail(w, r, "读取办件", err)
		return
	}
	names := c.itemNames(r.Context())
	for _, one := range cs {
		d.Cases = append(d.Cases, caseRow{Case: one, ItemName: names[one.ItemCode]})
	}
	c.render(w, http.StatusOK, "cases", c.pageFor(s, "cases", "办件", d))
}

type evaluationsData struct {
	ByItem     []evaluationRow
	ByTerminal []evaluationRow
	Overall    hall.EvaluationCount
}

type evaluationRow struct {
	hall.EvaluationCount
	Name string
}

func (c *Console) evaluationsPage(w http.ResponseWriter, r *http.Request, s session) {
	st, err := c.store.EvaluationStats(r.Context())
	if err != nil {
		c.fail(w, r, "读取好差评统计", err)
		return
	}
	names := c.itemNames(r.Context())
	d := evaluationsData{}
	for _, e := range st.ByItem {
		d.ByItem = append(d.ByItem, evaluationRow{EvaluationCount: e, Name: names[e.Key]})
	}
	ts, err := c.hall.Terminals(r.Context())
	if err != nil {
		c.fail(w, r, "读取终端列表", err)
		return
	}
	termNames := map[string]string{}
	for _, t := range ts {
		termNames[t.ID] = t.Name
	}
	for _, e := range st.ByTerminal {
		d.ByTerminal = append(d.ByTerminal, evaluationRow{EvaluationCount: e, Name: termNames[e.Key]})
		for i, n := range e.Levels {
			d.Overall.Levels[i] += n
		}
	}
	c.render(w, http.StatusOK, "evaluations", c.pageFor(s, "evaluations", "好差评", d))
}

// itemNames maps item codes to names in the newest catalogue, parsed once
// per version. Without it (store error) pages show codes only.
type itemNames struct {
	version int64
	names   map[string]string
}

func (c *Console) itemNames(ctx context.Context) map[string]string {
	latest, err := c.store.LatestCatalog(ctx)
	if err != nil {
		c.log.Warn("console: item names", "err", err)
		return nil
	}
	c.namesMu.Lock()
	defer c.namesMu.Unlock()
	if c.names.version == latest.Version {
		return c.names.names
	}
	v, err := c.store.Catalog(ctx, latest.Version)
	if err != nil {
		c.log.Warn("console: item names", "err", err)
		return c.names.names
	}
	cat, err := kiosk.ParseCatalog(v.Doc)
	if err != nil {
		c.log.Warn("console: item names", "version", v.Version, "err", err)
		return c.names.names
	}
	names := make(map[string]string, len(cat.Items))
	for _, it := range cat.Items {
		names[it.Code] = it.Name.ZH
	}
	c.names = itemNames{version: v.Version, names: names}
	return names
}
