package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// keyboardFor is the on-screen keyboard a field type needs.
func keyboardFor(f *kiosk.Field) kbMode {
	switch f.Type {
	case kiosk.FieldPhone:
		return kbPhone
	case kiosk.FieldPostcode:
		return kbDigits
	case kiosk.FieldNumber:
		return kbDecimal
	case kiosk.FieldIDNumber:
		return kbIDNumber
	case kiosk.FieldDate, kiosk.FieldMonth, kiosk.FieldChoice:
		return kbNone
	}
	return kbPinyin
}

// fieldWidth is the width form fields get: all of it in portrait, the left
// half in landscape (the keyboard takes the right).
func (k *Kiosk) fieldWidth() float32 {
	if k.landscape() {
		return k.width()/2 - 24
	}
	return k.width()
}

// masked reports whether a field shows the card holder's own name or
// number, which screens show only masked.
func (s *applyScreen) masked(k *Kiosk, f *kiosk.Field) bool {
	id := k.identity()
	if id == nil || s.unmasked[f.Name] || (f.Prefill != "name" && f.Prefill != "id_number") {
		return false
	}
	v, _ := id.Prefill(f.Prefill)
	return v != "" && s.run.Value(f.Name) == v
}

// formBody lays the step's fields out a page at a time beside the keyboard
// the active field needs: letters and pinyin, a keypad, a date picker, or
// none for a choice.
func (s *applyScreen) formBody(k *Kiosk, st *kiosk.Step) fyne.CanvasObject {
	s.gen++
	s.entries = map[string]*kEntry{}
	s.kb = newKeyboard(k)
	kbHolder := container.NewStack()
	showing := "" // the field kbHolder serves now
	fields := st.Fields
	blocks := make([]fyne.CanvasObject, len(fields))
	activators := make([]func(), len(fields))
	for i := range fields {
		blocks[i], activators[i] = s.fieldBlock(k, &fields[i], kbHolder, &showing)
	}
	p := newPager(k, func(float32) []fyne.CanvasObject { return blocks })
	p.page = s.formPage
	s.pager = p

	// The keyboard area is as tall as the tallest panel this form needs,
	// so switching fields never moves the fields under the finger.
	var h float32
	for i := range fields {
		switch f := &fields[i]; f.Type {
		case kiosk.FieldDate:
			h = max(h, newDatePicker(k, false, "", func(string) {}).object().MinSize().Height)
		case kiosk.FieldMonth:
			h = max(h, newDatePicker(k, true, "", func(string) {}).object().MinSize().Height)
		case kiosk.FieldChoice:
		default:
			probe := newKeyboard(k)
			probe.attach(newKEntry(k), keyboardFor(f))
			h = max(h, probe.object().MinSize().Height)
		}
	}
	area := container.New(minLayout{0, h}, kbHolder)

	// The keyboard serves a field on the page shown: the one chosen
	// before if it is there, else the page's first empty field, else its
	// first field that takes typing.
	p.onPaged = func(pg, _ int) {
		if s.pager != p {
			return // a pager from an earlier build, being laid out once more
		}
		s.formPage = pg
		pick := -1
		for i := range fields {
			if activators[i] == nil || p.PageOf(i) != pg {
				continue
			}
			if fields[i].Name == s.active {
				pick = i
				break
			}
			if pick < 0 && s.run.Value(fields[i].Name) == "" {
				pick = i
			}
		}
		if pick < 0 {
			for i := range fields {
				if activators[i] != nil && p.PageOf(i) == pg {
					pick = i
					break
				}
			}
		}
		if pick < 0 {
			s.active, showing = "", ""
			s.kb.attach(nil, kbNone)
			kbHolder.Objects = nil
			kbHolder.Refresh()
			return
		}
		activators[pick]()
		if e := s.entries[fields[pick].Name]; e != nil && k.win.Canvas().Focused() != e {
			k.focusLater(e)
		}
		if !k.rendering {
			k.flushFocus()
		}
	}
	if k.landscape() {
		return weightedRow(theme.Padding()*6, []float32{1, 1}, p, container.NewVBox(area))
	}
	if h == 0 {
		return p
	}
	return column(theme.Padding()*3, 0, p, area)
}

// fieldBlock is one field: its label, its input and the line under it (the
// error from Run.FieldError, or the hint). It returns the function that
// gives the field the keyboard, nil for fields that need none.
func (s *applyScreen) fieldBlock(k *Kiosk, f *kiosk.Field, kbHolder *fyne.Container, showing *string) (fyne.CanvasObject, func()) {
	w := k.fieldWidth()
	label := k.text(f.Label)
	if f.Required {
		label += " *"
	}
	title := newTextLine(label, theme.Size(theme.SizeNameText), theme.ColorNameForeground)
	msg := container.NewStack()
	setMsg := func() {
		msg.Objects = nil
		if e := s.run.FieldError(f.Name); e != nil {
			msg.Objects = []fyne.CanvasObject{wrapped("⚠ "+k.text(e.Message), theme.Size(theme.SizeNameText), theme.ColorNameError, w, fyne.TextAlignLeading)}
		} else if hint := k.text(f.Hint); hint != "" {
			msg.Objects = []fyne.CanvasObject{wrapped(hint, theme.Size(theme.SizeNameCaptionText), theme.ColorNamePlaceHolder, w, fyne.TextAlignLeading)}
		}
		msg.Refresh()
	}
	setMsg()
	block := func(input fyne.CanvasObject) fyne.CanvasObject {
		return container.New(colLayout{gap: theme.Padding()}, title, input, msg)
	}

	if f.Type == kiosk.FieldChoice {
		return block(s.choiceInput(k, f, setMsg)), nil
	}
	if s.masked(k, f) {
		v := s.run.Value(f.Name)
		shown := kiosk.MaskName(v)
		if f.Prefill == "id_number" {
			shown = kiosk.MaskIDNumber(v)
		}
		info := newTile(shown, k.t("form.fromCard"), tileInfo, nil)
		edit := newButton(k.t("form.edit"), func() {
			k.touch()
			if s.unmasked == nil {
				s.unmasked = map[string]bool{}
			}
			s.unmasked[f.Name] = true
			s.run.SetValue(f.Name, "")
			s.active = f.Name
			k.render()
		})
		return block(weightedRow(theme.Padding()*2, []float32{4, 1}, info, sized(edit, 0, k.touchH()))), nil
	}

	e := newKEntry(k)
	e.SetText(s.run.Value(f.Name))
	if f.Type == kiosk.FieldDate {
		e.SetPlaceHolder(k.t("form.pickDate"))
	} else if f.Type == kiosk.FieldMonth {
		e.SetPlaceHolder(k.t("form.pickMonth"))
	} else if hint := k.text(f.Hint); hint != "" {
		e.SetPlaceHolder(k.t("form.typeHere"))
	}
	e.OnChanged = func(v string) {
		k.touch()
		hadErr := s.run.FieldError(f.Name) != nil
		s.run.SetValue(f.Name, v)
		if hadErr {
			setMsg()
		}
	}
	s.entries[f.Name] = e
	gen := s.gen
	activate := func() {
		if s.gen != gen || *showing == f.Name {
			return
		}
		s.active, *showing = f.Name, f.Name
		switch f.Type {
		case kiosk.FieldDate, kiosk.FieldMonth:
			s.kb.attach(nil, kbNone)
			dp := newDatePicker(k, f.Type == kiosk.FieldMonth, s.run.Value(f.Name), func(v string) { e.SetText(v) })
			kbHolder.Objects = []fyne.CanvasObject{dp.object()}
		default:
			s.kb.attach(e, keyboardFor(f))
			kbHolder.Objects = []fyne.CanvasObject{s.kb.object()}
		}
		kbHolder.Refresh()
	}
	e.onFocus = func() {
		k.touch()
		activate()
	}
	return block(sized(e, 0, k.touchH())), activate
}

// choiceInput shows a choice field's options as big buttons.
func (s *applyScreen) choiceInput(k *Kiosk, f *kiosk.Field, setMsg func()) fyne.CanvasObject {
	w := k.fieldWidth()
	text := theme.Size(theme.SizeNameText)
	widest := float32(0)
	for _, o := range f.Options {
		widest = max(widest, measureText(k.text(o.Label), text, fyne.TextStyle{}).Width)
	}
	pad := theme.Size(theme.SizeNameInnerPadding)*2 + 8
	cols := 1
	for _, c := range []int{3, 2} {
		if widest+pad <= (w-float32(c-1)*theme.Padding()*2)/float32(c) {
			cols = c
			break
		}
	}
	tiles := make([]*tile, len(f.Options))
	paint := func() {
		for i, o := range f.Options {
			if s.run.Value(f.Name) == o.Value {
				tiles[i].Kind = tileSelected
			} else {
				tiles[i].Kind = tilePlain
			}
			tiles[i].Refresh()
		}
	}
	objs := make([]fyne.CanvasObject, len(f.Options))
	for i, o := range f.Options {
		tiles[i] = newTile(k.text(o.Label), "", tilePlain, func() {
			k.touch()
			hadErr := s.run.FieldError(f.Name) != nil
			s.run.SetValue(f.Name, o.Value)
			paint()
			if hadErr {
				setMsg()
			}
		})
		objs[i] = tiles[i]
	}
	paint()
	return container.New(gridLayout{cols: cols, gap: theme.Padding() * 2}, objs...)
}

// showFormErrors turns to the page of the first field in error; every
// field shows its own message.
func (s *applyScreen) showFormErrors(k *Kiosk, fe *kiosk.FormError) {
	st := s.run.Step()
	first := fe.Fields[0].Field
	s.active = first // the keyboard serves the first field in error
	k.render()
	// The pager knows which page a field is on only once laid out.
	if p := s.pager; p != nil {
		for i := range st.Fields {
			if st.Fields[i].Name == first {
				p.SetPage(p.PageOf(i))
				s.formPage = p.Page()
			}
		}
	}
}

// materialsBody is the checklist of materials: for each, 电子证照免提交 where
// an e-licence may replace it, scan (when a capture device is configured)
// or 稍后补交 (listed on the receipt: 一次性告知).
func (s *applyScreen) materialsBody(k *Kiosk) fyne.CanvasObject {
	w := k.width()
	intro := wrapped(k.t("materials.intro"), theme.Size(theme.SizeNameText), theme.ColorNamePlaceHolder, w, fyne.TextAlignLeading)
	var blocks []fyne.CanvasObject
	for _, m := range s.run.Item.Materials {
		blocks = append(blocks, s.materialBlock(k, m))
	}
	p := newPager(k, func(float32) []fyne.CanvasObject { return blocks })
	return column(theme.Padding()*3, 1, intro, p)
}

func (s *applyScreen) materialBlock(k *Kiosk, m kiosk.Material) fyne.CanvasObject {
	name := newTextLine(m.Name, theme.Size(theme.SizeNameSubHeadingText), theme.ColorNameForeground)
	tags := newTextLine(strings.Join(materialTags(k, m), " · "), theme.Size(theme.SizeNameCaptionText), theme.ColorNamePlaceHolder)
	parts := []fyne.CanvasObject{name, tags}
	if m.Note != "" {
		parts = append(parts, wrapped(m.Note, theme.Size(theme.SizeNameCaptionText), theme.ColorNamePlaceHolder, k.width()-48, fyne.TextAlignLeading))
	}
	type opt struct {
		choice kiosk.MaterialChoice
		tile   *tile
	}
	var opts []*opt
	paint := func() {
		rec := s.run.Material(m.ID)
		for _, o := range opts {
			o.tile.Kind = tilePlain
			if rec != nil && rec.Choice == o.choice {
				o.tile.Kind = tileSelected
			}
			o.tile.Refresh()
		}
	}
	choose := func(c kiosk.MaterialChoice) {
		k.touch()
		if err := s.run.ChooseMaterial(m.ID, c, nil); err != nil {
			k.showMessage(k.t("materials.missingTitle"), Message(err))
			return
		}
		paint()
	}
	add := func(c kiosk.MaterialChoice, f func()) {
		o := &opt{choice: c}
		o.tile = newTile(k.t("material.choice."+string(c)), "", tilePlain, f)
		opts = append(opts, o)
	}
	if m.ELicence {
		add(kiosk.MaterialELicence, func() { choose(kiosk.MaterialELicence) })
	}
	if k.opts.Capture != nil {
		add(kiosk.MaterialScanned, func() { s.scanMaterial(k, m, paint) })
	}
	add(kiosk.MaterialLater, func() { choose(kiosk.MaterialLater) })
	paint()
	var tiles []fyne.CanvasObject
	for _, o := range opts {
		tiles = append(tiles, o.tile)
	}
	parts = append(parts, container.New(gridLayout{cols: 3, gap: theme.Padding() * 2}, tiles...))
	return outlined(colCard, theme.Color(theme.ColorNameSeparator), container.New(colLayout{gap: theme.Padding()}, parts...), 16)
}
