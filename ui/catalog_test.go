package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
	"govkiosk/ui"
)

func TestCatalogBrowserSearchAsYouType(t *testing.T) {
	test.NewTempApp(t)
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	b := ui.NewCatalogBrowser(cat, search.New(cat))
	w := test.NewTempWindow(t, b.Content())
	w.Resize(w.Canvas().Size().Max(b.Content().MinSize()))
	if got := len(b.Shown()); got != len(cat.Items) {
		t.Fatalf("empty query shows %d items, want all %d", got, len(cat.Items))
	}
	test.Type(b.Search, "sbcb")
	shown := b.Shown()
	if len(shown) == 0 || shown[0].Name.ZH != "社会保险参保缴费证明打印" {
		t.Fatalf("sbcb shows %v", shown)
	}
	b.List.Select(0)
	if !strings.Contains(b.Guide.Text, "事项编码：339900-RS-GG-0001") || !strings.Contains(b.Guide.Text, "即办件") {
		t.Errorf("guide = %q", b.Guide.Text)
	}
	b.Search.SetText("")
	if len(b.Shown()) != len(cat.Items) {
		t.Error("clearing the query did not list everything again")
	}
}
