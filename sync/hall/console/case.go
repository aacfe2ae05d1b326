package console

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"image/jpeg"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"govkiosk/kiosk"
	"govkiosk/sync/hall"
)

// personal is the sealed part of a case as the terminal writes it
// (kiosk/store: personal).
type personal struct {
	Applicant *kiosk.Identity        `json:"applicant"`
	Form      map[string]string      `json:"form"`
	Materials []kiosk.MaterialRecord `json:"materials"`
}

// openCase reads the case and opens its sealed part for this request only.
// The caller must not log or keep the result.
func (c *Console) openCase(r *http.Request, number string) (hall.Case, *personal, error) {
	cs, err := c.hall.Case(r.Context(), number)
	if err != nil {
		return hall.Case{}, nil, err
	}
	plain, err := c.hall.OpenCase(cs)
	if err != nil {
		return cs, nil, err
	}
	var p personal
	if err := json.Unmarshal(plain, &p); err != nil {
		return cs, nil, fmt.Errorf("case %s: personal part: %w", number, err)
	}
	clear(plain)
	return cs, &p, nil
}

type caseData struct {
	Case      hall.Case
	ItemName  string
	Full      bool // identity shown unmasked
	OpenError string
	Applicant []field
	Form      []field
	Materials []materialView
	Statuses  []string
	Levels    []string
}

type field struct{ Label, Value string }

type materialView struct {
	ID, Name, Choice string
	Pages            []pageView
}

type pageView struct {
	N             int // 1-based
	URL           string
	Bytes         int
	Width, Height int
	Problem       string // why it cannot be shown; empty if it can
}

var choiceNames = map[kiosk.MaterialChoice]string{
	kiosk.MaterialELicence: "电子证照免提交",
	kiosk.MaterialScanned:  "自助终端扫描",
	kiosk.MaterialLater:    "到窗口提交",
}

var cardNames = map[kiosk.CardType]string{
	kiosk.CardResident:  "居民身份证",
	kiosk.CardForeigner: "外国人永久居留身份证",
	kiosk.CardHMT:       "港澳台居民居住证",
}

func (c *Console) casePage(w http.ResponseWriter, r *http.Request, s session) {
	number := r.PathValue("number")
	cs, p, err := c.openCase(r, number)
	if errors.Is(err, hall.ErrNotFound) {
		c.render(w, http.StatusNotFound, "error", c.errorPage(s, "cases", "没有这个办件", "本大厅没有编号为 "+number+" 的办件。"))
		return
	}
	d := caseData{Case: cs, ItemName: c.itemNames(r.Context())[cs.ItemCode], Statuses: hall.AdminStatuses, Levels: levelNames,
		Full: r.URL.Query().Get("full") == "1"}
	switch {
	case cs.ID == "" && err != nil:
		c.fail(w, r, "读取办件", err)
		return
	case err != nil:
		// The case row is shown; its personal part is not readable.
		c.log.Error("console: open case", "case", number, "err", err)
		d.OpenError = "该办件的申请人信息和材料无法解密或解析（密钥不匹配或数据损坏），请联系技术人员。办件状态仍可更改。"
	default:
		if d.Full {
			c.log.Info("console: identity shown unmasked", "admin", s.Admin, "case", number)
		}
		d.Applicant = applicantFields(p.Applicant, d.Full)
		d.Form = formFields(p.Form, d.Full)
		d.Materials = materialViews(number, p.Materials)
	}
	pg := c.pageFor(s, "cases", "办件 "+number, d)
	if r.URL.Query().Get("m") == "status" {
		pg.Notice = "状态已更改为“" + statusName(cs.Status) + "”。办件所在终端会在下次心跳（通常 30 秒内）收到。"
	}
	c.render(w, http.StatusOK, "case", pg)
}

func (c *Console) errorPage(s session, nav, title, msg string) page {
	p := c.pageFor(s, nav, title, nil)
	p.Error = msg
	return p
}

// applicantFields lists the identity, masked unless full: the name and
// number are masked as on receipts, the address and birth date hidden.
func applicantFields(id *kiosk.Identity, full bool) []field {
	if id == nil {
		return []field{{"申请人", "（无证件信息）"}}
	}
	name, number, birth, addr := kiosk.MaskName(id.Name), kiosk.MaskIDNumber(id.IDNumber), "（已隐藏）", "（已隐藏）"
	if full {
		name, number, birth, addr = id.Name, id.IDNumber, id.BirthDate, id.Address
	}
	card := cardNames[id.CardType]
	if card == "" {
		card = string(id.CardType)
	}
	out := []field{{"姓名", name}, {"证件类型", card}, {"证件号码", number}, {"性别", id.Gender}, {"出生日期", birth}}
	if id.Address != "" {
		out = append(out, field{"住址", addr})
	}
	src := map[string]string{"idcard": "读取身份证", "qrcode": "扫描电子证照码"}[id.Source]
	if src == "" {
		src = id.Source
	}
	return append(out, field{"信息来源", src})
}

// formFields lists what the citizen entered. Masked, phone numbers and
// identity numbers in it are masked as the identity is; the form's other
// answers are what the officer works on.
func formFields(form map[string]string, full bool) []field {
	keys := make([]string, 0, len(form))
	for k := range form {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]field, 0, len(keys))
	for _, k := range keys {
		v := form[k]
		if !full {
			v = maskFormValue(k, v)
		}
		out = append(out, field{k, v})
	}
	return out
}

func maskFormValue(key, v string) string {
	k := strings.ToLower(key)
	switch {
	case strings.Contains(k, "phone") || strings.Contains(k, "mobile") || strings.Contains(k, "tel"):
		return kiosk.MaskPhone(v)
	case strings.Contains(k, "id_number") || strings.Contains(k, "idcard") || strings.Contains(k, "id_no"):
		return kiosk.MaskIDNumber(v)
	}
	return v
}

// materialViews checks every page by decoding it, so a page that would
// not display is named on the page rather than shown as a broken image.
func materialViews(number string, ms []kiosk.MaterialRecord) []materialView {
	out := make([]materialView, 0, len(ms))
	for mi, m := range ms {
		choice := choiceNames[m.Choice]
		if choice == "" {
			choice = string(m.Choice)
		}
		v := materialView{ID: m.ID, Name: m.Name, Choice: choice}
		for pi, pg := range m.Pages {
			pv := pageView{N: pi + 1, Bytes: len(pg),
				URL: fmt.Sprintf("/console/cases/%s/pages/%d/%d", url.PathEscape(number), mi, pi)}
			if cfg, err := checkJPEG(pg); err != nil {
				pv.Problem = err.Error()
			} else {
				pv.Width, pv.Height = cfg.Width, cfg.Height
			}
			v.Pages = append(v.Pages, pv)
		}
		out = append(out, v)
	}
	return out
}

type jpegSize struct{ Width, Height int }

// checkJPEG decodes the whole page: a header alone would pass a page cut
// off in transfer.
func checkJPEG(b []byte) (jpegSize, error) {
	if len(b) == 0 {
		return jpegSize{}, errors.New("该页为空（0 字节），无法显示")
	}
	img, err := jpeg.Decode(bytes.NewReader(b))
	if err != nil {
		return jpegSize{}, fmt.Errorf("该页不是可解码的 JPEG 图像，无法显示（%d 字节；%v）", len(b), err)
	}
	sz := img.Bounds().Size()
	return jpegSize{sz.X, sz.Y}, nil
}

// pageImage serves one page from the case opened for this request; it is
// never written to disk, and the response is no-store (ServeHTTP).
func (c *Console) pageImage(w http.ResponseWriter, r *http.Request, s session) {
	number := r.PathValue("number")
	mi, err1 := strconv.Atoi(r.PathValue("material"))
	pi, err2 := strconv.Atoi(r.PathValue("page"))
	if err1 != nil || err2 != nil {
		http.Error(w, "页码格式不对", http.StatusBadRequest)
		return
	}
	_, p, err := c.openCase(r, number)
	switch {
	case errors.Is(err, hall.ErrNotFound):
		http.Error(w, "没有这个办件", http.StatusNotFound)
		return
	case err != nil:
		c.log.Error("console: open case", "case", number, "err", err)
		http.Error(w, "办件无法解密，请联系技术人员", http.StatusInternalServerError)
		return
	}
	if mi < 0 || mi >= len(p.Materials) || pi < 0 || pi >= len(p.Materials[mi].Pages) {
		http.Error(w, "没有这一页", http.StatusNotFound)
		return
	}
	pg := p.Materials[mi].Pages[pi]
	if _, err := checkJPEG(pg); err != nil {
		http.Error(w, err.Error(), http.StatusUnprocessableEntity)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Content-Length", strconv.Itoa(len(pg)))
	w.Write(pg)
}

// setStatus changes the case's status; the terminal that made it learns it
// at its next heartbeat.
func (c *Console) setStatus(w http.ResponseWriter, r *http.Request, s session) {
	number := r.PathValue("number")
	status, note := r.PostFormValue("status"), r.PostFormValue("note")
	back := "/console/cases/" + url.PathEscape(number)
	switch {
	case !slices.Contains(hall.AdminStatuses, status):
		c.render(w, http.StatusBadRequest, "error", c.errorPage(s, "cases", "无法更改状态", "请选择一个新状态。"))
		return
	case !utf8.ValidString(note) || len(note) > 500:
		c.render(w, http.StatusBadRequest, "error", c.errorPage(s, "cases", "无法更改状态", "备注最多 500 字节（约 160 个汉字），请缩短后重试。"))
		return
	}
	err := c.hall.SetStatus(r.Context(), number, status, note)
	if errors.Is(err, hall.ErrNotFound) {
		c.render(w, http.StatusNotFound, "error", c.errorPage(s, "cases", "没有这个办件", "本大厅没有编号为 "+number+" 的办件。"))
		return
	}
	if err != nil {
		c.fail(w, r, "更改办件状态", err)
		return
	}
	c.log.Info("console: case status set", "admin", s.Admin, "case", number, "status", status)
	http.Redirect(w, r, back+"?m=status", http.StatusSeeOther)
}
