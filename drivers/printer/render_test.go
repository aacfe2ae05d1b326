package printer_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"govkiosk/assets"
	"govkiosk/drivers/printer"
	"govkiosk/kiosk"
)

func sampleItem(t *testing.T, code string) *kiosk.Item {
	t.Helper()
	c, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	it := c.Item(code)
	if it == nil {
		t.Fatalf("no item %s in the sample catalogue", code)
	}
	return it
}

// printedText decodes a job's bytes back to text, to search what would
// appear on paper.
func printedText(t *testing.T, doc *printer.Document) string {
	t.Helper()
	b, err := printer.Encode(doc, printer.Paper58)
	if err != nil {
		t.Fatal(err)
	}
	s, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(s)
}

func TestReceiptFromCase(t *testing.T) {
	it := sampleItem(t, "339900-GA-GG-0001") // 居住证申领
	c := &kiosk.Case{
		Number: "QH0001-20261125-000007-K", ItemName: it.Name.ZH, MaskedName: "张*三",
		SubmittedAt: time.Date(2026, 11, 25, 10, 23, 0, 0, time.UTC), PromisedDate: "2026-12-04",
		Applicant: &kiosk.Identity{Name: "张小三", IDNumber: "11010519491231002X", Address: "清河市望江路1号"},
		Form:      map[string]string{"phone": "13800138000", "applicant_name": "张小三"},
	}
	var received, later []string
	for i, m := range it.Materials {
		switch {
		case i == 0:
			c.Materials = append(c.Materials, kiosk.MaterialRecord{ID: m.ID, Name: m.Name, Choice: kiosk.MaterialELicence})
			received = append(received, m.Name+"（电子证照）")
		case i == 1:
			c.Materials = append(c.Materials, kiosk.MaterialRecord{ID: m.ID, Name: m.Name, Choice: kiosk.MaterialScanned})
			received = append(received, m.Name+"（已扫描）")
		case m.Required:
			later = append(later, m.Name) // no record: a required material still to bring
		}
	}
	r := printer.ReceiptFromCase(c, it, hall)
	if !slices.Equal(r.Received, received) {
		t.Errorf("Received = %q, want %q", r.Received, received)
	}
	if len(r.Missing) != len(later) {
		t.Fatalf("Missing = %q, want one entry each for %q", r.Missing, later)
	}
	for i, m := range r.Missing {
		if !strings.HasPrefix(m, later[i]) {
			t.Errorf("Missing[%d] = %q, want %q with how to bring it", i, m, later[i])
		}
	}
	if r.CollectAt != it.Locations[0].Name || r.Phone != it.Locations[0].Phone {
		t.Errorf("collect at %q, phone %q", r.CollectAt, r.Phone)
	}

	// Privacy: the paper shows the masked name only, never the full name,
	// the identity number, the address or anything typed in the form.
	text := printedText(t, r.Document())
	for _, secret := range []string{"张小三", "11010519491231002X", "1949", "望江路1号", "13800138000"} {
		if strings.Contains(text, secret) {
			t.Errorf("receipt prints personal data %q", secret)
		}
	}
	for _, want := range []string{"张*三", "受理回执", "GKCASE:QH0001-20261125-000007-K", "一次性告知"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q", want)
		}
	}
}

func TestReceiptSaysWhatIsMissingAndHow(t *testing.T) {
	it := &kiosk.Item{Name: kiosk.Text{ZH: "事项"}, Materials: []kiosk.Material{
		{ID: "a", Name: "户口簿", Required: true, Original: true, Copies: 1},
		{ID: "b", Name: "照片", Required: true, Copies: 2},
		{ID: "c", Name: "委托书", Required: false},
		{ID: "d", Name: "结婚证", Required: true, Original: true},
	}}
	c := &kiosk.Case{Materials: []kiosk.MaterialRecord{{ID: "c", Choice: kiosk.MaterialLater}, {ID: "d", Choice: kiosk.MaterialELicence}}}
	r := printer.ReceiptFromCase(c, it, hall)
	want := []string{"户口簿（原件及复印件1份）", "照片（2份）", "委托书"}
	if !slices.Equal(r.Missing, want) || !slices.Equal(r.Received, []string{"结婚证（电子证照）"}) {
		t.Errorf("Missing = %q, Received = %q; want %q", r.Missing, r.Received, want)
	}
}

func TestImmediateItemPrintsJiBan(t *testing.T) {
	text := printedText(t, printer.Receipt{CaseNumber: "X"}.Document())
	if !strings.Contains(text, "办理时限：即办") || strings.Contains(text, "承诺办结") {
		t.Errorf("an immediate item's receipt:\n%s", text)
	}
}

func TestTicketFor(t *testing.T) {
	it := sampleItem(t, "339900-MZ-GG-0001") // 婚姻登记预约, with a ticket step
	var step *kiosk.Step
	for i := range it.Flow.Steps {
		if it.Flow.Steps[i].Type == kiosk.StepTicket {
			step = &it.Flow.Steps[i]
		}
	}
	at := time.Date(2026, 11, 25, 9, 5, 0, 0, time.UTC)
	tk := printer.TicketFor(it, step, "A023", at, hall)
	if tk.Window != "婚姻登记处" || tk.ItemName != "婚姻登记预约" || tk.Waiting != -1 {
		t.Errorf("ticket = %+v", tk)
	}
	b, err := printer.Encode(tk.Document(), printer.Paper58)
	if err != nil {
		t.Fatal(err)
	}
	// The number prints four times the size: GS ! 0x33.
	if !strings.Contains(string(b), "\x1d!\x33A023\n") {
		t.Errorf("ticket number not printed large: % x", b)
	}
}

func TestCertificateFromCase(t *testing.T) {
	it := sampleItem(t, "339900-RS-GG-0001") // 社会保险参保缴费证明打印
	c := &kiosk.Case{Number: "QH0001-20261125-000008-3", MaskedName: "李*", Applicant: &kiosk.Identity{Name: "李四"}}
	cert := printer.CertificateFromCase(c, it, "清河市社会保险事业管理中心",
		[]printer.Field{{Label: "参保险种", Value: "企业职工基本养老保险"}, {Label: "缴费月数", Value: "120"}},
		time.Date(2026, 11, 25, 9, 5, 0, 0, time.UTC), hall)
	if cert.Title != "社会保险参保缴费证明" {
		t.Errorf("Title = %q", cert.Title)
	}
	text := printedText(t, cert.Document())
	for _, want := range []string{"社会保险参保缴费证明", "持有人：李*", "缴费月数：120", "GKCASE:QH0001-20261125-000008-3"} {
		if !strings.Contains(text, want) {
			t.Errorf("certificate lacks %q", want)
		}
	}
	if strings.Contains(text, "李四") {
		t.Error("certificate prints the full name")
	}
}

// Every renderer's document encodes on both paper widths.
func TestDocumentsFitBothPapers(t *testing.T) {
	docs := map[string]*printer.Document{
		"receipt":     testReceipt.Document(),
		"ticket":      printer.Ticket{Number: "A023", Window: "3号窗口", Waiting: 4}.Document(),
		"certificate": printer.Certificate{Title: "住房公积金缴存证明", CaseNumber: "QH0001-20261125-000009-7"}.Document(),
		"test page":   printer.TestPage{Port: "tcp:192.0.2.7:9100"}.Document(),
	}
	for name, doc := range docs {
		for _, paper := range []printer.Paper{printer.Paper58, printer.Paper80} {
			if _, err := printer.Encode(doc, paper); err != nil {
				t.Errorf("%s on %s: %v", name, paper, err)
			}
		}
	}
}

func TestPaperByName(t *testing.T) {
	for in, want := range map[string]printer.Paper{"58": printer.Paper58, "58mm": printer.Paper58, "80MM": printer.Paper80} {
		if got, err := printer.PaperByName(in); err != nil || got != want {
			t.Errorf("PaperByName(%q) = %v, %v", in, got, err)
		}
	}
	if _, err := printer.PaperByName("76"); err == nil {
		t.Error("PaperByName(76) accepted")
	}
}
