package ui_test

import (
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"govkiosk/ui"
)

// fakeDemo records what the panel asked the simulators to do.
type fakeDemo struct {
	calls   []string
	receipt string
}

func (f *fakeDemo) Cards() []ui.DemoCard {
	return []ui.DemoCard{{ID: "young", Label: "居民身份证 · 测*甲"}, {ID: "expired", Label: "过期证件 · 过*乙"}}
}
func (f *fakeDemo) PlaceCard(id string) error { f.calls = append(f.calls, "place "+id); return nil }
func (f *fakeDemo) RemoveCard() error         { f.calls = append(f.calls, "remove"); return nil }
func (f *fakeDemo) Codes() []ui.DemoCode {
	return []ui.DemoCode{{Label: "最近回执二维码", Text: "QH0001-20261125-000001-A"}}
}
func (f *fakeDemo) Scan(text string) error { f.calls = append(f.calls, "scan "+text); return nil }
func (f *fakeDemo) SetPaperOut(out bool) error {
	f.calls = append(f.calls, "paper "+map[bool]string{true: "out", false: "ok"}[out])
	return nil
}
func (f *fakeDemo) LastReceipt() string { return f.receipt }

func TestDemoPanelDrivesTheSimulators(t *testing.T) {
	app := test.NewTempApp(t)
	dir := t.TempDir()
	receipt := filepath.Join(dir, "receipt.png")
	img := image.NewGray(image.Rect(0, 0, 40, 80))
	img.Set(1, 1, color.White)
	out, _ := os.Create(receipt)
	if err := png.Encode(out, img); err != nil {
		t.Fatal(err)
	}
	out.Close()
	f := &fakeDemo{receipt: receipt}
	w := ui.NewDemoPanel(app, f)
	t.Cleanup(w.Close)

	button := func(label string) *ui.Button {
		t.Helper()
		var found *ui.Button
		walkAll(w.Canvas().Content(), func(o fyne.CanvasObject) {
			if b, ok := o.(*ui.Button); ok && b.Text == label {
				found = b
			}
		})
		if found == nil {
			t.Fatalf("no button %q on the panel", label)
		}
		return found
	}
	test.Tap(button("居民身份证 · 测*甲"))
	test.Tap(button("取走身份证 Remove card"))
	test.Tap(button("最近回执二维码"))
	test.Tap(button("打印机缺纸 Paper out"))
	test.Tap(button("装纸 Paper OK"))
	want := []string{"place young", "remove", "scan QH0001-20261125-000001-A", "paper out", "paper ok"}
	if !reflect.DeepEqual(f.calls, want) {
		t.Errorf("calls = %q, want %q", f.calls, want)
	}
	shown := false
	walkAll(w.Canvas().Content(), func(o fyne.CanvasObject) {
		if i, ok := o.(*canvas.Image); ok && i.File == receipt {
			shown = true
		}
	})
	if !shown {
		t.Error("the last receipt is not shown")
	}
}

func walkAll(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	f(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkAll(c, f)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			walkAll(c, f)
		}
	}
}
