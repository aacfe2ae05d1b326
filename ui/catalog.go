// Package ui holds the kiosk's Fyne screens. Screens show what the domain
// (package kiosk) decides; they do no I/O of their own.
package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
)

// CatalogBrowser lists the catalogue's items, filters them as the citizen
// types (Chinese, pinyin or initials), and shows the guide of the chosen one.
type CatalogBrowser struct {
	cat   *kiosk.Catalog
	index *search.Index
	shown []*kiosk.Item

	Search *widget.Entry
	List   *widget.List
	Guide  *widget.Label
}

// NewCatalogBrowser builds the browser over cat.
func NewCatalogBrowser(cat *kiosk.Catalog, index *search.Index) *CatalogBrowser {
	b := &CatalogBrowser{cat: cat, index: index}
	b.Search = widget.NewEntry()
	b.Search.SetPlaceHolder("输入事项名称、拼音或首字母，如 sbcb")
	b.Guide = widget.NewLabel("请选择左侧事项查看办事指南")
	b.Guide.Wrapping = fyne.TextWrapWord
	b.List = widget.NewList(
		func() int { return len(b.shown) },
		func() fyne.CanvasObject { return widget.NewLabel("事项名称占位") },
		func(i widget.ListItemID, o fyne.CanvasObject) {
			it := b.shown[i]
			o.(*widget.Label).SetText(it.Name.ZH + "  ·  " + cat.Department(it.Department).Name.ZH)
		},
	)
	b.List.OnSelected = func(i widget.ListItemID) { b.Guide.SetText(GuideText(cat, b.shown[i])) }
	b.Search.OnChanged = b.Filter
	b.Filter("")
	return b
}

// Filter shows the items matching q, or every item for an empty query.
func (b *CatalogBrowser) Filter(q string) {
	b.shown = b.shown[:0]
	if strings.TrimSpace(q) == "" {
		for i := range b.cat.Items {
			b.shown = append(b.shown, &b.cat.Items[i])
		}
	} else {
		for _, r := range b.index.Search(q, 100) {
			b.shown = append(b.shown, r.Item)
		}
	}
	b.List.UnselectAll()
	b.List.Refresh()
}

// Shown is the items currently listed.
func (b *CatalogBrowser) Shown() []*kiosk.Item { return b.shown }

// Content lays the browser out: search on top, list beside the guide.
func (b *CatalogBrowser) Content() fyne.CanvasObject {
	split := container.NewHSplit(b.List, container.NewVScroll(b.Guide))
	split.Offset = 0.45
	return container.NewBorder(b.Search, nil, nil, nil, split)
}

// GuideText is an item's full guide (办事指南) as plain text.
func GuideText(cat *kiosk.Catalog, it *kiosk.Item) string {
	var s strings.Builder
	fmt.Fprintf(&s, "%s\n%s\n\n事项编码：%s\n实施部门：%s\n事项类型：%s\n", it.Name.ZH, it.Name.EN, it.Code,
		cat.Department(it.Department).Name.ZH, it.Category)
	class := "承诺件"
	if it.Class == kiosk.ClassImmediate {
		class = "即办件"
	}
	fmt.Fprintf(&s, "办件类型：%s\n", class)
	if it.LegalLimitDays > 0 {
		fmt.Fprintf(&s, "法定时限：%d个工作日\n", it.LegalLimitDays)
	}
	if it.PromisedLimitDays > 0 {
		fmt.Fprintf(&s, "承诺时限：%d个工作日\n", it.PromisedLimitDays)
	} else {
		s.WriteString("承诺时限：即时办结\n")
	}
	fmt.Fprintf(&s, "收费：%s\n跑动次数：%d次\n\n%s\n\n受理条件：\n", it.FeeText(), it.Trips, it.Summary)
	for i, c := range it.Conditions {
		fmt.Fprintf(&s, "%d. %s\n", i+1, c)
	}
	if len(it.Materials) > 0 {
		s.WriteString("\n申请材料：\n")
		for i, m := range it.Materials {
			var tags []string
			if m.Required {
				tags = append(tags, "必需")
			} else {
				tags = append(tags, "可选")
			}
			if m.Original {
				tags = append(tags, "需原件")
			}
			if m.Copies > 0 {
				tags = append(tags, fmt.Sprintf("复印件%d份", m.Copies))
			}
			if m.ELicence {
				tags = append(tags, "可用电子证照免提交")
			}
			fmt.Fprintf(&s, "%d. %s（%s）\n", i+1, m.Name, strings.Join(tags, "，"))
		}
	}
	s.WriteString("\n办理流程：" + strings.Join(it.Process, " → ") + "\n\n设定依据：\n")
	for _, b := range it.LegalBasis {
		s.WriteString(b + "\n")
	}
	s.WriteString("\n办理地点：\n")
	for _, l := range it.Locations {
		fmt.Fprintf(&s, "%s，%s", l.Name, l.Address)
		if l.Hours != "" {
			s.WriteString("，" + l.Hours)
		}
		if l.Phone != "" {
			s.WriteString("，电话 " + l.Phone)
		}
		s.WriteString("\n")
	}
	return s.String()
}
