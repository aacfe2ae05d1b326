package printer

import (
	"strings"
	"time"

	"govkiosk/kiosk"
)

// Certificate is a certificate page (证明) printed by a print step whose
// document is "certificate": 社会保险参保缴费证明, 住房公积金缴存证明, ….
// Its body is what the issuing department answered; the kiosk prints it
// as given, beside the holder's masked name.
type Certificate struct {
	Hall       Hall
	Title      string // 社会保险参保缴费证明
	Issuer     string // the department that vouches for it
	CaseNumber string
	MaskedName string
	Fields     []Field  // the department's answer, in order
	Notes      []string // remarks printed under the body
	IssuedAt   time.Time
}

// Field is a labelled value of a certificate's body.
type Field struct {
	Label, Value string
}

// CertificateFromCase builds the certificate page of case c for item it;
// issuer names the department and fields are its answer.
func CertificateFromCase(c *kiosk.Case, it *kiosk.Item, issuer string, fields []Field, at time.Time, hall Hall) Certificate {
	cert := Certificate{Hall: hall, Issuer: issuer, CaseNumber: c.Number, MaskedName: c.MaskedName,
		Fields: fields, IssuedAt: at, Title: c.ItemName}
	if cert.MaskedName == "" && c.Applicant != nil {
		cert.MaskedName = c.Applicant.MaskedName()
	}
	if it != nil {
		cert.Title = certificateTitle(it.Name.ZH)
	}
	return cert
}

// certificateTitle drops the verb an item's name ends with:
// 社会保险参保缴费证明打印 → 社会保险参保缴费证明.
func certificateTitle(item string) string {
	for _, suffix := range []string{"打印", "开具", "查询"} {
		if t, ok := strings.CutSuffix(item, suffix); ok && t != "" {
			return t
		}
	}
	return item
}

// Document lays the certificate out: title, holder, body, issuer, the QR
// code that checks it against the hall, cut.
func (c Certificate) Document() *Document {
	d := &Document{}
	if c.Hall.Name != "" {
		d.Add(Centered(c.Hall.Name))
	}
	// Double height only: a certificate's title runs to ten characters or
	// more, which double width would break on 58 mm paper.
	d.Add(Text{Text: c.Title, Style: Style{Bold: true, Height: Double, Align: AlignCenter}}, Separator{'='})
	d.Add(Labeled("证明编号", c.CaseNumber), Labeled("持有人", c.MaskedName), Separator{})
	for _, f := range c.Fields {
		d.Add(Labeled(f.Label, f.Value))
	}
	if len(c.Notes) > 0 {
		d.Add(Text{})
		for _, n := range c.Notes {
			d.Add(Line(n))
		}
	}
	d.Add(Separator{})
	if c.Issuer != "" {
		d.Add(Text{Text: "出具单位：" + c.Issuer, Style: Style{Align: AlignRight}})
	}
	if !c.IssuedAt.IsZero() {
		d.Add(Text{Text: "打印时间：" + c.IssuedAt.Format(timeLayout), Style: Style{Align: AlignRight}})
	}
	d.Add(QR{Data: CaseQRPrefix + c.CaseNumber, Level: QRLevelM, Align: AlignCenter},
		Centered("扫码核验本证明真伪"), Centered("本证明由自助终端打印，与窗口出具的具有同等效力"),
		Feed{Lines: 2}, Cut{})
	return d
}
