package ui_test

import (
	"strings"
	"testing"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"

	"govkiosk/assets"
	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

func TestElderlyModeIsLargerWithFewerRows(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	normal := kt.k.TextSize()
	homeTitle := kt.k.TextSizes()["办事"]
	kt.tap("指南")
	normalRows := countItems(kt)
	kt.tap("首页")

	kt.tap("长辈模式")
	if got := kt.k.TextSize(); got < 1.4*normal {
		t.Errorf("elderly text size %v, want ≥ 1.4 × %v", got, normal)
	}
	if got := kt.k.TextSizes()["办事"]; got < 1.4*homeTitle {
		t.Errorf("elderly home tile title %v, want ≥ 1.4 × %v", got, homeTitle)
	}
	kt.mustSee("已开启：字大、清楚", "请点下面的大按钮，或者把身份证放在感应区")
	kt.tap("指南")
	if rows := countItems(kt); rows >= normalRows || rows == 0 {
		t.Errorf("elderly catalogue shows %d rows a page, normal %d: want fewer", rows, normalRows)
	}
}

// countItems counts catalogue rows on screen (each shows its class).
func countItems(kt *kioskTest) int {
	n := 0
	for _, s := range kt.k.Texts() {
		if strings.HasSuffix(s, "即办件") || strings.HasSuffix(s, "承诺件") {
			n++
		}
	}
	return n
}

func TestEnglishHome(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.tap("English")
	kt.mustSee("Apply", "Track", "Guides", "Public info", "Book / ticket", "Choose a service, or place your ID card on the reader")
	for _, s := range kt.k.Texts() {
		if hasHan(s) && s != "中文" && s != "切换为中文" {
			t.Errorf("Chinese on the English home screen: %q", s)
		}
	}
	kt.tap("Apply")
	kt.typeInto(0, "sbcb")
	kt.mustSee("Printing of Social Insurance Contribution Certificate", "Self-service", "Needs network")
	kt.tap("Printing of Social Insurance Contribution Certificate")
	kt.mustSee("Item code: ", "Class: Same-day", "Start")
}

func TestChineseScreensHaveNoEnglish(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.svc.PlaceCard(uitest.Card())
	for _, path := range [][]string{{"办事"}, {"指南"}, {"查询"}, {"政务公开"}, {"预约/取号"}, {"刷身份证"}} {
		if !kt.k.OnHome() {
			kt.tap("首页")
		}
		for _, p := range path {
			kt.tap(p)
		}
		for _, s := range kt.k.Texts() {
			for _, w := range strings.FieldsFunc(s, func(r rune) bool { return !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') }) {
				if len(w) > 3 && w != "English" && w != "sbcb" {
					t.Errorf("%v: English word %q in %q", path, w, s)
				}
			}
		}
	}
}

func TestOfflineExplainsWhatNeedsTheNetwork(t *testing.T) {
	kt := newKioskTest(t, ui.Options{}, func(s *uitest.Services) { s.SetOnlineQuiet(false) })
	kt.mustSee("网络未连接，可离线办理，联网后自动上传", "网络未连接")
	kt.tap("办事")
	kt.typeInto(0, "sbcb")
	kt.tap("社会保险参保缴费证明打印")
	kt.mustSee("需要联网核验数据，现在网络未连接")
	if len(kt.k.Tappables("开始办理")) != 0 {
		t.Fatal("an item that needs the network can be started offline")
	}
	kt.tap("办理可离线办理的事项")
	kt.mustSee("可离线办理的事项", "居住证申领")
	kt.mustNotSee("社会保险参保缴费证明打印")

	// Back online, the guide offers to start again.
	kt.svc.SetOnline(true)
	kt.tap("返回")
	kt.mustSee("开始办理")
}

func TestBrowseByDepartmentAndPage(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.tap("指南")
	kt.mustSee("第 1 / ")
	first := kt.k.Texts()
	kt.tap("下一页")
	kt.mustSee("第 2 / ")
	if strings.Join(first, "|") == strings.Join(kt.k.Texts(), "|") {
		t.Fatal("下一页 showed the same rows")
	}
	kt.tap("部门")
	kt.mustSee("人力资源和社会保障", "公安户政")
	kt.tap("人力资源和社会保障")
	kt.mustSee("部门：人力资源和社会保障", "社会保险参保缴费证明打印")
	kt.mustNotSee("居住证申领")
	kt.tap("人生事件")
	kt.tap("退休")
	kt.mustSee("人生事件：退休")
	kt.tap("法人办事")
	kt.mustSee("单位住房公积金缴存登记")
	kt.mustNotSee("居住证申领")
}

func TestDisclosureReader(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.tap("政务公开")
	doc := kt.svc.Cat.Documents[0]
	kt.tap("按部门")
	kt.tap(kt.svc.Cat.Department(doc.Department).Name.ZH)
	kt.tap(doc.Title.ZH)
	kt.mustSee("正文", doc.Published)
	body := []rune(doc.Body)
	kt.mustSee(string(body[:8]))
}

func TestPinyinKeyboardTypesChinese(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.svc.PlaceCard(uitest.Card())
	kt.tap("办事")
	kt.typeInto(0, "失业登记")
	kt.tap("失业登记")
	kt.tap("开始办理")
	kt.tap("下一步")
	kt.mustSee("求职意向")
	kt.focus(1) // 求职意向: text, so the pinyin keyboard
	kt.mustSee("输入拼音，点选汉字")
	kt.typeKeys("c", "a", "n", "g", "c", "h", "u")
	kt.mustSee("cang'chu", "仓储")
	kt.tap("仓储")
	kt.typeKeys("w", "u", "l", "i", "u")
	kt.tap("空格") // space takes the first candidate
	if got := kt.k.Entries()[1].Text; got != "仓储物流" {
		t.Fatalf("求职意向 = %q, want 仓储物流", got)
	}
	kt.tap("删除")
	kt.tap("删除")
	if got := kt.k.Entries()[1].Text; got != "仓储" {
		t.Fatalf("after two deletes 求职意向 = %q", got)
	}
}

// Every character the home and search screens show is in the UI font:
// one that is not makes Fyne scan the system's fonts for it (~50 ms and a
// font parse) before the first frame, or on the tap that opens the screen.
func TestHomeScreensNeedNoFallbackFont(t *testing.T) {
	f, err := opentype.Parse(assets.UIFont)
	if err != nil {
		t.Fatal(err)
	}
	var buf sfnt.Buffer
	for _, o := range []ui.Options{{}, {Language: "en"}, {Elderly: true}, {Orientation: ui.Landscape}} {
		kt := newKioskTest(t, o)
		check := func(screen string) {
			for _, s := range kt.k.Texts() {
				for _, r := range s {
					if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
						t.Errorf("%+v, %s: the UI font lacks %U %q, shown in %q", o, screen, r, r, s)
					}
				}
			}
		}
		check("home")
		kt.tap(map[string]string{"en": "Apply"}[o.Language] + map[string]string{"": "办事"}[o.Language])
		kt.focus(0)
		check("search")
	}
}
