package ui

import (
	"sort"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// disclosureScreen is 政务公开: the public documents the hall pushed with
// the catalogue, by department or category, readable offline.
type disclosureScreen struct {
	by    string // "", "department" or "category"
	group string
}

type docGroup struct{ code, name string }

func (s *disclosureScreen) groups(k *Kiosk) []docGroup {
	seen := map[string]bool{}
	var out []docGroup
	for _, d := range k.cat.Documents {
		code, name := d.Category, d.Category
		if s.by == "department" {
			code, name = d.Department, k.text(k.cat.Department(d.Department).Name)
		}
		if !seen[code] {
			seen[code] = true
			out = append(out, docGroup{code, name})
		}
	}
	return out
}

func (s *disclosureScreen) docs(k *Kiosk) []*kiosk.Document {
	var out []*kiosk.Document
	for i := range k.cat.Documents {
		d := &k.cat.Documents[i]
		switch {
		case s.by == "department" && s.group != "" && d.Department != s.group:
			continue
		case s.by == "category" && s.group != "" && d.Category != s.group:
			continue
		}
		out = append(out, d)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Published > out[j].Published })
	return out
}

func (s *disclosureScreen) content(k *Kiosk) fyne.CanvasObject {
	title := k.heading(k.t("disclosure.title"), theme.SizeNameHeadingText)
	tab := func(label, by string) fyne.CanvasObject {
		kind := tilePlain
		if s.by == by {
			kind = tileSelected
		}
		t := newTile(label, "", kind, func() {
			k.touch()
			s.by, s.group = by, ""
			k.render()
		})
		t.Center = true
		return t
	}
	tabs := row(theme.Padding()*3,
		tab(k.t("disclosure.all"), ""),
		tab(k.t("disclosure.byDepartment"), "department"),
		tab(k.t("disclosure.byCategory"), "category"))
	parts := []fyne.CanvasObject{title, tabs}

	showGroups := s.by != "" && s.group == ""
	var groups []docGroup
	var docs []*kiosk.Document
	if showGroups {
		groups = s.groups(k)
	} else {
		docs = s.docs(k)
	}
	if s.by != "" && s.group != "" {
		name := s.group
		for _, g := range s.groups(k) {
			if g.code == s.group {
				name = g.name
			}
		}
		all := newButtonWithIcon(k.t("catalog.allGroups"), theme.NavigateBackIcon(), func() {
			k.touch()
			s.group = ""
			k.render()
		})
		parts = append(parts, sized(weightedRow(theme.Padding()*2, []float32{3, 1.2},
			newTextLine(name, theme.Size(theme.SizeNameSubHeadingText), theme.ColorNamePrimary), all), 0, k.touchH()))
	}
	l := newPagedList(k,
		func() int {
			if showGroups {
				return len(groups)
			}
			return len(docs)
		},
		func() fyne.CanvasObject {
			t := newTile(" ", " ", tilePlain, nil)
			t.TitleSz = k.listTitleSize()
			return t
		},
		func(i int, o fyne.CanvasObject) {
			t := o.(*tile)
			if showGroups {
				g := groups[i]
				t.Title, t.Sub = g.name, ""
				t.OnTapped = func() { k.touch(); s.group = g.code; k.render() }
			} else {
				d := docs[i]
				t.Title = k.text(d.Title)
				t.Sub = d.Published + " · " + k.text(k.cat.Department(d.Department).Name) + " · " + d.Category
				t.OnTapped = func() { k.open(&documentScreen{doc: d}) }
			}
			t.Refresh()
		})
	l.maxPer = k.perPage()
	l.emptyMsg = k.t("disclosure.empty")
	parts = append(parts, l)
	return column(theme.Padding()*3, len(parts)-1, parts...)
}

// documentScreen reads one public document, a page at a time.
type documentScreen struct {
	doc  *kiosk.Document
	page int
}

func (s *documentScreen) content(k *Kiosk) fyne.CanvasObject {
	d := s.doc
	title := wrapped(k.text(d.Title), theme.Size(theme.SizeNameSubHeadingText), theme.ColorNameForeground, k.width(), fyne.TextAlignLeading)
	text := theme.Size(theme.SizeNameText)
	meta := k.text(k.cat.Department(d.Department).Name) + " · " + d.Category + " · " + k.t("disclosure.published") + d.Published
	ps := []paragraph{}
	if d.DocNumber != "" {
		ps = append(ps, paragraph{Text: d.DocNumber, Size: text, Color: theme.ColorNamePlaceHolder})
	}
	ps = append(ps, paragraph{Text: meta, Size: text, Color: theme.ColorNamePlaceHolder})
	if d.Summary != "" {
		ps = append(ps, paragraph{Text: k.t("disclosure.summary"), Size: theme.Size(theme.SizeNameSubHeadingText), Color: theme.ColorNamePrimary, Gap: true},
			paragraph{Text: d.Summary, Size: text})
	}
	ps = append(ps, paragraph{Text: k.t("disclosure.body"), Size: theme.Size(theme.SizeNameSubHeadingText), Color: theme.ColorNamePrimary, Gap: true},
		paragraph{Text: d.Body, Size: text})
	r := newReader(k, ps)
	r.page = s.page
	r.onPaged = func(p, _ int) { s.page = p }
	return container.New(colLayout{gap: theme.Padding() * 3, fill: map[int]bool{1: true}}, title, r)
}
