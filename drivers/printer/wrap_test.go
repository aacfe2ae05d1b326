package printer_test

import (
	"slices"
	"testing"

	"govkiosk/drivers/printer"
)

func TestDisplayWidthCountsChineseAsTwoColumns(t *testing.T) {
	tests := []struct {
		s    string
		want int
	}{
		{"", 0},
		{"abc 123", 7},
		{"受理回执", 8},
		{"受理编号：QH0001", 16},
		{"（1份）", 7},
		{"tab\tbell\a", 7}, // control characters take no column
		{"㐀", 2},           // four-byte GB18030 code: still one Chinese cell
	}
	for _, tt := range tests {
		if got := printer.DisplayWidth(tt.s); got != tt.want {
			t.Errorf("DisplayWidth(%q) = %d, want %d", tt.s, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name   string
		s      string
		cols   int
		indent int
		want   []string
	}{
		{"a line that fits stays whole", "办理事项：居住证申领", 32, 0, []string{"办理事项：居住证申领"}},
		{"Chinese breaks between any two characters", "一二三四五六七八九十", 8, 0, []string{"一二三四", "五六七八", "九十"}},
		{"a line never exceeds the width with a wide character at the edge", "a一二三四五", 8, 0, []string{"a一二三", "四五"}},
		{"a lone last character takes one from the line before", "清河市民中心公安户政窗口", 22, 0, []string{"清河市民中心公安户政", "窗口"}},
		{"an ASCII word moves whole to the next line", "受理编号：QH0001-20261125-000007-K", 32, 0,
			[]string{"受理编号：", "QH0001-20261125-000007-K"}},
		{"English breaks at spaces and drops them", "print the test page now", 10, 0, []string{"print the", "test page", "now"}},
		{"a word longer than a line is cut hard", "ABCDEFGHIJKLMNOP", 6, 0, []string{"ABCDEF", "GHIJKL", "MNOP"}},
		{"closing punctuation never starts a line", "一二三，四五", 6, 0, []string{"一二", "三，四", "五"}},
		{"an opening bracket never ends a line", "一二（三）", 6, 0, []string{"一二", "（三）"}},
		{"newline starts a line, empty text is a blank line", "一\n\n二", 32, 0, []string{"一", "", "二"}},
		{"control characters are dropped", "打\x1b@印\x10\x04\x01机", 32, 0, []string{"打@印机"}},
		{"hanging indent narrows the following lines", "地址：清河市望江路188号市民中心一楼A区", 16, 6,
			[]string{"地址：清河市望江", "路188号市", "民中心一楼", "A区"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := printer.WrapIndent(tt.s, tt.cols, tt.indent)
			if !slices.Equal(got, tt.want) {
				t.Errorf("WrapIndent(%q, %d, %d) = %q, want %q", tt.s, tt.cols, tt.indent, got, tt.want)
			}
			for i, l := range got {
				limit := tt.cols
				if i > 0 {
					limit -= tt.indent
				}
				if printer.DisplayWidth(l) > limit {
					t.Errorf("line %q is %d columns, more than %d", l, printer.DisplayWidth(l), limit)
				}
			}
		})
	}
}
