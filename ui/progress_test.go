package ui_test

import (
	"context"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

// submitted puts a case in the fake store as if a citizen with card had
// applied earlier, and returns its number.
func submitted(t *testing.T, svc *uitest.Services, card *kiosk.Identity) string {
	t.Helper()
	now := svc.Clk.Now()
	c := &kiosk.Case{
		ID: kiosk.NewCaseIDNow(now), ItemCode: "339900-GA-GG-0001", ItemName: "居住证申领",
		SubmittedAt: now, MaskedName: card.MaskedName(), Applicant: card, PromisedDate: "2026-12-09",
		Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}},
	}
	if err := svc.Store.SubmitCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c.Number
}

func TestQueryCaseByNumberOnKeypad(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	n := submitted(t, kt.svc, uitest.Card())
	kt.svc.Clk.Advance(time.Hour)
	kt.svc.Store.Advance(n, kiosk.StatusReceived, "材料齐全，已受理")

	kt.tap("查询")
	kt.mustSee("办件进度查询", "按办件编号")
	// A typo is caught by the check character before anything is asked.
	kt.typeInto(0, n[:len(n)-1]+"Z")
	kt.tap("查询")
	kt.mustSee("办件编号不正确")
	kt.tap("知道了")

	kt.tap("清空")
	for _, r := range n {
		key := string(r)
		kt.tap(key)
	}
	kt.tap("查询")
	kt.mustSee("居住证申领", "当前状态：已受理", "办件编号："+n, "姓名：测*甲", "材料齐全，已受理", "已提交", "评价这次服务")
	kt.mustNotSee("网络未连接")
}

func TestQueryOfflineShowsLastKnownStatus(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	n := submitted(t, kt.svc, uitest.Card())
	kt.svc.Store.Advance(n, kiosk.StatusReceived, "")
	confirmed := kt.svc.Clk.Now().Format("2006-01-02 15:04")
	kt.svc.SetOnline(false)
	kt.mustSee("网络未连接，可离线办理，联网后自动上传")

	// Scanning the receipt's QR code from anywhere opens the case.
	kt.svc.Send(ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: n, CaseNumber: n}})
	kt.k.Settle()
	kt.mustSee("当前状态：已受理", "网络未连接，显示的是 "+confirmed+" 确认的状态")
}

func TestQueryByIDCardAndEvaluateEarlierCase(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	card := uitest.Card()
	n := submitted(t, kt.svc, card)
	submitted(t, kt.svc, uitest.SecondCard()) // someone else's: never listed

	kt.tap("查询")
	kt.tap("刷身份证查询")
	kt.mustSee("请将身份证放在感应区")
	kt.svc.PlaceCard(card)
	kt.k.Settle()
	// One case: it opens directly.
	kt.mustSee("居住证申领", n, "评价这次服务")

	kt.tap("评价这次服务")
	kt.tap("非常不满意")
	kt.tap("提交评价")
	kt.mustSee("请至少选择一个不满意的原因")
	if kt.svc.Store.Evaluation(n) != nil {
		t.Fatal("a bad rating without a reason was stored")
	}
	kt.tap("办理时间太长")
	kt.tap("提交评价")
	e := kt.svc.Store.Evaluation(n)
	if e == nil || e.Level != 1 || len(e.Reasons) != 1 || e.Reasons[0] != "slow" {
		t.Fatalf("evaluation = %+v, want level 1 for slow", e)
	}
	kt.mustSee("感谢您的评价！")
	kt.tap("知道了")
	kt.mustSee("已评价，感谢您的反馈")
	kt.mustNotSee("评价这次服务")
}

func TestUnknownCodeIsExplained(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.svc.Send(ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: "hello"}})
	kt.mustSee("无法识别这个二维码", "请扫描办件回执上的二维码")
}
