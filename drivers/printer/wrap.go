package printer

import "strings"

// RuneWidth is the number of columns r takes on the printer: ASCII prints
// in a Font A cell, every other character (GB18030 two- or four-byte code)
// as a Chinese glyph twice as wide. Control characters take none.
func RuneWidth(r rune) int {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return 0
	case r < 0x80:
		return 1
	}
	return 2
}

// DisplayWidth is the number of columns s takes on the printer.
func DisplayWidth(s string) int {
	w := 0
	for _, r := range s {
		w += RuneWidth(r)
	}
	return w
}

// Chinese line-breaking rules (避头尾): these never start a line…
const noStart = "，。、；：？！）》」』】〕〉”’…—·,.;:?!)]}%"

// …and these never end one.
const noEnd = "（《「『【〔〈“‘([{"

// Wrap splits s into lines of at most cols columns. It breaks between any
// two Chinese characters but not inside a run of ASCII letters and digits
// (a case number, a phone number, an English word) unless the run is
// longer than a line, and it keeps closing punctuation off the start of a
// line and opening brackets off its end. "\n" starts a new line; control
// characters are dropped. Trailing spaces are trimmed.
func Wrap(s string, cols int) []string { return WrapIndent(s, cols, 0) }

// WrapIndent is Wrap with a hanging indent: every line after the first of
// a paragraph holds indent columns fewer, for the caller to indent. The
// lines it returns carry no indent.
func WrapIndent(s string, cols, indent int) []string {
	cols = max(cols, 2)
	indent = min(max(indent, 0), cols-2)
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = wrapParagraph(out, para, cols, cols-indent)
	}
	return out
}

func wrapParagraph(out []string, s string, first, rest int) []string {
	cols, n0 := first, len(out)
	rs := make([]rune, 0, len(s))
	for _, r := range s {
		if r == '\t' {
			r = ' '
		}
		if RuneWidth(r) > 0 {
			rs = append(rs, r)
		}
	}
	if DisplayWidth(string(rs)) <= cols {
		return append(out, strings.TrimRight(string(rs), " "))
	}
	start, w, lastBreak := 0, 0, -1
	for i := 0; i < len(rs); i++ {
		if i > start && canBreak(rs[i-1], rs[i]) {
			lastBreak = i
		}
		rw := RuneWidth(rs[i])
		if w+rw <= cols {
			w += rw
			continue
		}
		end := i // hard break: the run is longer than a line
		if rs[i] != ' ' && lastBreak > start {
			end = lastBreak
		}
		out = append(out, strings.TrimRight(string(rs[start:end]), " "))
		for end < len(rs) && rs[end] == ' ' {
			end++
		}
		start, lastBreak, w, cols = end, -1, 0, rest
		i = end - 1 // the loop's i++ resumes at end
	}
	if start < len(rs) {
		out = append(out, strings.TrimRight(string(rs[start:]), " "))
	}
	return avoidWidow(out, n0)
}

// avoidWidow keeps a paragraph from ending in a lone character (窗 / 口):
// the last character of the line before moves down to keep it company,
// where a break before it is allowed. n0 is where the paragraph's lines
// start in out.
func avoidWidow(out []string, n0 int) []string {
	n := len(out)
	if n-n0 < 2 {
		return out
	}
	last, prev := []rune(out[n-1]), []rune(out[n-2])
	if len(last) != 1 || len(prev) < 4 || !canBreak(prev[len(prev)-2], prev[len(prev)-1]) ||
		!canBreak(prev[len(prev)-1], last[0]) && prev[len(prev)-1] != ' ' {
		return out
	}
	out[n-2] = strings.TrimRight(string(prev[:len(prev)-1]), " ")
	out[n-1] = string(prev[len(prev)-1:]) + string(last)
	return out
}

func canBreak(a, b rune) bool {
	switch {
	case a == ' ' || b == ' ':
		return b != ' ' // break after a run of spaces, before the next word
	case isWordRune(a) && isWordRune(b):
		return false
	case strings.ContainsRune(noStart, b), strings.ContainsRune(noEnd, a):
		return false
	}
	return true
}

// isWordRune is an ASCII character that belongs to a word or number:
// anything printable but a space.
func isWordRune(r rune) bool { return r > ' ' && r < 0x7f }
