package ui_test

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"govkiosk/ui"
)

func TestWrapTextBreaksChineseAnywhereButKeepsWordsAndPunctuation(t *testing.T) {
	test.NewTempApp(t)
	width := fyne.MeasureText("国国国国国国国国国国", 26, fyne.TextStyle{}).Width
	for _, c := range []struct {
		name, in string
		check    func([]string) string
	}{
		{"chinese fills lines", "一二三四五六七八九十一二三四五", func(ls []string) string {
			if len(ls) != 2 || ls[0] != "一二三四五六七八九十" {
				return "want 10 characters then the rest"
			}
			return ""
		}},
		{"no line starts with closing punctuation", "一二三四五六七八九十，一二三", func(ls []string) string {
			for _, l := range ls {
				if strings.HasPrefix(l, "，") {
					return "a line starts with ，"
				}
			}
			return ""
		}},
		{"punctuation that does not fit takes the last character down", "一二三四五六七八九十。二", func(ls []string) string {
			if len(ls) != 2 || ls[0] != "一二三四五六七八九" || ls[1] != "十。二" {
				return "want 九 to end the first line and 十。 to start the second"
			}
			return ""
		}},
		{"latin words stay whole", "Printing of Social Insurance Contribution Certificate", func(ls []string) string {
			joined := strings.Join(ls, " ")
			if joined != "Printing of Social Insurance Contribution Certificate" {
				return "words were split or lost: " + joined
			}
			return ""
		}},
		{"newlines are kept", "一\n\n二", func(ls []string) string {
			if len(ls) != 3 || ls[1] != "" {
				return "want three lines, the middle empty"
			}
			return ""
		}},
	} {
		lines := ui.WrapText(c.in, width)
		if msg := c.check(lines); msg != "" {
			t.Errorf("%s: %q: %s", c.name, lines, msg)
		}
		for _, l := range lines {
			// Never wider than asked: a wider line makes a wider screen,
			// and Fyne widens the kiosk's window to fit it.
			if w := fyne.MeasureText(l, 26, fyne.TextStyle{}).Width; w > width {
				t.Errorf("%s: line %q is %v wide, width %v", c.name, l, w, width)
			}
		}
	}
}
