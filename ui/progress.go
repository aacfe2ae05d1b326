package ui

import (
	"image/color"

	"context"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// progressScreen is 办件查询: by the case number (typed on a keypad with
// letters, or scanned from the receipt's QR code) or by ID card; it shows
// the timeline, says how fresh the status is when offline, and rates a
// case not rated yet.
type progressScreen struct {
	byID       bool
	number     string
	view       *CaseView
	list       []*CaseView
	listed     bool
	evaluating bool
	eval       evalState
	hooked     bool
	entry      *kEntry
	kb         *keyboard
}

func newProgressByNumber(n string) *progressScreen { return &progressScreen{number: n} }

func (s *progressScreen) onlineMatters() {}

func (s *progressScreen) hook(k *Kiosk) {
	if !s.hooked {
		s.hooked = true
		k.onEnd(s.wipe)
	}
}

// wipe forgets the cases shown: they carry a masked name and what the
// citizen applied for.
func (s *progressScreen) wipe() {
	s.view, s.list, s.listed, s.number, s.eval = nil, nil, false, "", evalState{}
	if s.entry != nil {
		s.entry.OnChanged = nil
		s.entry.SetText("")
	}
	if s.kb != nil {
		s.kb.wipe()
	}
}

func (s *progressScreen) identified(k *Kiosk) {
	s.byID = true
	s.view, s.evaluating = nil, false
	k.render()
	s.lookupByID(k)
}

func (s *progressScreen) scanned(k *Kiosk, c ScannedCode) bool {
	if c.CaseNumber == "" {
		return false
	}
	s.byID, s.number, s.view, s.evaluating = false, c.CaseNumber, nil, false
	k.render()
	s.lookup(k)
	return true
}

func (s *progressScreen) back(k *Kiosk) bool {
	switch {
	case s.evaluating:
		s.evaluating = false
	case s.view != nil && (!s.byID || len(s.list) > 1):
		s.view = nil
	default:
		return false
	}
	k.render()
	return true
}

func (s *progressScreen) content(k *Kiosk) fyne.CanvasObject {
	s.hook(k)
	if s.view != nil {
		if s.evaluating {
			return s.evaluate(k)
		}
		return s.detail(k)
	}
	title := k.heading(k.t("progress.title"), theme.SizeNameHeadingText)
	tab := func(label string, on bool, f func()) fyne.CanvasObject {
		kind := tilePlain
		if on {
			kind = tileSelected
		}
		t := newTile(label, "", kind, func() { k.touch(); f(); k.render() })
		t.Center = true
		return t
	}
	tabs := row(theme.Padding()*3,
		tab(k.t("progress.byNumber"), !s.byID, func() { s.byID = false }),
		tab(k.t("progress.byID"), s.byID, func() {
			s.byID = true
			if k.identity() != nil && !s.listed {
				defer s.lookupByID(k)
			}
		}),
	)
	if s.byID {
		return column(theme.Padding()*3, 2, title, tabs, s.byIDBody(k))
	}
	s.entry = newKEntry(k)
	s.entry.SetPlaceHolder(k.t("progress.numberHint"))
	s.entry.SetText(s.number)
	s.entry.OnChanged = func(v string) { k.touch(); s.number = v }
	s.kb = newKeyboard(k)
	s.kb.setEnter(k.t("progress.search"), func() { s.lookup(k) })
	s.kb.attach(s.entry, kbCaseNumber)
	s.entry.onFocus = func() { k.touch() }
	k.focusLater(s.entry)
	scan := wrapped(k.t("progress.scanHint"), theme.Size(theme.SizeNameText), theme.ColorNamePlaceHolder, k.width(), fyne.TextAlignLeading)
	return column(theme.Padding()*3, 4, title, tabs, sized(s.entry, 0, k.touchH()), scan,
		layoutSpacer(), s.kb.object())
}

func layoutSpacer() fyne.CanvasObject { return canvas.NewRectangle(color.Transparent) }

func (s *progressScreen) byIDBody(k *Kiosk) fyne.CanvasObject {
	if k.identity() == nil {
		return container.NewVBox(k.identifyPanel())
	}
	if !s.listed {
		return k.identifyPanel()
	}
	if len(s.list) == 0 {
		return container.NewVBox(k.identifyPanel(),
			wrapped(k.t("progress.noneForID"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width(), fyne.TextAlignLeading))
	}
	head := newTextLine(k.tf("progress.countForID", len(s.list)), theme.Size(theme.SizeNameText), theme.ColorNameForeground)
	l := newPagedList(k, func() int { return len(s.list) },
		func() fyne.CanvasObject {
			t := newTile(" ", " ", tilePlain, nil)
			t.TitleSz = k.listTitleSize()
			return t
		},
		func(i int, o fyne.CanvasObject) {
			c, t := s.list[i], o.(*tile)
			t.Title = c.ItemName
			t.Sub = c.Number + " · " + k.statusName(c.Status)
			t.OnTapped = func() { k.touch(); s.view = c; k.render() }
			t.Refresh()
		})
	l.maxPer = k.perPage()
	return column(theme.Padding()*2, 1, head, l)
}

func (k *Kiosk) statusName(st string) string {
	if n, ok := kiosk.StatusNames[st]; ok {
		return k.text(n)
	}
	return st
}

// lookup finds the typed or scanned case number.
func (s *progressScreen) lookup(k *Kiosk) {
	k.touch()
	n, err := kiosk.ParseCaseNumber(s.number)
	if err != nil {
		k.showMessage(k.t("progress.badNumberTitle"), k.t("progress.badNumber"))
		return
	}
	var view *CaseView
	k.background(k.t("busy.looking"), func(ctx context.Context) error {
		var err error
		view, err = k.svc.LookupCase(ctx, n)
		return err
	}, func(err error) {
		switch {
		case err != nil:
			k.showMessage(k.t("progress.notFoundTitle"), k.message(err))
		case view == nil:
			k.showMessage(k.t("progress.notFoundTitle"), k.t("progress.notFound"))
		default:
			s.number, s.view = n, view
			k.render()
		}
	})
}

// lookupByID lists the identified citizen's cases.
func (s *progressScreen) lookupByID(k *Kiosk) {
	id := k.identity()
	if id == nil {
		return
	}
	var list []*CaseView
	k.background(k.t("busy.looking"), func(ctx context.Context) error {
		var err error
		list, err = k.svc.CasesOf(ctx, id)
		return err
	}, func(err error) {
		if err != nil {
			k.showMessage(k.t("progress.notFoundTitle"), k.message(err))
			return
		}
		s.list, s.listed = list, true
		if len(list) == 1 {
			s.view = list[0]
		}
		k.render()
	})
}

func (s *progressScreen) detail(k *Kiosk) fyne.CanvasObject {
	c := s.view
	w := k.width()
	text := theme.Size(theme.SizeNameText)
	title := wrapped(c.ItemName, theme.Size(theme.SizeNameHeadingText), theme.ColorNameForeground, w, fyne.TextAlignLeading)
	status := k.heading(k.t("progress.status")+k.colon()+k.statusName(c.Status), theme.SizeNameSubHeadingText)
	status.Color = theme.Color(theme.ColorNamePrimary)
	ps := []paragraph{
		{Text: k.t("print.caseNumber") + k.colon() + c.Number, Size: text},
		{Text: k.t("identify.name") + k.colon() + c.MaskedName, Size: text},
	}
	if !c.SubmittedAt.IsZero() {
		ps = append(ps, paragraph{Text: k.t("progress.submittedAt") + k.colon() + c.SubmittedAt.Format("2006-01-02 15:04"), Size: text})
	}
	if c.PromisedDate != "" {
		ps = append(ps, paragraph{Text: k.tf("print.promised", c.PromisedDate), Size: text})
	}
	if !c.FromHall {
		note := k.t("progress.neverSynced")
		if !c.UpdatedAt.IsZero() {
			note = k.tf("progress.lastKnown", c.UpdatedAt.Format("2006-01-02 15:04"))
		}
		ps = append(ps, paragraph{Text: note, Size: text, Color: theme.ColorNameWarning, Gap: true})
	}
	ps = append(ps, paragraph{Text: k.t("progress.timeline"), Size: theme.Size(theme.SizeNameSubHeadingText), Color: theme.ColorNamePrimary, Gap: true})
	for i := len(c.Timeline) - 1; i >= 0; i-- {
		ev := c.Timeline[i]
		line := ev.At.Format("2006-01-02 15:04") + "  " + k.statusName(ev.Status)
		if ev.Note != "" {
			line += k.colon() + ev.Note
		}
		col := fyne.ThemeColorName(theme.ColorNameForeground)
		if i != len(c.Timeline)-1 {
			col = theme.ColorNamePlaceHolder
		}
		ps = append(ps, paragraph{Text: "• " + line, Size: text, Color: col})
	}
	parts := []fyne.CanvasObject{title, status, newReader(k, ps)}
	switch {
	case c.Evaluated:
		parts = append(parts, newTextLine(k.t("progress.evaluated"), text, theme.ColorNameSuccess))
	case c.ID != "":
		parts = append(parts, k.primary(k.t("progress.evaluate"), func() {
			s.evaluating, s.eval = true, evalState{}
			k.render()
		}))
	}
	return column(theme.Padding()*3, 2, parts...)
}

// evaluate rates an earlier case from its progress page.
func (s *progressScreen) evaluate(k *Kiosk) fyne.CanvasObject {
	c := s.view
	title := wrapped(k.tf("progress.evaluateTitle", c.ItemName), theme.Size(theme.SizeNameSubHeadingText), theme.ColorNameForeground, k.width(), fyne.TextAlignLeading)
	num := newTextLine(c.Number, theme.Size(theme.SizeNameText), theme.ColorNamePlaceHolder)
	p := k.evalPanel(&s.eval, func(e kiosk.Evaluation) {
		e.At = k.now()
		if err := e.Validate(); err != nil {
			k.showMessage(k.t("eval.title"), k.message(err))
			return
		}
		ev := k.svc.RunDeps().Evaluator
		k.background(k.t("busy.saving"), func(ctx context.Context) error { return ev.EvaluateCase(ctx, c.ID, e) }, func(err error) {
			switch {
			case errors.Is(err, kiosk.ErrAlreadyEvaluated):
				c.Evaluated = true
				k.showMessage(k.t("eval.title"), k.t("eval.already"))
			case err != nil:
				k.showMessage(k.t("eval.title"), k.message(err))
				return
			default:
				c.Evaluated = true
				k.showMessage(k.t("eval.title"), k.t("eval.thanks"))
			}
			s.evaluating = false
			k.render()
		})
	}, nil)
	return column(theme.Padding()*2, 2, title, num, p)
}
