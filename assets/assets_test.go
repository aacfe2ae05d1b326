package assets_test

import (
	"testing"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
)

// The sample catalogue is what every new hall publishes and every demo
// shows: it must stay complete enough to exercise the whole product.
func TestSampleCatalog(t *testing.T) {
	c, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Items) < 80 {
		t.Errorf("%d items, want at least 80", len(c.Items))
	}
	depts := map[string]bool{}
	flows := 0
	steps := map[kiosk.StepType]bool{}
	fields := map[kiosk.FieldType]bool{}
	for _, it := range c.Items {
		depts[it.Department] = true
		if it.Flow == nil {
			continue
		}
		flows++
		for _, s := range it.Flow.Steps {
			steps[s.Type] = true
			for _, f := range s.Fields {
				fields[f.Type] = true
			}
		}
	}
	if len(depts) < 10 {
		t.Errorf("%d departments, want at least 10", len(depts))
	}
	if flows < 15 {
		t.Errorf("%d runnable flows, want at least 15", flows)
	}
	for _, st := range []kiosk.StepType{kiosk.StepIdentify, kiosk.StepForm, kiosk.StepMaterials, kiosk.StepReview,
		kiosk.StepSubmit, kiosk.StepPrint, kiosk.StepEvaluate, kiosk.StepTicket} {
		if !steps[st] {
			t.Errorf("no flow has a %s step", st)
		}
	}
	for _, ft := range []kiosk.FieldType{kiosk.FieldText, kiosk.FieldNumber, kiosk.FieldPhone, kiosk.FieldDate,
		kiosk.FieldMonth, kiosk.FieldIDNumber, kiosk.FieldChoice, kiosk.FieldPostcode} {
		if !fields[ft] {
			t.Errorf("no form has a %s field", ft)
		}
	}
	if len(c.Documents) < 30 {
		t.Errorf("%d public documents, want at least 30", len(c.Documents))
	}
}

// The product's own example: typing sbcb finds 社会保险参保缴费证明打印.
func TestSampleCatalogSearch(t *testing.T) {
	c, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	ix := search.New(c)
	for _, q := range []string{"sbcb", "社保参保证明", "shebao", "社会保险参保缴费证明"} {
		res := ix.Search(q, 5)
		found := false
		for _, r := range res {
			found = found || r.Item.Name.ZH == "社会保险参保缴费证明打印"
		}
		if !found {
			t.Errorf("Search(%q) does not find 社会保险参保缴费证明打印 in the top 5", q)
		}
	}
}

// The embedded font must parse and hold the Chinese that receipts print. It
// has no Basic Latin glyphs (it is a fallback font), so users pair it with a
// Latin font: this test pins that down so nobody relies on it for ASCII.
func TestCJKFontCoversReceiptText(t *testing.T) {
	f, err := opentype.Parse(assets.CJKFont)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for _, r := range "受理回执一次性告知请妥善保管扫码查询缺纸：（）。，、０１Ａ" {
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			t.Errorf("font has no glyph for %q", r)
		}
	}
	if i, _ := f.GlyphIndex(&buf, 'A'); i != 0 {
		t.Errorf("font now has Basic Latin glyphs; the note in fonts.go is out of date")
	}
}
