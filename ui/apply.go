package ui

import (
	"image/color"

	"context"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// printState is where printing the receipt, certificate or ticket stands.
type printState int

const (
	printIdle printState = iota
	printing
	printDone
	printFailed
	printSkipped
)

// applyScreen runs one item's flow (kiosk.Run), one screen per step type.
// Everything the citizen enters lives in the run; the screen keeps only
// what is on display, and wipes it when the session ends.
type applyScreen struct {
	run    *kiosk.Run
	hooked bool
	wiped  bool

	// form step
	formPage int
	active   string
	unmasked map[string]bool
	entries  map[string]*kEntry
	kb       *keyboard
	pager    *pager
	gen      int // which build of the form the widgets' callbacks belong to

	// print and ticket steps
	print    printState
	printMsg string

	eval evalState
}

// entered runs when a step is shown for the first time.
func (s *applyScreen) entered(k *Kiosk) {
	if !s.hooked {
		s.hooked = true
		k.onEnd(s.wipe)
	}
	if s.run.Done() {
		return
	}
	switch s.run.Step().Type {
	case kiosk.StepPrint, kiosk.StepTicket:
		s.startPrint(k)
	}
}

// wipe forgets everything shown: the run itself is wiped by the session.
func (s *applyScreen) wipe() {
	s.wiped = true
	for _, e := range s.entries {
		e.OnChanged = nil
		e.SetText("")
	}
	s.entries = nil
	if s.kb != nil {
		s.kb.wipe()
	}
	s.printMsg = ""
	s.eval = evalState{}
}

func (s *applyScreen) identified(k *Kiosk) {
	if !s.wiped && !s.run.Done() && s.run.Step().Type == kiosk.StepIdentify {
		s.advance(k)
		return
	}
	k.render()
}

func (s *applyScreen) back(k *Kiosk) bool {
	if s.wiped || s.run.Done() {
		return false
	}
	if s.run.Case() != nil {
		k.showMessage(k.t("apply.afterSubmitTitle"), k.t("apply.afterSubmit"))
		return true
	}
	if s.run.Index() == 0 {
		return false
	}
	if err := s.run.Back(); err != nil {
		return false
	}
	s.reset()
	k.render()
	return true
}

func (s *applyScreen) reset() {
	s.active, s.formPage, s.print, s.printMsg = "", 0, printIdle, ""
	s.eval = evalState{}
}

// advance completes the step (Run.Next) and shows the next one, or says
// in plain words what is missing.
func (s *applyScreen) advance(k *Kiosk) {
	if s.kb != nil {
		s.kb.commitPending()
	}
	if s.run.Step().Type == kiosk.StepSubmit {
		k.background(k.t("busy.submitting"), func(ctx context.Context) error { return s.run.Next(ctx) }, func(err error) {
			if err != nil {
				k.showMessage(k.t("submit.failTitle"), k.message(err))
				return
			}
			s.stepChanged(k)
		})
		return
	}
	err := s.run.Next(context.Background())
	var fe *kiosk.FormError
	switch {
	case err == nil:
		s.stepChanged(k)
	case errors.As(err, &fe):
		s.showFormErrors(k, fe)
	case errors.Is(err, kiosk.ErrNotIdentified):
		k.showMessage(k.t("identify.neededTitle"), k.t("identify.needed"))
	case errors.Is(err, kiosk.ErrMaterialMissing):
		k.showMessage(k.t("materials.missingTitle"), k.t("materials.missing"))
	case errors.Is(err, kiosk.ErrNoEvaluation):
		k.showMessage(k.t("eval.title"), k.t("eval.needLevel"))
	default:
		k.showMessage(k.t("apply.problem"), k.message(err))
	}
}

func (s *applyScreen) stepChanged(k *Kiosk) {
	s.reset()
	k.render()
	s.entered(k)
}

func (s *applyScreen) content(k *Kiosk) fyne.CanvasObject {
	if s.wiped {
		return canvas.NewRectangle(color.Transparent)
	}
	if s.run.Done() {
		return s.finished(k)
	}
	st := s.run.Step()
	var body, action fyne.CanvasObject
	switch st.Type {
	case kiosk.StepIdentify:
		body = container.NewVBox(k.identifyPanel())
		if k.identity() != nil {
			action = k.primary(k.t("apply.next"), func() { s.advance(k) })
		}
	case kiosk.StepForm:
		body = s.formBody(k, st)
		action = k.primary(k.t("apply.next"), func() { s.advance(k) })
	case kiosk.StepMaterials:
		body = s.materialsBody(k)
		action = k.primary(k.t("apply.next"), func() { s.advance(k) })
	case kiosk.StepReview:
		body = newReader(k, s.reviewParagraphs(k))
		action = k.primary(k.t("review.confirm"), func() { s.advance(k) })
	case kiosk.StepSubmit:
		body = s.submitBody(k)
		action = k.primary(k.t("submit.button"), func() { s.advance(k) })
	case kiosk.StepPrint, kiosk.StepTicket:
		body = s.printBody(k, st)
		if s.print == printDone || s.print == printSkipped {
			action = k.primary(k.t("apply.next"), func() { s.advance(k) })
		}
	case kiosk.StepEvaluate:
		body = k.evalPanel(&s.eval, func(e kiosk.Evaluation) {
			k.background(k.t("busy.saving"), func(ctx context.Context) error { return s.run.Evaluate(ctx, e) }, func(err error) {
				if err != nil && !errors.Is(err, kiosk.ErrAlreadyEvaluated) {
					k.showMessage(k.t("eval.title"), k.message(err))
					return
				}
				s.advance(k)
			})
		}, func() {
			if err := s.run.Skip(); err == nil {
				s.stepChanged(k)
			}
		})
	}
	parts := []fyne.CanvasObject{s.stepHeader(k, st), body}
	if action != nil {
		parts = append(parts, action)
	}
	return column(theme.Padding()*3, 1, parts...)
}

func (s *applyScreen) stepHeader(k *Kiosk, st *kiosk.Step) fyne.CanvasObject {
	item := newTextLine(k.text(s.run.Item.Name), theme.Size(theme.SizeNameText), theme.ColorNamePlaceHolder)
	n := len(s.run.Steps())
	title := k.heading(k.tf("apply.step", s.run.Index()+1, n)+"  "+k.text(st.Title), theme.SizeNameSubHeadingText)
	bar := k.stepBar(s.run.Index(), n)
	return container.New(colLayout{gap: theme.Padding()}, item, title, bar)
}

// stepBar shows how far through the flow the citizen is: one segment per
// step, done and current ones filled.
func (k *Kiosk) stepBar(cur, n int) fyne.CanvasObject {
	var segs []fyne.CanvasObject
	for i := 0; i < n; i++ {
		c := theme.Color(theme.ColorNameSelection)
		if i <= cur {
			c = theme.Color(theme.ColorNamePrimary)
		}
		r := canvas.NewRectangle(c)
		r.CornerRadius = 5
		segs = append(segs, r)
	}
	return sized(row(theme.Padding(), segs...), 0, 12*k.th.scale())
}

// reviewParagraphs lists everything entered, identity masked, and what is
// still to bring (一次性告知).
func (s *applyScreen) reviewParagraphs(k *Kiosk) []paragraph {
	text := theme.Size(theme.SizeNameText)
	head := theme.Size(theme.SizeNameSubHeadingText)
	ps := []paragraph{{Text: k.t("review.intro"), Size: text, Color: theme.ColorNamePlaceHolder}}
	ps = append(ps, paragraph{Text: k.t("review.applicant"), Size: head, Color: theme.ColorNamePrimary, Gap: true})
	if id := k.identity(); id != nil {
		ps = append(ps,
			paragraph{Text: k.t("identify.name") + k.colon() + id.MaskedName(), Size: text},
			paragraph{Text: k.t("identify.number") + k.colon() + id.MaskedIDNumber(), Size: text})
	}
	ps = append(ps, paragraph{Text: k.t("review.form"), Size: head, Color: theme.ColorNamePrimary, Gap: true})
	for _, st := range s.run.Steps() {
		for i := range st.Fields {
			f := &st.Fields[i]
			v := s.displayValue(k, f)
			if v == "" {
				v = k.t("review.empty")
			}
			ps = append(ps, paragraph{Text: k.text(f.Label) + k.colon() + v, Size: text})
		}
	}
	if len(s.run.Item.Materials) > 0 && s.run.Item.Flow.HasStep(kiosk.StepMaterials) {
		ps = append(ps, paragraph{Text: k.t("review.materials"), Size: head, Color: theme.ColorNamePrimary, Gap: true})
		for _, m := range s.run.Item.Materials {
			choice := k.t("review.notChosen")
			if !m.Required {
				choice = k.t("review.notNeeded")
			}
			if rec := s.run.Material(m.ID); rec != nil {
				choice = k.t("material.choice." + string(rec.Choice))
			}
			ps = append(ps, paragraph{Text: m.Name + k.colon() + choice, Size: text})
		}
	}
	if miss := s.run.MissingMaterials(); len(miss) > 0 && s.run.Item.Flow.HasStep(kiosk.StepMaterials) {
		ps = append(ps, paragraph{Text: k.t("review.missing"), Size: head, Color: theme.ColorNameWarning, Gap: true})
		for _, m := range miss {
			ps = append(ps, paragraph{Text: "· " + m.Name, Size: text})
		}
	}
	ps = append(ps, paragraph{Text: k.t("review.when"), Size: head, Color: theme.ColorNamePrimary, Gap: true})
	if s.run.Item.Class == kiosk.ClassImmediate {
		ps = append(ps, paragraph{Text: k.t("guide.onTheSpot"), Size: text})
	} else {
		ps = append(ps, paragraph{Text: k.tf("review.promised", s.run.Item.PromisedLimitDays), Size: text})
	}
	return ps
}

// displayValue is a field's value as screens show it: options by their
// label, identity numbers and the card holder's name masked.
func (s *applyScreen) displayValue(k *Kiosk, f *kiosk.Field) string {
	v := s.run.Value(f.Name)
	if v == "" {
		return ""
	}
	switch {
	case f.Type == kiosk.FieldChoice:
		if o := f.Option(v); o != nil {
			return k.text(o.Label)
		}
	case f.Type == kiosk.FieldIDNumber:
		return kiosk.MaskIDNumber(v)
	case f.Prefill == "name":
		return kiosk.MaskName(v)
	}
	return v
}

func (s *applyScreen) submitBody(k *Kiosk) fyne.CanvasObject {
	w := k.width() - 64
	parts := []fyne.CanvasObject{
		k.heading(k.t("submit.title"), theme.SizeNameSubHeadingText),
		wrapped(k.t("submit.body"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, w, fyne.TextAlignLeading),
	}
	if !k.online {
		parts = append(parts, panel(colWarningBG,
			wrapped(k.t("submit.offline"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, w-32, fyne.TextAlignLeading), 16))
	}
	return container.NewVBox(outlined(colCard, theme.Color(theme.ColorNameSeparator),
		container.New(colLayout{gap: theme.Padding() * 3}, parts...), 32))
}

// startPrint prints the receipt, certificate or ticket of the current
// step. The case is already on disk, so a failure loses nothing: the case
// number stays on screen with 重新打印.
func (s *applyScreen) startPrint(k *Kiosk) {
	s.print = printing
	k.render()
	run := s.run
	k.background("", func(ctx context.Context) error { return k.svc.Print(ctx, run) }, func(err error) {
		if err != nil {
			s.print, s.printMsg = printFailed, k.message(err)
		} else {
			s.print, s.printMsg = printDone, ""
		}
		k.render()
	})
}

func (s *applyScreen) printBody(k *Kiosk, st *kiosk.Step) fyne.CanvasObject {
	c := s.run.Case()
	w := k.width() - 64
	doc := st.Document
	if st.Type == kiosk.StepTicket {
		doc = "ticket"
	}
	parts := []fyne.CanvasObject{k.successMark(k.t("print.submitted." + doc))}
	if c != nil {
		label := newTextLine(k.t("print.caseNumber"), theme.Size(theme.SizeNameText), theme.ColorNamePlaceHolder)
		num := newText(c.Number, theme.Color(theme.ColorNamePrimary))
		num.TextSize = theme.Size(theme.SizeNameHeadingText)
		parts = append(parts, label, num)
		if c.PromisedDate != "" {
			parts = append(parts, newTextLine(k.tf("print.promised", c.PromisedDate), theme.Size(theme.SizeNameText), theme.ColorNameForeground))
		}
	}
	if st.Type == kiosk.StepTicket && st.Window != "" {
		parts = append(parts, wrapped(k.tf("print.window", st.Window), theme.Size(theme.SizeNameSubHeadingText), theme.ColorNameForeground, w, fyne.TextAlignLeading))
	}
	if miss := s.run.MissingMaterials(); len(miss) > 0 && s.run.Item.Flow.HasStep(kiosk.StepMaterials) {
		var names []string
		for _, m := range miss {
			names = append(names, m.Name)
		}
		parts = append(parts, panel(colWarningBG, wrapped(k.t("print.missing")+strings.Join(names, k.t("punct.enum")),
			theme.Size(theme.SizeNameText), theme.ColorNameForeground, w-32, fyne.TextAlignLeading), 16))
	}
	var status fyne.CanvasObject
	switch s.print {
	case printing, printIdle:
		status = container.New(colLayout{gap: theme.Padding()},
			newTextLine(k.t("print.printing."+doc), theme.Size(theme.SizeNameSubHeadingText), theme.ColorNamePrimary),
			k.busyBar())
	case printDone:
		status = wrapped(k.t("print.done."+doc), theme.Size(theme.SizeNameSubHeadingText), theme.ColorNameSuccess, w, fyne.TextAlignLeading)
	case printSkipped:
		status = wrapped(k.t("print.skipped"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, w, fyne.TextAlignLeading)
	case printFailed:
		msg := wrapped(k.t("print.failed")+s.printMsg, theme.Size(theme.SizeNameSubHeadingText), theme.ColorNameError, w-32, fyne.TextAlignLeading)
		status = container.New(colLayout{gap: theme.Padding() * 2},
			panel(colWarningBG, msg, 16),
			row(theme.Padding()*3,
				k.secondary(k.t("print.skip"), func() {
					s.print = printSkipped
					k.render()
				}),
				k.primary(k.t("print.retry"), func() { s.startPrint(k) })))
	}
	parts = append(parts, status)
	return container.NewVBox(outlined(colCard, theme.Color(theme.ColorNameSeparator),
		container.New(colLayout{gap: theme.Padding() * 3}, parts...), 32))
}

// successMark is a big green tick with a heading beside it.
func (k *Kiosk) successMark(title string) fyne.CanvasObject {
	icon := canvas.NewImageFromResource(theme.NewColoredResource(theme.ConfirmIcon(), theme.ColorNameSuccess))
	icon.FillMode = canvas.ImageFillContain
	s := theme.Size(theme.SizeNameHeadingText) * 1.3
	icon.SetMinSize(fyne.NewSquareSize(s))
	t := k.heading(title, theme.SizeNameHeadingText)
	t.Color = theme.Color(theme.ColorNameSuccess)
	return container.NewHBox(icon, container.NewCenter(t))
}

// finished is the end of the flow: the case number once more, then 完成.
func (s *applyScreen) finished(k *Kiosk) fyne.CanvasObject {
	parts := []fyne.CanvasObject{k.successMark(k.t("done.title"))}
	if c := s.run.Case(); c != nil {
		parts = append(parts,
			newTextLine(k.t("print.caseNumber"), theme.Size(theme.SizeNameText), theme.ColorNamePlaceHolder),
			k.heading(c.Number, theme.SizeNameHeadingText))
	}
	parts = append(parts,
		wrapped(k.t("done.body"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width()-64, fyne.TextAlignLeading),
		k.primary(k.t("done.finish"), k.finish),
		k.secondary(k.t("done.more"), func() { k.goHome() }),
	)
	return container.NewVBox(outlined(colCard, colSuccess, container.New(colLayout{gap: theme.Padding() * 3}, parts...), 32))
}
