package ui_test

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

// Goldens of the key screens, in testdata/: images for the home screens
// (what a reviewer looks at), markup for the rest (what changed, in text).
// After a deliberate change, copy testdata/failed/* over the masters and
// look at the difference before committing.

func TestGoldenHomeImages(t *testing.T) {
	for _, c := range []struct {
		name string
		opts ui.Options
	}{
		{"home.png", ui.Options{}},
		{"home_elderly.png", ui.Options{Elderly: true}},
		{"home_en.png", ui.Options{Language: "en"}},
		{"home_landscape.png", ui.Options{Orientation: ui.Landscape}},
	} {
		t.Run(c.name, func(t *testing.T) {
			kt := newKioskTest(t, c.opts)
			test.AssertImageMatches(t, c.name, kt.w.Canvas().Capture())
		})
	}
}

func TestGoldenFlowScreens(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	golden := func(name string) {
		t.Helper()
		test.AssertRendersToMarkup(t, name, kt.w.Canvas())
	}
	kt.svc.PlaceCard(uitest.Card())
	kt.tap("办事")
	kt.focus(0)
	kt.typeKeys("s", "b", "c", "b")
	golden("catalog_search.xml")
	kt.tap("社会保险参保缴费证明打印")
	golden("guide.xml")
	kt.tap("开始办理")
	kt.tap("下一步")
	kt.tap("贷款")
	kt.typeInto(0, "2020-01")
	kt.typeInto(1, "2026-10")
	kt.focus(2)
	kt.typeKeys("1", "3", "8")
	golden("form_keypad.xml")
	kt.typeKeys("1", "2", "3", "4", "5", "6", "7", "8")
	kt.tap("下一步")
	golden("review.xml")
	kt.tap("确认无误")
	kt.tap("提交申请")
	golden("printed.xml")
	kt.tap("下一步")
	kt.tap("不满意")
	golden("evaluate.xml")
}

func TestGoldenProgress(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	n := submitted(t, kt.svc, uitest.Card())
	kt.svc.Store.Advance(n, "received", "材料齐全，已受理")
	kt.svc.SetOnline(false)
	kt.svc.Send(ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: n, CaseNumber: n}})
	kt.k.Settle()
	test.AssertRendersToMarkup(t, "progress_offline.xml", kt.w.Canvas())
}
