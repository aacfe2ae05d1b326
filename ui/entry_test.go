package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"govkiosk/ui"
)

// The kiosk's entry edits at its caret, tells its screen of every change
// (SetText too, as the month picker and 清空 rely on), and shows the end
// of a text too long for it.
func TestEntryEditsAndReports(t *testing.T) {
	test.NewTempApp(t)
	e := ui.NewEntry()
	var changes []string
	e.OnChanged = func(s string) { changes = append(changes, s) }
	e.SetPlaceHolder("请输入")
	e.Resize(fyne.NewSize(300, 88))
	if got := e.Shown(); got != "请输入" {
		t.Errorf("empty entry shows %q, want the placeholder", got)
	}
	test.Type(e, "社保")
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyLeft})
	e.TypedRune('会')
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEnd})
	e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	if e.Text != "社会" {
		t.Errorf("text %q, want 社会", e.Text)
	}
	e.SetText("2020-01")
	e.SetText("2020-01") // unchanged: no report
	want := []string{"社", "社保", "社会保", "社会", "2020-01"}
	if strings.Join(changes, "|") != strings.Join(want, "|") {
		t.Errorf("OnChanged heard %q, want %q", changes, want)
	}
	long := strings.Repeat("清河市某某有限公司", 5)
	e.SetText(long)
	if got := e.Shown(); !strings.HasPrefix(got, "…") || !strings.HasSuffix(long, strings.TrimPrefix(got, "…")) {
		t.Errorf("a long text shows %q, want its end after …", got)
	}
}
