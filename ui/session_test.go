package ui_test

import (
	"strings"
	"testing"
	"time"

	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

// citizenTraces are what must never remain on any screen after a session:
// the name (whole or masked), the ID number (whole or masked) and the
// phone typed.
func citizenTraces() []string {
	c := uitest.Card()
	return []string{c.Name, c.MaskedName(), c.IDNumber, c.MaskedIDNumber(), "13812345678", c.Address}
}

// startForm identifies the citizen and fills part of a form.
func startForm(kt *kioskTest) {
	kt.t.Helper()
	kt.svc.PlaceCard(uitest.Card())
	kt.tap("办事")
	kt.typeInto(0, "居住证")
	kt.tap("居住证申领")
	kt.tap("开始办理")
	kt.tap("下一步")
	kt.mustSee("申请人姓名 *", "测*甲", "已从身份证读取")
	kt.typeInto(1, "13812345678")
	kt.mustSee("13812345678")
}

func TestIdleTimeoutCountsDownThenWipes(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	startForm(kt)
	form := kt.w.Canvas().Content()

	// Quiet until the last 30 seconds.
	kt.svc.Clk.Advance(kt.svc.Idle - 45*time.Second)
	kt.k.Tick()
	kt.mustNotSee("您还在吗？")

	kt.svc.Clk.Advance(25 * time.Second)
	kt.k.Tick()
	kt.mustSee("您还在吗？", "20", "继续办理")
	kt.tap("继续办理")
	kt.mustNotSee("您还在吗？")
	kt.mustSee("13812345678") // nothing lost by continuing

	kt.svc.Clk.Advance(kt.svc.Idle - 10*time.Second)
	kt.k.Tick()
	kt.mustSee("10")
	kt.svc.Clk.Advance(10 * time.Second)
	kt.k.Tick()

	if !kt.k.OnHome() || kt.k.HasSession() {
		t.Fatal("the idle deadline did not end the session on the attract screen")
	}
	kt.mustSee("欢迎使用政务服务自助终端")
	for _, s := range citizenTraces() {
		kt.mustNotSee(s)
		for _, x := range ui.TextsIn(form) {
			if strings.Contains(x, s) {
				t.Errorf("the old form still holds %q", s)
			}
		}
	}
}

func TestCardRemovalEndsSession(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	startForm(kt)
	kt.svc.RemoveCard()
	if !kt.k.OnHome() || kt.k.HasSession() {
		t.Fatal("removing the card did not end the session")
	}
	kt.mustSee("身份证已取走，您的信息已从本机清除")
	for _, s := range citizenTraces() {
		kt.mustNotSee(s)
	}
	// The next citizen starts clean: the form is gone, not resumed.
	kt.tap("办事")
	kt.mustNotSee("申请人姓名 *")
}

func TestDoneEndsSessionAndResetsLanguageAndMode(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.tap("English")
	kt.tap("Large text mode")
	kt.mustSee("Apply")
	kt.tap("Done")
	kt.mustSee("办事", "欢迎使用政务服务自助终端")
	if kt.k.TextSize() != 26 {
		t.Errorf("text size after the session = %v, want the default", kt.k.TextSize())
	}
}

func TestCardFailuresInPlainWords(t *testing.T) {
	kt := newKioskTest(t, ui.Options{})
	kt.svc.Send(ui.Event{Kind: ui.EventCardFailed, Message: "未能读取身份证，请将身份证平放在感应区"})
	kt.mustSee("身份证没有读取成功", "未能读取身份证，请将身份证平放在感应区", "如果多次不成功，请联系大厅工作人员。")
	kt.tap("知道了")

	kt.svc.PlaceCard(uitest.ExpiredCard())
	kt.mustSee("您的证件已过有效期，请到人工窗口办理")
	if kt.k.Identified() {
		t.Error("an expired card identified the citizen")
	}
}

func TestTechnicianGesture(t *testing.T) {
	fired := 0
	kt := newKioskTest(t, ui.Options{OnTechnicianGesture: func() { fired++ }})
	corner := kt.k.Corner()
	for i := 0; i < 4; i++ {
		kt.svc.Clk.Advance(time.Second)
		corner.Tapped(nil)
	}
	if fired != 0 {
		t.Fatal("four taps opened maintenance")
	}
	kt.svc.Clk.Advance(3 * time.Second) // too slow: the first taps expire
	corner.Tapped(nil)
	if fired != 0 {
		t.Fatal("five taps over seven seconds opened maintenance")
	}
	for i := 0; i < 4; i++ {
		kt.svc.Clk.Advance(500 * time.Millisecond)
		corner.Tapped(nil)
	}
	if fired != 1 {
		t.Fatalf("five quick taps fired %d times, want 1", fired)
	}
	if kt.k.HasSession() {
		t.Error("the technician gesture started a citizen session")
	}
}
