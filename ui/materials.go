package ui

import (
	"bytes"
	"context"
	"image/color"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"govkiosk/kiosk"
)

// scanMaterial opens the preview of a paper material: each 再扫一页
// captures one page through Options.Capture; the citizen looks at it and
// may 重拍 (retake) or 删除 (delete) it; 确认 puts the pages into the run,
// which seals them with the case and wipes them with the session. Pages
// held here are cleared when discarded, never logged.
func (s *applyScreen) scanMaterial(k *Kiosk, m kiosk.Material, done func()) {
	pv := &preview{s: s, k: k, m: m, done: done}
	if rec := s.run.Material(m.ID); rec != nil && rec.Choice == kiosk.MaterialScanned {
		// Copies: the run clears the pages it replaces.
		for _, p := range rec.Pages {
			pv.pages = append(pv.pages, bytes.Clone(p))
		}
		pv.sel = len(pv.pages) - 1
		pv.show()
		return
	}
	pv.capture(-1)
}

type preview struct {
	s     *applyScreen
	k     *Kiosk
	m     kiosk.Material
	done  func()
	pages [][]byte
	sel   int
}

// capture scans one page and appends it, or replaces page at when ≥ 0.
func (pv *preview) capture(at int) {
	k := pv.k
	var got [][]byte
	k.background(k.t("busy.scanning"), func(ctx context.Context) error {
		var err error
		got, err = k.opts.Capture.Capture(ctx, pv.m)
		return err
	}, func(err error) {
		if err != nil {
			var actions []*button
			if len(pv.pages) > 0 {
				actions = append(actions, newButton(k.t("materials.preview.cancel"), pv.show))
			}
			retry := newButton(k.t("materials.preview.retake"), func() { pv.capture(at) })
			k.showMessage(k.t("materials.scanFailed"), Message(err), append(actions, retry)...)
			return
		}
		var next [][]byte
		replace := at >= 0 && at < len(pv.pages) && len(got) > 0
		if replace {
			next = append(append(append(next, pv.pages[:at]...), got...), pv.pages[at+1:]...)
		} else {
			next = append(append(next, pv.pages...), got...)
		}
		// Refused here, not at 确认, so the citizen learns it with the page
		// in hand and keeps the pages already taken.
		if err := pv.s.run.PageRoom(pv.m.ID, next); err != nil {
			for _, p := range got {
				clear(p)
			}
			k.showMessage(k.t("materials.tooMany"), Message(err), newButton(k.t("materials.preview.back"), pv.show))
			return
		}
		if replace {
			clear(pv.pages[at])
			pv.sel = at
		} else {
			pv.sel = len(next) - 1
		}
		pv.pages = next
		pv.show()
	})
}

func (pv *preview) show() {
	k := pv.k
	k.touch()
	title := k.heading(k.tf("materials.preview.title", pv.m.Name), theme.SizeNameSubHeadingText)
	hint := wrapped(k.t("materials.preview.hint"), theme.Size(theme.SizeNameCaptionText), theme.ColorNamePlaceHolder, k.overlayWidth(), fyne.TextAlignLeading)
	scale := k.th.scale()
	// Up to MaxMaterialPages thumbnails share one row: narrower ones when
	// there are many, numbered by a bare figure once "第 N 页" would not fit.
	gap := theme.Padding() * 2
	n := float32(max(len(pv.pages), 1))
	tw := min(110*scale, (k.overlayWidth()-gap*(n-1))/n)
	var thumbs []fyne.CanvasObject
	for i, p := range pv.pages {
		img := canvas.NewImageFromReader(bytes.NewReader(p), "page.jpg")
		img.FillMode = canvas.ImageFillContain
		label := k.tf("materials.preview.page", i+1)
		if len(pv.pages) > 4 {
			label = strconv.Itoa(i + 1)
		}
		pick := newButton(label, func() { pv.sel = i; pv.show() })
		if i == pv.sel {
			pick.Importance = widget.HighImportance
		}
		thumbs = append(thumbs, column(theme.Padding(), 0, sized(img, tw, tw*150/110), sized(pick, 0, k.touchH())))
	}
	var big fyne.CanvasObject = canvas.NewRectangle(color.Transparent)
	if pv.sel >= 0 && pv.sel < len(pv.pages) {
		img := canvas.NewImageFromReader(bytes.NewReader(pv.pages[pv.sel]), "page.jpg")
		img.FillMode = canvas.ImageFillContain
		big = img
	}
	btn := func(key string, imp widget.Importance, f func()) fyne.CanvasObject {
		b := newButton(k.t(key), func() { k.touch(); f() })
		b.Importance = imp
		return b
	}
	more := btn("materials.preview.more", widget.MediumImportance, func() { pv.capture(-1) })
	retake := btn("materials.preview.retake", widget.MediumImportance, func() { pv.capture(pv.sel) })
	del := btn("materials.preview.delete", widget.DangerImportance, pv.delete)
	cancel := btn("materials.preview.cancel", widget.MediumImportance, pv.cancel)
	accept := btn("materials.preview.accept", widget.HighImportance, pv.accept)
	if len(pv.pages) >= kiosk.MaxMaterialPages {
		more.(*button).Disable()
	}
	if len(pv.pages) == 0 {
		retake.(*button).Disable()
		del.(*button).Disable()
		accept.(*button).Disable()
	}
	k.showOverlay(ovMessage, nil, title, hint,
		sized(big, 0, min(520*scale, k.opts.Orientation.Size().Height/3)), // a third of a landscape screen
		row(gap, thumbs...),
		sized(row(theme.Padding()*2, more, retake, del), 0, k.touchH()),
		sized(row(theme.Padding()*2, cancel, accept), 0, k.touchH()))
}

func (pv *preview) delete() {
	if pv.sel < 0 || pv.sel >= len(pv.pages) {
		return
	}
	clear(pv.pages[pv.sel])
	pv.pages = append(pv.pages[:pv.sel], pv.pages[pv.sel+1:]...)
	pv.sel = min(pv.sel, len(pv.pages)-1)
	pv.show()
}

// cancel leaves the material as it was chosen before.
func (pv *preview) cancel() {
	for _, p := range pv.pages {
		clear(p)
	}
	pv.pages = nil
	pv.k.closeOverlay()
}

func (pv *preview) accept() {
	k := pv.k
	if err := pv.s.run.ChooseMaterial(pv.m.ID, kiosk.MaterialScanned, pv.pages); err != nil {
		k.showMessage(k.t("materials.scanFailed"), Message(err))
		return
	}
	pv.pages = nil // the run owns them now
	k.closeOverlay()
	pv.done()
}
