package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// kbMode is which on-screen keyboard a field needs.
type kbMode int

const (
	kbNone       kbMode = iota
	kbDigits            // 0-9
	kbDecimal           // 0-9 and a point
	kbPhone             // 0-9 and - for a landline's area code
	kbIDNumber          // 0-9 and X
	kbLetters           // a-z and digits: search by pinyin or initials
	kbPinyin            // Chinese by pinyin with a candidate bar; 中/英 switches to letters
	kbCaseNumber        // A-Z, 0-9 and -: case numbers from a receipt
)

// keyboard is the on-screen keyboard: a numeric keypad, Latin letters, or
// pinyin with candidates, typing into one target entry. No physical
// keyboard is assumed; one typing into the focused entry still works.
type keyboard struct {
	k        *Kiosk
	target   fyne.Focusable
	mode     kbMode
	latin    bool // pinyin keyboard switched to letters
	comp     pinyinComposer
	candPage int
	onEnter  func()
	enterKey string

	box   *fyne.Container
	cands *fyne.Container
}

func newKeyboard(k *Kiosk) *keyboard {
	kb := &keyboard{k: k, box: container.NewStack()}
	return kb
}

// object is the keyboard's place on screen; it changes in place.
func (kb *keyboard) object() fyne.CanvasObject { return kb.box }

// attach makes the keyboard type into target with the keys mode needs.
func (kb *keyboard) attach(target fyne.Focusable, mode kbMode) {
	if kb.target == target && kb.mode == mode {
		return
	}
	kb.commitPending()
	kb.target, kb.mode, kb.latin = target, mode, false
	kb.rebuild()
}

// setEnter adds an action key (搜索, 查询) to the keyboard.
func (kb *keyboard) setEnter(label string, f func()) {
	kb.enterKey, kb.onEnter = label, f
}

// wipe drops anything composed: it may be a citizen's name.
func (kb *keyboard) wipe() {
	if kb.comp != nil {
		kb.comp.Reset()
	}
	kb.comp = nil
	kb.target = nil
	kb.mode = kbNone
	kb.rebuild()
}

func (kb *keyboard) rebuild() {
	kb.box.Objects = nil
	kb.cands = nil
	switch kb.mode {
	case kbNone:
	case kbDigits, kbDecimal, kbPhone, kbIDNumber:
		kb.box.Objects = []fyne.CanvasObject{kb.keypad()}
	default:
		kb.box.Objects = []fyne.CanvasObject{kb.letters()}
	}
	kb.box.Refresh()
}

func (kb *keyboard) key(label string, f func()) *button {
	b := newButton(label, func() {
		kb.k.touch()
		f()
		kb.refocus()
	})
	return b
}

func (kb *keyboard) keyH() float32 { return 80 * kb.k.th.scale() }

func (kb *keyboard) keyRow(weights []float32, keys ...fyne.CanvasObject) fyne.CanvasObject {
	return sized(weightedRow(theme.Padding(), weights, keys...), 0, kb.keyH())
}

// keypad is the numeric keypad: three columns, the extra key (X, -, .)
// left of 0, delete on the right.
func (kb *keyboard) keypad() fyne.CanvasObject {
	digit := func(r rune) fyne.CanvasObject { return kb.key(string(r), func() { kb.typeRune(r) }) }
	extra := fyne.CanvasObject(layout.NewSpacer())
	switch kb.mode {
	case kbIDNumber:
		extra = kb.key("X", func() { kb.typeRune('X') })
	case kbPhone:
		extra = kb.key("-", func() { kb.typeRune('-') })
	case kbDecimal:
		extra = kb.key(".", func() { kb.typeRune('.') })
	}
	del := kb.key(kb.k.t("kb.delete"), kb.backspace)
	del.Importance = widget.WarningImportance
	clr := kb.key(kb.k.t("kb.clear"), kb.clear)
	rows := []fyne.CanvasObject{
		kb.keyRow(nil, digit('1'), digit('2'), digit('3')),
		kb.keyRow(nil, digit('4'), digit('5'), digit('6')),
		kb.keyRow(nil, digit('7'), digit('8'), digit('9')),
		kb.keyRow(nil, extra, digit('0'), del),
	}
	last := []fyne.CanvasObject{clr}
	if kb.onEnter != nil {
		ent := kb.key(kb.enterKey, func() { kb.onEnter() })
		ent.Importance = widget.HighImportance
		last = append(last, ent)
	}
	rows = append(rows, kb.keyRow(nil, last...))
	pad := container.New(colLayout{gap: theme.Padding()}, rows...)
	// A keypad as wide as the screen has keys too far apart; keep it compact.
	return container.New(maxWidthLayout{w: 720 * kb.k.th.scale()}, pad)
}

func (kb *keyboard) letters() fyne.CanvasObject {
	upper := kb.mode == kbCaseNumber
	pinyin := kb.mode == kbPinyin && !kb.latin
	if pinyin && kb.comp == nil {
		kb.comp = newComposer()
	}
	letter := func(r rune) fyne.CanvasObject {
		label := string(r)
		if upper {
			label = strings.ToUpper(label)
		}
		return kb.key(label, func() { kb.typeLetter(r) })
	}
	rowOf := func(s string) []fyne.CanvasObject {
		var out []fyne.CanvasObject
		for _, r := range s {
			out = append(out, letter(r))
		}
		return out
	}
	var rows []fyne.CanvasObject
	if pinyin {
		kb.cands = container.New(rowLayout{gap: theme.Padding()})
		rows = append(rows, sized(kb.cands, 0, kb.keyH()))
		kb.refreshCandidates()
	}
	digits := func(r rune) fyne.CanvasObject { return kb.key(string(r), func() { kb.typeRune(r) }) }
	var dr []fyne.CanvasObject
	for _, r := range "1234567890" {
		dr = append(dr, digits(r))
	}
	rows = append(rows,
		kb.keyRow(nil, dr...),
		kb.keyRow(nil, rowOf("qwertyuiop")...),
		kb.keyRow(nil, rowOf("asdfghjkl")...),
	)
	del := kb.key(kb.k.t("kb.delete"), kb.backspace)
	del.Importance = widget.WarningImportance
	third := rowOf("zxcvbnm")
	if kb.mode == kbCaseNumber {
		third = append(third, kb.key("-", func() { kb.typeRune('-') }))
	}
	rows = append(rows, kb.keyRow(append(repeat(1, len(third)), 1.6), append(third, del)...))
	var bottom []fyne.CanvasObject
	var weights []float32
	if kb.mode == kbPinyin {
		label := kb.k.t("kb.toLatin")
		if kb.latin {
			label = kb.k.t("kb.toPinyin")
		}
		sw := kb.key(label, kb.toggleLatin)
		bottom, weights = append(bottom, sw), append(weights, 1.5)
	}
	bottom = append(bottom, kb.key(kb.k.t("kb.clear"), kb.clear))
	weights = append(weights, 1.5)
	if kb.mode != kbCaseNumber {
		bottom = append(bottom, kb.key(kb.k.t("kb.space"), kb.space))
		weights = append(weights, 4)
	}
	if kb.onEnter != nil {
		ent := kb.key(kb.enterKey, func() { kb.commitPending(); kb.onEnter() })
		ent.Importance = widget.HighImportance
		bottom, weights = append(bottom, ent), append(weights, 2)
	}
	rows = append(rows, kb.keyRow(weights, bottom...))
	return container.New(colLayout{gap: theme.Padding()}, rows...)
}

func repeat(v float32, n int) []float32 {
	out := make([]float32, n)
	for i := range out {
		out[i] = v
	}
	return out
}

// candPer is how many candidates the bar shows at once.
func (kb *keyboard) candPer() int {
	if kb.k.elderly {
		return 4
	}
	return 6
}

func (kb *keyboard) refreshCandidates() {
	if kb.cands == nil {
		return
	}
	kb.cands.Objects = nil
	pending := ""
	if kb.comp != nil {
		pending = kb.comp.Pending()
	}
	if pending == "" {
		hint := newText(kb.k.t("kb.pinyinHint"), theme.Color(theme.ColorNamePlaceHolder))
		hint.TextSize = theme.Size(theme.SizeNameText)
		hint.Alignment = fyne.TextAlignCenter
		kb.cands.Layout = rowLayout{}
		kb.cands.Objects = []fyne.CanvasObject{hint}
		kb.cands.Refresh()
		return
	}
	per := kb.candPer()
	all := kb.comp.Candidates((kb.candPage+1)*per + 1)
	start := min(kb.candPage*per, len(all))
	page := all[start:min(start+per, len(all))]
	label := newTextLine(pending, theme.Size(theme.SizeNameText), theme.ColorNamePrimary)
	objs := []fyne.CanvasObject{label}
	weights := []float32{1.4}
	for i, c := range page {
		i := start + i
		b := kb.key(c.Text, func() { kb.pick(i) })
		if i == 0 {
			b.Importance = widget.HighImportance
		}
		objs, weights = append(objs, b), append(weights, float32(max(1, len([]rune(c.Text))))*0.5+0.5)
	}
	for len(objs) < per+1 {
		objs, weights = append(objs, layout.NewSpacer()), append(weights, 1)
	}
	prev := kb.key("‹", func() { kb.candPage--; kb.refreshCandidates() })
	next := kb.key("›", func() { kb.candPage++; kb.refreshCandidates() })
	enable(prev, kb.candPage > 0)
	enable(next, len(all) > start+per)
	objs, weights = append(objs, prev, next), append(weights, 0.6, 0.6)
	kb.cands.Layout = rowLayout{weights: weights, gap: theme.Padding()}
	kb.cands.Objects = objs
	kb.cands.Refresh()
}

func (kb *keyboard) refocus() {
	if kb.target != nil && kb.k.win != nil {
		kb.k.win.Canvas().Focus(kb.target)
	}
}

func (kb *keyboard) typeRune(r rune) {
	kb.commitPending()
	if kb.target != nil {
		kb.target.TypedRune(r)
	}
}

func (kb *keyboard) typeText(s string) {
	if kb.target == nil {
		return
	}
	for _, r := range s {
		kb.target.TypedRune(r)
	}
}

func (kb *keyboard) typeLetter(r rune) {
	switch {
	case kb.mode == kbPinyin && !kb.latin:
		kb.comp.Type(byte(r))
		kb.candPage = 0
		kb.refreshCandidates()
	case kb.mode == kbCaseNumber:
		kb.typeRune(r - 'a' + 'A')
	default:
		kb.typeRune(r)
	}
}

func (kb *keyboard) pick(i int) {
	kb.typeText(kb.comp.Pick(i))
	kb.candPage = 0
	kb.refreshCandidates()
}

// commitPending turns pending pinyin into its best candidate (or the
// letters themselves), so switching fields or keyboards loses nothing.
func (kb *keyboard) commitPending() {
	if kb.comp == nil {
		return
	}
	for p := kb.comp.Pending(); p != ""; p = kb.comp.Pending() {
		if len(kb.comp.Candidates(1)) > 0 {
			kb.typeText(kb.comp.Pick(0))
			if len(kb.comp.Pending()) < len(p) {
				continue
			}
		}
		// No word for what is left: keep the letters themselves.
		kb.typeText(kb.comp.CommitInput())
		break
	}
	kb.candPage = 0
	kb.refreshCandidates()
}

func (kb *keyboard) backspace() {
	if kb.comp != nil && kb.comp.Pending() != "" {
		kb.comp.Backspace()
		kb.candPage = 0
		kb.refreshCandidates()
		return
	}
	if kb.target != nil {
		kb.target.TypedKey(&fyne.KeyEvent{Name: fyne.KeyBackspace})
	}
}

func (kb *keyboard) space() {
	if kb.comp != nil && kb.comp.Pending() != "" {
		kb.pick(0)
		return
	}
	kb.typeRune(' ')
}

func (kb *keyboard) clear() {
	if kb.comp != nil {
		kb.comp.Reset()
		kb.refreshCandidates()
	}
	if e, ok := kb.target.(interface{ SetText(string) }); ok {
		e.SetText("")
	}
}

func (kb *keyboard) toggleLatin() {
	kb.commitPending()
	kb.latin = !kb.latin
	kb.rebuild()
}

// maxWidthLayout centres its child and keeps it no wider than w.
type maxWidthLayout struct{ w float32 }

func (l maxWidthLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, l.w)
	for _, o := range objs {
		o.Move(fyne.NewPos((size.Width-w)/2, 0))
		o.Resize(fyne.NewSize(w, size.Height))
	}
}

func (l maxWidthLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		s = s.Max(o.MinSize())
	}
	return s
}

// attachLatin is attach, starting a pinyin keyboard on its letters: search
// takes pinyin and initials as typed.
func (kb *keyboard) attachLatin(target fyne.Focusable, mode kbMode) {
	if kb.target == target && kb.mode == mode {
		return
	}
	kb.commitPending()
	kb.target, kb.mode, kb.latin = target, mode, true
	kb.rebuild()
}
