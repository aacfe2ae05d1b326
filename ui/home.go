package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// homeScreen is the attract screen: the five services, the identify tile,
// the language and 长辈模式 switches, and the network state told honestly.
type homeScreen struct{}

func (*homeScreen) isHome()        {}
func (*homeScreen) onlineMatters() {}

func (h *homeScreen) content(k *Kiosk) fyne.CanvasObject {
	greeting := k.t("home.welcome")
	prompt := k.t("home.prompt")
	if id := k.identity(); id != nil {
		greeting = k.tf("home.hello", id.MaskedName())
		prompt = k.t("home.promptIdentified")
	}
	title := k.heading(greeting, theme.SizeNameHeadingText)
	title.Alignment = fyne.TextAlignCenter
	sub := wrapped(prompt, theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width(), fyne.TextAlignCenter)
	top := []fyne.CanvasObject{title, sub}
	if k.serviceMsg != "" {
		top = append([]fyne.CanvasObject{wrapped(k.serviceMsg, theme.Size(theme.SizeNameHeadingText), theme.ColorNameError, k.width(), fyne.TextAlignCenter)}, top...)
	}
	if k.notice != "" {
		n := newText(k.notice, colSuccess)
		n.TextSize = theme.Size(theme.SizeNameText)
		n.Alignment = fyne.TextAlignCenter
		top = append(top, n)
	}

	big := func(key string, icon fyne.Resource, kind tileKind, f func()) fyne.CanvasObject {
		t := newTile(k.t("home."+key), k.t("home."+key+".sub"), kind, f)
		t.Big, t.Icon = true, icon
		return t
	}
	tiles := []fyne.CanvasObject{
		big("apply", theme.DocumentCreateIcon(), tilePrimary, func() { k.open(newCatalogScreen(modeApply)) }),
		big("query", theme.SearchIcon(), tilePrimary, func() { k.open(&progressScreen{}) }),
		big("guide", theme.InfoIcon(), tilePlain, func() { k.open(newCatalogScreen(modeGuide)) }),
		big("disclosure", theme.DocumentIcon(), tilePlain, func() { k.open(&disclosureScreen{}) }),
		big("ticket", theme.ListIcon(), tilePlain, func() { k.open(newCatalogScreen(modeTicket)) }),
		big("identify", theme.AccountIcon(), tilePlain, func() { k.open(&identifyScreen{}) }),
	}
	cols := 2
	if k.landscape() {
		cols = 3
	}
	grid := container.New(&fillGrid{cols: cols, gap: theme.Padding() * 3}, tiles...)

	langLabel := "English"
	if k.lang == LangEN {
		langLabel = "中文"
	}
	lang := newTile(langLabel, k.t("home.language.sub"), tilePlain, func() {
		k.touch()
		if k.lang == LangEN {
			k.setLanguage(LangZH)
		} else {
			k.setLanguage(LangEN)
		}
		k.render()
	})
	lang.Icon = theme.ViewRefreshIcon()
	elderKind, elderSub := tilePlain, k.t("home.elderlyMode.off")
	if k.elderly {
		elderKind, elderSub = tileSelected, k.t("home.elderlyMode.on")
	}
	elder := newTile(k.t("home.elderlyMode"), elderSub, elderKind, func() {
		k.touch()
		k.setElderly(!k.elderly)
		k.render()
	})
	elder.Icon = theme.VisibilityIcon()
	switches := row(theme.Padding()*3, lang, elder)

	return column(theme.Padding()*3, 1,
		container.New(colLayout{gap: theme.Padding() * 2}, top...),
		grid,
		switches,
	)
}

// fillGrid is a grid whose cells share all the space it is given.
type fillGrid struct {
	cols int
	gap  float32
}

func (g *fillGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	rows := (len(objs) + g.cols - 1) / g.cols
	if rows == 0 {
		return
	}
	w := (size.Width - g.gap*float32(g.cols-1)) / float32(g.cols)
	h := (size.Height - g.gap*float32(rows-1)) / float32(rows)
	for i, o := range objs {
		r, c := i/g.cols, i%g.cols
		o.Move(fyne.NewPos(float32(c)*(w+g.gap), float32(r)*(h+g.gap)))
		o.Resize(fyne.NewSize(w, h))
	}
}

func (g *fillGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var cell fyne.Size
	for _, o := range objs {
		cell = cell.Max(o.MinSize())
	}
	rows := (len(objs) + g.cols - 1) / g.cols
	return fyne.NewSize(cell.Width*float32(g.cols)+g.gap*float32(g.cols-1),
		cell.Height*float32(rows)+g.gap*float32(max(rows-1, 0)))
}

// identifyScreen asks for the ID card (or an e-ID code) and shows who was
// identified, masked.
type identifyScreen struct{}

func (s *identifyScreen) identified(k *Kiosk) { k.render() }

func (s *identifyScreen) content(k *Kiosk) fyne.CanvasObject {
	panel := k.identifyPanel()
	if k.identity() == nil {
		return container.NewVBox(panel)
	}
	next := k.primary(k.t("identify.toServices"), func() { k.replace(newCatalogScreen(modeApply)) })
	query := k.secondary(k.t("identify.toQuery"), func() {
		k.replace(&progressScreen{byID: true})
	})
	return column(theme.Padding()*3, 1, panel, layoutSpacer(), row(theme.Padding()*3, query, next))
}

// identifyPanel asks for the card, or shows the identified citizen masked.
func (k *Kiosk) identifyPanel() fyne.CanvasObject {
	id := k.identity()
	if id == nil {
		icon := canvas.NewImageFromResource(theme.NewColoredResource(theme.AccountIcon(), theme.ColorNamePrimary))
		icon.FillMode = canvas.ImageFillContain
		icon.SetMinSize(fyne.NewSquareSize(180 * k.th.scale()))
		t := k.heading(k.t("identify.place"), theme.SizeNameHeadingText)
		t.Alignment = fyne.TextAlignCenter
		body := wrapped(k.t("identify.how"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width()-64, fyne.TextAlignCenter)
		return outlined(colCard, theme.Color(theme.ColorNameSeparator),
			container.New(colLayout{gap: theme.Padding() * 3}, container.NewCenter(icon), t, body), 32)
	}
	t := k.heading(k.t("identify.done"), theme.SizeNameSubHeadingText)
	t.Color = colSuccess
	lines := []fyne.CanvasObject{t}
	add := func(label, value string) {
		l := newTextLine(label+k.colon()+value, theme.Size(theme.SizeNameSubHeadingText), theme.ColorNameForeground)
		lines = append(lines, l)
	}
	add(k.t("identify.name"), id.MaskedName())
	add(k.t("identify.number"), id.MaskedIDNumber())
	add(k.t("identify.cardType"), k.t("card."+string(cardTypeOr(id.CardType))))
	note := wrapped(k.t("identify.privacy"), theme.Size(theme.SizeNameCaptionText), theme.ColorNamePlaceHolder, k.width()-64, fyne.TextAlignLeading)
	lines = append(lines, note)
	return outlined(colCard, colSuccess, container.New(colLayout{gap: theme.Padding() * 2}, lines...), 32)
}

func cardTypeOr(t kiosk.CardType) kiosk.CardType {
	switch t {
	case kiosk.CardForeigner, kiosk.CardHMT:
		return t
	}
	return kiosk.CardResident
}
