package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// catalogMode is why the citizen opened the catalogue.
type catalogMode string

const (
	modeGuide   catalogMode = "guide"   // every item, to read its guide
	modeApply   catalogMode = "apply"   // items this kiosk can handle
	modeTicket  catalogMode = "ticket"  // items with a queue ticket (预约/取号)
	modeOffline catalogMode = "offline" // items this kiosk can handle without the network
)

// catalogTab is how the list is grouped.
type catalogTab string

const (
	tabAll        catalogTab = "all"
	tabDepartment catalogTab = "department"
	tabTheme      catalogTab = "theme"
	tabLifeEvent  catalogTab = "life"
	tabPersonal   catalogTab = "personal"
	tabLegal      catalogTab = "legal"
)

// catalogScreen browses the catalogue by department, theme, life event and
// audience, and searches as the citizen types (Chinese, pinyin, initials).
type catalogScreen struct {
	mode  catalogMode
	tab   catalogTab
	group string // the department, theme or life event chosen
	query string
	typed bool // the keyboard is up

	entry *kEntry
	list  *pagedList
	kb    *keyboard
	shown []*kiosk.Item
	named []kiosk.Named
}

func newCatalogScreen(m catalogMode) *catalogScreen { return &catalogScreen{mode: m, tab: tabAll} }

func (s *catalogScreen) onlineMatters() {}

// inMode reports whether it belongs in the list of this mode.
func (s *catalogScreen) inMode(it *kiosk.Item) bool {
	switch s.mode {
	case modeApply:
		return it.Flow != nil
	case modeTicket:
		return it.Flow != nil && it.Flow.HasStep(kiosk.StepTicket)
	case modeOffline:
		return it.Flow != nil && !it.NeedsNetwork
	}
	return true
}

// showsGroups reports whether the list shows groups rather than items.
func (s *catalogScreen) showsGroups() bool {
	return s.query == "" && s.group == "" && (s.tab == tabDepartment || s.tab == tabTheme || s.tab == tabLifeEvent)
}

func (s *catalogScreen) filter() kiosk.Filter {
	var f kiosk.Filter
	switch s.tab {
	case tabDepartment:
		f.Department = s.group
	case tabTheme:
		f.Theme = s.group
	case tabLifeEvent:
		f.LifeEvent = s.group
	case tabPersonal:
		f.Audience = kiosk.AudiencePersonal
	case tabLegal:
		f.Audience = kiosk.AudienceLegal
	}
	return f
}

// refilter recomputes what the list shows.
func (s *catalogScreen) refilter(k *Kiosk) {
	s.shown, s.named = s.shown[:0], s.named[:0]
	if q := strings.TrimSpace(s.query); q != "" {
		for _, r := range k.index.Search(q, 200) {
			if s.inMode(r.Item) {
				s.shown = append(s.shown, r.Item)
			}
		}
		return
	}
	if s.showsGroups() {
		var all []kiosk.Named
		switch s.tab {
		case tabDepartment:
			all = k.cat.Departments
		case tabTheme:
			all = k.cat.Themes
		case tabLifeEvent:
			all = k.cat.LifeEvents
		}
		for _, n := range all {
			if s.countIn(k, n.Code) > 0 {
				s.named = append(s.named, n)
			}
		}
		return
	}
	for _, it := range k.cat.Select(s.filter()) {
		if s.inMode(it) {
			s.shown = append(s.shown, it)
		}
	}
}

func (s *catalogScreen) countIn(k *Kiosk, code string) int {
	saved := s.group
	s.group = code
	n := 0
	for _, it := range k.cat.Select(s.filter()) {
		if s.inMode(it) {
			n++
		}
	}
	s.group = saved
	return n
}

func (s *catalogScreen) length() int {
	if s.showsGroups() {
		return len(s.named)
	}
	return len(s.shown)
}

func (s *catalogScreen) content(k *Kiosk) fyne.CanvasObject {
	s.refilter(k)
	title := k.heading(k.t("catalog.title."+string(s.mode)), theme.SizeNameHeadingText)

	s.entry = newKEntry(k)
	s.entry.SetPlaceHolder(k.t("catalog.searchHint"))
	s.entry.SetText(s.query)
	s.entry.OnChanged = func(q string) {
		k.touch()
		s.query = q
		s.refilter(k)
		s.list.Reset()
	}
	s.kb = newKeyboard(k)
	kbHolder := container.NewStack(s.kb.object())
	var body *fyne.Container
	s.kb.setEnter(k.t("kb.hide"), func() {
		s.typed = false
		kbHolder.Hide()
		body.Refresh()
	})
	s.entry.onFocus = func() {
		k.touch()
		if !s.typed {
			s.typed = true
			kbHolder.Show()
			body.Refresh()
		}
		s.kb.attachLatin(s.entry, kbPinyin)
	}
	clear := newButtonWithIcon(k.t("catalog.clear"), theme.ContentClearIcon(), func() {
		k.touch()
		s.entry.SetText("")
	})
	search := sized(weightedRow(theme.Padding()*2, []float32{4, 1}, sized(s.entry, 0, k.touchH()), clear), 0, k.touchH())

	tabs := []catalogTab{tabAll, tabDepartment, tabTheme, tabLifeEvent, tabPersonal, tabLegal}
	var tabTiles []fyne.CanvasObject
	for _, t := range tabs {
		kind := tilePlain
		if t == s.tab && s.query == "" {
			kind = tileSelected
		}
		tt := newTile(k.t("catalog.tab."+string(t)), "", kind, func() {
			k.touch()
			s.tab, s.group, s.query = t, "", ""
			s.typed = false
			k.render()
		})
		tt.Center = true
		tabTiles = append(tabTiles, tt)
	}
	cols := 6
	if k.elderly && !k.landscape() {
		cols = 3
	}
	tabRow := container.New(gridLayout{cols: cols, gap: theme.Padding()}, tabTiles...)

	parts := []fyne.CanvasObject{title, search, tabRow}
	if s.group != "" && s.query == "" {
		parts = append(parts, s.groupBar(k))
	}
	s.list = s.newList(k)
	parts = append(parts, s.list)
	listAt := len(parts) - 1
	if s.typed {
		s.kb.attachLatin(s.entry, kbPinyin)
		k.focusLater(s.entry)
	} else {
		kbHolder.Hide()
	}
	if k.landscape() {
		parts[listAt] = weightedRow(theme.Padding()*4, []float32{1, 1}, s.list, container.NewVBox(kbHolder))
	} else {
		parts = append(parts, kbHolder)
	}
	body = column(theme.Padding()*2, listAt, parts...)
	return body
}

// groupBar says which group is chosen, with a way out of it.
func (s *catalogScreen) groupBar(k *Kiosk) fyne.CanvasObject {
	var n kiosk.Named
	switch s.tab {
	case tabDepartment:
		n = k.cat.Department(s.group)
	case tabTheme:
		n = k.cat.Theme(s.group)
	case tabLifeEvent:
		n = k.cat.LifeEvent(s.group)
	}
	label := newTextLine(k.t("catalog.tab."+string(s.tab))+k.colon()+k.text(n.Name), theme.Size(theme.SizeNameSubHeadingText), theme.ColorNamePrimary)
	all := newButtonWithIcon(k.t("catalog.allGroups"), theme.NavigateBackIcon(), func() {
		k.touch()
		s.group = ""
		k.render()
	})
	return sized(weightedRow(theme.Padding()*2, []float32{3, 1.2}, label, all), 0, k.touchH())
}

func (s *catalogScreen) newList(k *Kiosk) *pagedList {
	l := newPagedList(k, s.length,
		func() fyne.CanvasObject {
			t := newTile("", " ", tilePlain, nil)
			t.Badges = []badge{{Text: "…", Color: colSuccess}}
			t.TitleSz = k.listTitleSize()
			return t
		},
		func(i int, o fyne.CanvasObject) {
			t := o.(*tile)
			if s.showsGroups() {
				n := s.named[i]
				t.Title, t.Badges = k.text(n.Name), nil
				t.Sub = k.tf("catalog.groupCount", s.countIn(k, n.Code))
				t.OnTapped = func() {
					k.touch()
					s.group = n.Code
					k.render()
				}
				t.Refresh()
				return
			}
			it := s.shown[i]
			t.Title = k.text(it.Name)
			t.Sub = k.text(k.cat.Department(it.Department).Name) + " · " + k.t("class."+it.Class)
			t.Badges = k.itemBadges(it)
			t.OnTapped = func() { s.choose(k, it) }
			t.Refresh()
		})
	l.maxPer = k.perPage()
	l.emptyMsg = k.t("catalog.empty")
	return l
}

// itemBadges mark what a citizen can do with an item here.
func (k *Kiosk) itemBadges(it *kiosk.Item) []badge {
	var b []badge
	if it.Flow != nil {
		b = append(b, badge{k.t("badge.selfService"), colSuccess})
		if it.NeedsNetwork {
			b = append(b, badge{k.t("badge.needsNetwork"), colWarning})
		}
	} else {
		b = append(b, badge{k.t("badge.guideOnly"), colMuted})
	}
	return b
}

func (s *catalogScreen) choose(k *Kiosk, it *kiosk.Item) {
	k.touch()
	s.typed = false
	if s.mode == modeTicket {
		k.startRun(it)
		return
	}
	k.open(&guideScreen{item: it})
}

// startRun begins an item's flow, or says why it cannot run here now.
func (k *Kiosk) startRun(it *kiosk.Item) {
	k.touch()
	if it.NeedsNetwork && !k.online {
		k.open(&offlineScreen{item: it})
		return
	}
	run, err := kiosk.NewRun(k.sess, it, k.cat.Version, k.svc.RunDeps())
	if err != nil {
		k.showMessage(k.t("apply.cannotStart"), k.message(err))
		return
	}
	a := &applyScreen{run: run}
	k.open(a)
	a.entered(k)
}

// offlineScreen explains why an item that needs the network cannot be
// done now, and what can.
type offlineScreen struct{ item *kiosk.Item }

func (s *offlineScreen) onlineMatters() {}

func (s *offlineScreen) content(k *Kiosk) fyne.CanvasObject {
	title := k.heading(k.text(s.item.Name), theme.SizeNameSubHeadingText)
	if k.online {
		msg := wrapped(k.t("offline.back"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width(), fyne.TextAlignLeading)
		return container.NewVBox(title, msg, k.primary(k.t("guide.start"), func() {
			k.back()
			k.startRun(s.item)
		}))
	}
	msg := wrapped(fmt.Sprintf(k.t("offline.why"), k.text(s.item.Name)), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width(), fyne.TextAlignLeading)
	can := k.heading(k.t("offline.youCan"), theme.SizeNameSubHeadingText)
	return container.New(colLayout{gap: theme.Padding() * 3},
		title, msg, can,
		k.secondary(k.t("offline.readGuide"), func() { k.replace(&guideScreen{item: s.item}) }),
		k.primary(k.t("offline.offlineItems"), func() { k.replace(newCatalogScreen(modeOffline)) }),
		k.secondary(k.t("offline.query"), func() { k.replace(&progressScreen{}) }),
	)
}

// listTitleSize is the title size of list rows: a step above body text,
// except in 长辈模式 where body text is already large.
func (k *Kiosk) listTitleSize() float32 {
	if k.elderly {
		return theme.Size(theme.SizeNameText)
	}
	return sizeText + 4
}

// perPage is the most rows a list shows at once: fewer in 长辈模式.
func (k *Kiosk) perPage() int {
	if k.elderly {
		return 5
	}
	return 9
}
