package ui_test

import (
	"testing"

	"govkiosk/kiosk"
	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

// The brief's main path: a citizen with an ID card applies for the social
// insurance certificate from the home screen, finds it by typing sbcb on
// the on-screen keyboard, and leaves with a printed certificate.
func TestApplyFromHomeWithCardToPrintedReceipt(t *testing.T) {
	bars := ui.RecordBusyBars(t)
	kt := newKioskTest(t, ui.Options{})
	card := uitest.Card()
	kt.svc.PlaceCard(card)
	kt.mustSee("您好，测*甲")
	kt.mustUseUIFont()
	kt.mustNotSee(card.Name, card.IDNumber)

	kt.tap("办事")
	kt.focus(0)
	kt.typeKeys("s", "b", "c", "b")
	kt.mustSee("社会保险参保缴费证明打印")
	kt.mustUseUIFont()
	kt.tap("社会保险参保缴费证明打印")
	kt.mustSee("事项编码：339900-RS-GG-0001", "办件类型：即办件", "受理条件", "申请材料", "可用电子证照免提交")
	kt.tap("下一页") // the guide pages; nothing scrolls
	kt.mustSee("设定依据", "办理地点", "清河市民中心人社综合窗口")

	kt.tap("开始办理")
	kt.mustSee("第 1 步 / 共 6 步", "测*甲", "110105********002X")
	kt.tap("下一步")
	kt.mustSee("第 2 步 / 共 6 步", "证明用途 *")
	kt.mustUseUIFont()

	// Nothing filled in: every field says what is wrong, under itself.
	kt.tap("下一步")
	kt.mustSee("请填写证明用途", "请填写起始年月", "请填写截止年月", "请填写联系电话")

	kt.tap("贷款")
	kt.typeInto(0, "2020-01")
	kt.typeInto(1, "2026-10")
	kt.focus(2) // the phone field brings up the numeric keypad
	kt.typeKeys("1", "3", "8", "1", "2", "3", "4", "5", "6", "7", "8")
	kt.mustNotSee("请填写证明用途")
	kt.tap("下一步")

	kt.mustSee("核对信息", "姓名：测*甲", "证件号码：110105********002X", "证明用途：贷款", "联系电话：13812345678")
	kt.mustNotSee(card.IDNumber)
	kt.tap("确认无误")
	kt.mustSee("提交申请")
	kt.tap("提交申请")

	prints := kt.svc.Prints()
	if len(prints) != 1 || prints[0].Document != "certificate" || prints[0].CaseNumber == "" {
		t.Fatalf("printed %+v, want one certificate with a case number", prints)
	}
	number := prints[0].CaseNumber
	kt.mustSee(number, "证明已打印")
	kt.mustUseUIFont()

	kt.tap("下一步")
	kt.mustSee("您对本次服务满意吗？")
	kt.mustUseUIFont()
	kt.tap("满意")
	kt.tap("提交评价")
	if e := kt.svc.Store.Evaluation(number); e == nil || e.Level != 4 {
		t.Fatalf("evaluation stored = %+v, want level 4", e)
	}
	kt.mustSee("办理完成", number)
	kt.mustUseUIFont()
	kt.mustFitWindow()

	kt.tap("完成并退出")
	if !kt.k.OnHome() || kt.k.HasSession() {
		t.Fatal("完成 did not end the session on the home screen")
	}
	kt.mustNotSee("测*甲", number)
	kt.mustSee("感谢使用，您的信息已从本机清除")

	// Busy and printing bars were shown on the way; none animates on
	// after its screen: Fyne would repaint the whole window every frame
	// for a minute.
	if len(*bars) == 0 {
		t.Fatal("no busy bar was shown: the check below checks nothing")
	}
	for i, b := range *bars { // Running: rendered and not stopped since
		if b.Running() {
			t.Errorf("busy bar %d of %d still animates on the home screen", i+1, len(*bars))
		}
	}
}

// A printer out of paper: the case is already on disk and its number stays
// on screen; the citizen retries once paper is back.
func TestPrinterOutOfPaperKeepsCaseAndRetries(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.svc.PlaceCard(uitest.Card())
	kt.tap("指南")
	kt.focus(0)
	kt.typeInto(0, "公积金缴存")
	kt.tap("住房公积金缴存证明")
	kt.tap("开始办理")
	kt.tap("下一步")
	kt.tap("商业银行贷款")
	kt.typeInto(0, "2")
	kt.tap("下一步")
	kt.tap("确认无误")
	kt.svc.SetPaperOut(true)
	kt.mustSee("打印机暂停使用：打印机缺纸，请联系工作人员")
	kt.tap("提交申请")

	numbers := kt.svc.Store.Numbers()
	if len(numbers) != 1 {
		t.Fatalf("cases stored = %v, want the one submitted", numbers)
	}
	kt.mustSee(numbers[0], "打印没有成功：打印机缺纸，请联系工作人员", "重新打印")
	kt.mustNotSee("paper end") // never a Go error string
	if len(kt.svc.Prints()) != 0 {
		t.Fatal("printed without paper")
	}

	kt.svc.SetPaperOut(false)
	kt.tap("重新打印")
	if p := kt.svc.Prints(); len(p) != 1 || p[0].CaseNumber != numbers[0] {
		t.Fatalf("prints after retry = %+v", p)
	}
	kt.mustSee("证明已打印")
}

// A flow with materials: e-licence only where allowed, bring-later listed
// on the review (一次性告知).
func TestMaterialsChoicesAndReview(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.svc.PlaceCard(uitest.Card())
	kt.tap("办事")
	kt.focus(0)
	kt.typeInto(0, "无犯罪")
	kt.tap("无犯罪记录证明开具")
	kt.tap("开始办理")
	kt.tap("下一步")
	kt.tap("就业入职")
	kt.typeInto(0, "清河市某某有限公司")
	kt.typeInto(1, "13812345678")
	kt.tap("下一步")
	kt.mustSee("请为每项材料选择提交方式")
	kt.tap("下一步")
	kt.mustSee("还有材料没有选择")
	kt.tap("知道了")

	// 居民身份证 may be an e-licence; 申请表 may not, so it is brought later.
	kt.tapN("电子证照免提交", 0)
	if got := len(kt.k.Tappables("电子证照免提交")); got != 1 {
		t.Fatalf("%d materials offer 电子证照免提交, want only the ID card", got)
	}
	kt.tapN("稍后补交", 1)
	kt.tap("下一步")
	kt.mustSee("核对信息", "居民身份证：电子证照免提交", "无犯罪记录证明申请表：稍后补交",
		"还需补交的材料（一次性告知）", "· 无犯罪记录证明申请表")
}

// The pre-registration ticket: pick a service with a ticket step, identify,
// print the ticket for the window.
func TestTicketFlowPrintsTicket(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.tap("预约/取号")
	kt.mustSee("婚姻登记预约", "出生医学证明补发")
	kt.mustNotSee("社会保险参保缴费证明打印")
	kt.tap("婚姻登记预约")
	kt.mustSee("请将身份证放在感应区")
	kt.svc.PlaceCard(uitest.Card()) // identifying moves the flow on by itself
	kt.mustSee("第 2 步")
	kt.tap("补领")
	visit := uitest.Start.AddDate(0, 0, 3).Format("2006-01-02")
	kt.typeInto(2, visit)
	kt.tapPaged("上午 9:00-10:30")
	kt.typeInto(len(kt.k.Entries())-1, "13812345678")
	kt.tap("下一步")
	kt.tap("确认无误")
	kt.tap("提交申请")
	p := kt.svc.Prints()
	if len(p) != 1 || p[0].Step != kiosk.StepTicket {
		t.Fatalf("prints = %+v, want one ticket", p)
	}
	kt.mustSee("预约已登记", "请到【婚姻登记处】等候叫号", "排队凭条已打印")
}

// After a failed 下一步 the keyboard serves the first field in error, whose
// message is under it, and fixing it clears the message.
func TestFormErrorGivesKeyboardToFieldInError(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.svc.PlaceCard(uitest.Card())
	kt.tap("办事")
	kt.typeInto(0, "sbcb")
	kt.tap("社会保险参保缴费证明打印")
	kt.tap("开始办理")
	kt.tap("下一步")
	kt.tap("贷款")
	kt.typeInto(0, "2020-01")
	kt.typeInto(1, "2026-10")
	kt.typeInto(2, "138123456788")
	kt.tap("下一步")
	kt.mustSee("请填写11位手机号码或带区号的固定电话")
	kt.tap("删除") // the phone keypad is up
	kt.mustNotSee("请填写11位手机号码或带区号的固定电话")
	kt.tap("下一步")
	kt.mustSee("核对信息", "联系电话：13812345678")
}
