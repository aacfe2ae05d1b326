package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"

	"govkiosk/kiosk"
)

// guideScreen shows an item's full guide (办事指南), a page at a time, and
// starts its flow when this kiosk can handle it.
type guideScreen struct {
	item *kiosk.Item
	page int
}

func (s *guideScreen) onlineMatters() {}

func (s *guideScreen) content(k *Kiosk) fyne.CanvasObject {
	it := s.item
	title := wrapped(k.text(it.Name), theme.Size(theme.SizeNameHeadingText), theme.ColorNameForeground, k.width(), fyne.TextAlignLeading)
	reader := newReader(k, guideParagraphs(k, it))
	reader.page = s.page
	reader.onPaged = func(p, _ int) { s.page = p }

	var action fyne.CanvasObject
	switch {
	case it.Flow == nil:
		action = outlined(colCard, theme.Color(theme.ColorNameSeparator),
			wrapped(k.t("guide.windowOnly"), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width()-48, fyne.TextAlignLeading), 16)
	case it.NeedsNetwork && !k.online:
		note := wrapped(fmt.Sprintf(k.t("offline.why"), k.text(it.Name)), theme.Size(theme.SizeNameText), theme.ColorNameForeground, k.width()-48, fyne.TextAlignLeading)
		action = container.New(colLayout{gap: theme.Padding() * 2},
			panel(colWarningBG, note, 16),
			k.primary(k.t("offline.offlineItems"), func() { k.open(newCatalogScreen(modeOffline)) }))
	default:
		label := k.t("guide.start")
		if it.Flow.HasStep(kiosk.StepTicket) {
			label = k.t("guide.startTicket")
		}
		action = k.primary(label, func() { k.startRun(it) })
	}
	if k.lang != LangEN {
		return column(theme.Padding()*3, 1, title, reader, action)
	}
	// The guide's content is the catalogue's official Chinese text: the
	// catalogue model gives only names an English form, and conditions,
	// materials and legal bases are legal text a hall will not publish in
	// a machine translation. English readers are told so up front; the
	// labels, the facts (limits, fees, trips) and the buttons are English.
	note := panel(colWarningBG, wrapped(k.t("guide.officialChinese"), theme.Size(theme.SizeNameCaptionText), theme.ColorNameForeground, k.width()-32, fyne.TextAlignLeading), 16)
	return column(theme.Padding()*3, 2, title, note, reader, action)
}

// guideParagraphs is every field of the guide, labelled in the kiosk's
// language; the content is the catalogue's official text (Chinese).
func guideParagraphs(k *Kiosk, it *kiosk.Item) []paragraph {
	text := theme.Size(theme.SizeNameText)
	head := theme.Size(theme.SizeNameSubHeadingText)
	var ps []paragraph
	section := func(key string) {
		ps = append(ps, paragraph{Text: k.t(key), Size: head, Color: theme.ColorNamePrimary, Gap: true})
	}
	line := func(label, value string) {
		ps = append(ps, paragraph{Text: k.t(label) + k.colon() + value, Size: text})
	}
	body := func(s string) { ps = append(ps, paragraph{Text: s, Size: text}) }

	section("guide.basic")
	line("guide.code", it.Code)
	line("guide.department", k.text(k.cat.Department(it.Department).Name))
	line("guide.category", k.category(it.Category))
	line("guide.class", k.t("class."+it.Class))
	var aud []string
	for _, a := range it.Audience {
		aud = append(aud, k.t("audience."+a))
	}
	line("guide.audience", strings.Join(aud, k.t("punct.enum")))
	if it.LegalLimitDays > 0 {
		line("guide.legalLimit", k.tf("guide.days", it.LegalLimitDays))
	} else {
		line("guide.legalLimit", k.t("guide.noLimit"))
	}
	if it.PromisedLimitDays > 0 {
		line("guide.promisedLimit", k.tf("guide.days", it.PromisedLimitDays))
	} else {
		line("guide.promisedLimit", k.t("guide.onTheSpot"))
	}
	line("guide.fees", feeText(k, it))
	line("guide.trips", k.tf("guide.tripsN", it.Trips))
	line("guide.channel", channelText(k, it))
	if it.Summary != "" {
		section("guide.summary")
		body(it.Summary)
	}

	section("guide.conditions")
	for i, c := range it.Conditions {
		body(fmt.Sprintf("%d. %s", i+1, c))
	}

	section("guide.materials")
	if len(it.Materials) == 0 {
		body(k.t("guide.noMaterials"))
	}
	for i, m := range it.Materials {
		body(fmt.Sprintf("%d. %s%s%s%s", i+1, m.Name, k.t("punct.open"), strings.Join(materialTags(k, m), k.t("punct.list")), k.t("punct.close")))
		if m.Note != "" {
			ps = append(ps, paragraph{Text: "    " + m.Note, Size: theme.Size(theme.SizeNameCaptionText), Color: theme.ColorNamePlaceHolder})
		}
	}

	if len(it.Fees) > 0 {
		section("guide.feeDetail")
		for _, f := range it.Fees {
			s := f.Name + k.colon() + kiosk.FormatYuan(f.AmountFen)
			if f.Basis != "" {
				s += k.t("punct.open") + f.Basis + k.t("punct.close")
			}
			body(s)
		}
	}
	if len(it.Process) > 0 {
		section("guide.process")
		body(strings.Join(it.Process, " → "))
	}
	section("guide.legalBasis")
	for _, b := range it.LegalBasis {
		body(b)
	}
	section("guide.locations")
	for _, l := range it.Locations {
		body(l.Name)
		detail := k.t("guide.address") + k.colon() + l.Address
		if l.Hours != "" {
			detail += "\n" + k.t("guide.hours") + k.colon() + l.Hours
		}
		if l.Phone != "" {
			detail += "\n" + k.t("guide.phone") + k.colon() + l.Phone
		}
		ps = append(ps, paragraph{Text: detail, Size: text, Color: theme.ColorNamePlaceHolder})
	}
	return ps
}

func feeText(k *Kiosk, it *kiosk.Item) string {
	if len(it.Fees) == 0 {
		return k.t("guide.free")
	}
	var total int64
	for _, f := range it.Fees {
		total += f.AmountFen
	}
	return kiosk.FormatYuan(total)
}

// channelText says where the item can be done: here, online, at a window.
func channelText(k *Kiosk, it *kiosk.Item) string {
	switch {
	case it.Flow != nil && it.NeedsNetwork:
		return k.t("guide.channel.selfOnline")
	case it.Flow != nil:
		return k.t("guide.channel.selfOffline")
	}
	return k.t("guide.channel.window")
}

// materialTags are a material's marks: required, original, copies, and
// whether an e-licence replaces it (电子证照免提交).
func materialTags(k *Kiosk, m kiosk.Material) []string {
	var tags []string
	if m.Required {
		tags = append(tags, k.t("material.required"))
	} else {
		tags = append(tags, k.t("material.optional"))
	}
	if m.Original {
		tags = append(tags, k.t("material.original"))
	}
	if m.Copies > 0 {
		tags = append(tags, k.tf("material.copies", m.Copies))
	}
	if m.ELicence {
		tags = append(tags, k.t("material.elicence"))
	}
	return tags
}

// category is an item's category (行政许可, 公共服务…, the statutory kinds of
// government power) in the kiosk's language; one the translation files do
// not know shows as the catalogue has it.
func (k *Kiosk) category(c string) string {
	if s := k.t("category." + c); s != "category."+c {
		return s
	}
	return c
}
