package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// evalState is the rating being chosen.
type evalState struct {
	level   int
	reasons map[string]bool
	missing bool // a bad rating was sent without a reason
}

// evalPanel is 好差评: five big levels; for 不满意 and 非常不满意 at least one
// reason; 跳过 always allowed (skip nil hides it).
func (k *Kiosk) evalPanel(st *evalState, submit func(kiosk.Evaluation), skip func()) fyne.CanvasObject {
	title := k.heading(k.t("eval.question"), theme.SizeNameHeadingText)
	var levels []fyne.CanvasObject
	for _, l := range kiosk.EvaluationLevels {
		kind := tilePlain
		if st.level == l.Level {
			kind = tileSelected
		}
		t := newTile(k.text(l.Name), "", kind, func() {
			k.touch()
			st.level = l.Level
			st.missing = false
			k.render()
		})
		t.Center = true
		t.TitleSz = theme.Size(theme.SizeNameSubHeadingText)
		t.MinH = 100 * k.th.scale()
		levels = append(levels, t)
	}
	cols, rc := 1, 2
	if k.landscape() {
		cols, rc = 5, 3
	}
	parts := []fyne.CanvasObject{title, container.New(gridLayout{cols: cols, gap: theme.Padding() * 2}, levels...)}
	if st.level > 0 && st.level <= 2 {
		label := k.t("eval.reasons")
		col := fyne.ThemeColorName(theme.ColorNameForeground)
		if st.missing {
			label, col = k.t("eval.reasonsNeeded"), theme.ColorNameError
		}
		parts = append(parts, newTextLine(label, theme.Size(theme.SizeNameText), col))
		var reasons []fyne.CanvasObject
		for _, r := range kiosk.EvaluationReasons {
			kind := tilePlain
			if st.reasons[r.Code] {
				kind = tileSelected
			}
			t := newTile(k.text(r.Name), "", kind, func() {
				k.touch()
				if st.reasons == nil {
					st.reasons = map[string]bool{}
				}
				st.reasons[r.Code] = !st.reasons[r.Code]
				st.missing = false
				k.render()
			})
			t.Center = true
			reasons = append(reasons, t)
		}
		parts = append(parts, container.New(gridLayout{cols: rc, gap: theme.Padding() * 2}, reasons...))
	}
	send := k.primary(k.t("eval.submit"), func() {
		if st.level == 0 {
			k.showMessage(k.t("eval.title"), k.t("eval.needLevel"))
			return
		}
		e := kiosk.Evaluation{Level: st.level}
		for _, r := range kiosk.EvaluationReasons {
			if st.reasons[r.Code] {
				e.Reasons = append(e.Reasons, r.Code)
			}
		}
		if st.level <= 2 && len(e.Reasons) == 0 {
			st.missing = true
			k.render()
			return
		}
		submit(e)
	})
	var actions fyne.CanvasObject = send
	if skip != nil {
		actions = weightedRow(theme.Padding()*3, []float32{1, 2}, k.secondary(k.t("eval.skip"), skip), send)
	}
	parts = append(parts, layoutSpacer(), actions)
	return column(theme.Padding()*3, len(parts)-2, parts...)
}
