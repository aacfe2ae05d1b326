package printer

import (
	"fmt"
	"time"

	"govkiosk/kiosk"
)

// Hall is the service hall a terminal stands in, as printed in headers and
// footers. It comes from the terminal's configuration.
type Hall struct {
	Name  string // 清河市政务服务中心
	Phone string // the hall's enquiry line
}

// Receipt is a 受理回执: what a citizen takes home after applying. It holds
// only what may be printed: the applicant's masked name, never the full
// name or an identity number (the paper leaves the kiosk with the
// citizen, or is forgotten on it).
type Receipt struct {
	Hall         Hall
	CaseNumber   string
	ItemName     string
	MaskedName   string    // 张*三
	SubmittedAt  time.Time // printed in the hall's local time
	PromisedDate string    // YYYY-MM-DD; empty for 即办件
	Received     []string  // materials received, each with how: 居民身份证（电子证照）
	Missing      []string  // 一次性告知: what is still to bring, with copies and originals
	CollectAt    string    // where to collect the result: the office
	Address      string    // the office's address
	CollectHours string
	Phone        string // the office's phone; the footer gives Hall.Phone
}

// CaseQRPrefix starts the content of a receipt's QR code; the scanner on
// the progress-query screen recognises it.
const CaseQRPrefix = "GKCASE:"

// ReceiptFromCase builds the receipt of c, an application for it. Received
// and missing materials follow the item's list: materials chosen as an
// e-licence or scanned are received; those marked "bring later", and
// required ones with no record, are missing.
func ReceiptFromCase(c *kiosk.Case, it *kiosk.Item, hall Hall) Receipt {
	r := Receipt{
		Hall: hall, CaseNumber: c.Number, ItemName: c.ItemName, MaskedName: c.MaskedName,
		SubmittedAt: c.SubmittedAt, PromisedDate: c.PromisedDate,
	}
	if r.MaskedName == "" && c.Applicant != nil {
		r.MaskedName = c.Applicant.MaskedName()
	}
	if it == nil {
		return r
	}
	if r.ItemName == "" {
		r.ItemName = it.Name.ZH
	}
	recs := map[string]kiosk.MaterialRecord{}
	for _, m := range c.Materials {
		recs[m.ID] = m
	}
	for _, m := range it.Materials {
		rec, ok := recs[m.ID]
		switch {
		case ok && rec.Choice == kiosk.MaterialELicence:
			r.Received = append(r.Received, m.Name+"（电子证照）")
		case ok && rec.Choice == kiosk.MaterialScanned:
			r.Received = append(r.Received, m.Name+"（已扫描）")
		case (ok && rec.Choice == kiosk.MaterialLater) || (!ok && m.Required):
			r.Missing = append(r.Missing, m.Name+bringNote(m))
		}
	}
	if len(it.Locations) > 0 {
		loc := it.Locations[0]
		r.CollectAt, r.Address, r.CollectHours, r.Phone = loc.Name, loc.Address, loc.Hours, loc.Phone
	}
	return r
}

// bringNote says what form a missing material takes: 原件, 复印件N份.
func bringNote(m kiosk.Material) string {
	switch {
	case m.Original && m.Copies > 0:
		return fmt.Sprintf("（原件及复印件%d份）", m.Copies)
	case m.Original:
		return "（原件）"
	case m.Copies > 0:
		return fmt.Sprintf("（%d份）", m.Copies)
	}
	return ""
}

// timeLayout is how receipts print times.
const timeLayout = "2006-01-02 15:04"

// Document lays the receipt out: header, case number with its QR code,
// the application, materials, where to collect, footer, cut.
func (r Receipt) Document() *Document {
	d := &Document{}
	if r.Hall.Name != "" {
		d.Add(Centered(r.Hall.Name))
	}
	d.Add(Title("受理回执"), Separator{})
	d.Add(Centered("受理编号"), Text{Text: r.CaseNumber, Style: Style{Bold: true, Align: AlignCenter}},
		QR{Data: CaseQRPrefix + r.CaseNumber, Level: QRLevelM, Align: AlignCenter},
		Centered("扫码或输入受理编号查询办理进度"), Separator{})
	d.Add(Labeled("办理事项", r.ItemName), Labeled("申请人", r.MaskedName))
	if !r.SubmittedAt.IsZero() {
		d.Add(Labeled("提交时间", r.SubmittedAt.Format(timeLayout)))
	}
	if r.PromisedDate == "" {
		d.Add(Labeled("办理时限", "即办"))
	} else {
		d.Add(Labeled("承诺办结", r.PromisedDate+"前"))
	}
	d.Add(Separator{}, Bold("已收材料"))
	if len(r.Received) == 0 {
		d.Add(Line("无"))
	}
	for i, m := range r.Received {
		d.Add(Numbered(i+1, m))
	}
	if len(r.Missing) > 0 {
		d.Add(Text{}, Bold("一次性告知：请补交以下材料"))
		for i, m := range r.Missing {
			d.Add(Numbered(i+1, m))
		}
	}
	d.Add(Separator{})
	if r.CollectAt != "" {
		d.Add(Labeled("领取地点", r.CollectAt))
	}
	if r.Address != "" {
		d.Add(Labeled("地址", r.Address))
	}
	if r.CollectHours != "" {
		d.Add(Labeled("办公时间", r.CollectHours))
	}
	if r.Phone != "" {
		d.Add(Labeled("窗口电话", r.Phone))
	}
	d.Add(Separator{}, Centered("请妥善保管本回执"), Centered("材料补齐后只需跑一次"))
	if r.Hall.Phone != "" {
		d.Add(Centered("咨询电话：" + r.Hall.Phone))
	}
	d.Add(Feed{Lines: 2}, Cut{})
	return d
}
