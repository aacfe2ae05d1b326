package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"govkiosk/kiosk"
)

// page is what every template gets: the layout's parts and the page's own
// Data.
type page struct {
	Title  string
	Nav    string // the active menu entry
	Admin  string // empty on the login page
	CSRF   string
	Error  string
	Notice string
	Data   any
}

// parseTemplates parses each page template together with the layout.
func parseTemplates(loc *time.Location) (map[string]*template.Template, error) {
	funcs := template.FuncMap{
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return t.In(loc).Format("2006-01-02 15:04:05")
		},
		"status":      statusName,
		"percent":     func(f float64) string { return fmt.Sprintf("%.1f%%", f*100) },
		"add":         func(a, b int) int { return a + b },
		"deviceState": deviceState,
		"reason":      reasonName,
		"kb":          func(n int64) string { return fmt.Sprintf("%.1f KB", float64(n)/1024) },
		"offset":      clockOffset,
	}
	layout, err := template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		if path.Base(n) == "layout.html" {
			continue
		}
		t, err := template.Must(layout.Clone()).ParseFS(templateFS, n)
		if err != nil {
			return nil, fmt.Errorf("console templates: %w", err)
		}
		out[strings.TrimSuffix(path.Base(n), ".html")] = t
	}
	return out, nil
}

// render executes the page into a buffer first, so a template error is a
// clean 500, not half a page.
func (c *Console) render(w http.ResponseWriter, code int, name string, p page) {
	var buf bytes.Buffer
	if err := c.tmpl[name].ExecuteTemplate(&buf, "layout.html", p); err != nil {
		c.log.Error("console render", "template", name, "err", err)
		http.Error(w, "页面生成失败，请联系技术人员查看大厅服务日志。", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(buf.Bytes())
}

// levelNames are the five 好差评 levels, level 1 first.
var levelNames = []string{"非常不满意", "不满意", "基本满意", "满意", "非常满意"}

func statusName(s string) string {
	if t, ok := kiosk.StatusNames[s]; ok {
		return t.ZH
	}
	return s
}

// deviceState names a device state (drivers/manager.State) as officers
// say it.
func deviceState(s string) string {
	switch s {
	case "ok":
		return "正常"
	case "warning":
		return "警告"
	case "failed":
		return "故障"
	case "absent":
		return "未连接"
	}
	return s
}

// reasonName names a 好差评 reason code.
func reasonName(code string) string {
	for _, r := range kiosk.EvaluationReasons {
		if r.Code == code {
			return r.Name.ZH
		}
	}
	return code
}

// clockOffset says how far a terminal's clock is from the hall's, to the
// second: a terminal whose clock is off prints wrong dates on receipts.
func clockOffset(d time.Duration) string {
	d = d.Round(time.Second)
	dir := "快"
	if d < 0 {
		dir, d = "慢", -d
	}
	switch {
	case d == 0:
		return "一致"
	case d < time.Minute:
		return fmt.Sprintf("%s %d 秒", dir, int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%s %d 分 %d 秒", dir, int(d/time.Minute), int(d%time.Minute/time.Second))
	}
	return fmt.Sprintf("%s %.1f 小时", dir, d.Hours())
}
