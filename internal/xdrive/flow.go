package xdrive

import "fmt"

// Where to tap comes from the kiosk's fixed 1080×1920 portrait layout
// (window coordinates); which screen is showing is told by a few pixels of
// the window's screenshot (the step bar, the header's card badge), polled.

// Colours of the kiosk's theme that the waits look for.
const (
	Blue      = 0x1B4F9C // primary buttons, tiles, the done part of the step bar
	LightBlue = 0xC9DBF7 // the rest of the step bar, the selected filter tab
	White     = 0xFFFFFF
	Page      = 0xF2F5FA // the page background
)

// Window names, as regular expressions for Window.
const (
	KioskWindow = "^政务服务自助终端$"
	PanelWindow = "^GovKiosk 演示模拟器 / Demo devices$"
)

// Card is the fixture card the flow uses: 居民身份证 · 赵*诺, devsim's
// "resident-young", the 7th on the demo panel.
const Card = "resident-young"

// WaitHome waits for the home screen with no card: the 办事 tile, a blue
// header where the card badge would be (its top padding, right of centre:
// the badge is anchored to the clock on its right and widens leftwards
// with the name).
func (d *Driver) WaitHome(what string) {
	d.WaitFor(what, Px{278, 480, Blue}, Px{900, 30, Blue})
}

// PlaceCardOnPanel taps the fixture card Card on the demo panel window.
// The panel is raised for the tap and the kiosk after it, so this works
// whether or not the screen is wide enough to show both side by side.
func (d *Driver) PlaceCardOnPanel(panel string) {
	d.Raise(panel)
	d.Click(panel, 280, 444) // the 7th card, 赵*诺, mid-button
	d.Raise(d.Kiosk)
}

// Apply drives one whole application from the home screen with no card:
// placeCard puts Card on the reader, then 办事, 社会保险参保缴费证明打印
// (third in the bundled catalogue), the form on the on-screen pickers and
// keypad (证明用途 贷款, ten years back to last year, 联系电话 Phone),
// review and submit. It returns on step 5, 打印证明, once the certificate
// has been printed or is printing.
func (d *Driver) Apply(placeCard func()) {
	d.WaitHome("home screen")
	placeCard()
	d.WaitFor("card verified (header badge)", Px{900, 30, White})

	d.Click(d.Kiosk, 278, 480) // 办事
	d.WaitFor("catalogue", Px{110, 342, LightBlue})

	d.Click(d.Kiosk, 224, 680) // 社会保险参保缴费证明打印
	d.WaitFor("item details", Px{100, 1740, Blue}, Px{282, 224, Page})

	d.Click(d.Kiosk, 540, 1740) // 开始办理
	d.WaitStep(1)
	d.Click(d.Kiosk, 540, 1740) // 下一步
	d.WaitStep(2)

	// 起始年月 (focused, the month picker below) ten years back, January;
	// 截止年月 last year, December; 联系电话 on the keypad.
	d.Click(d.Kiosk, 540, 334)  // 贷款
	d.Click(d.Kiosk, 540, 566)  // 起始年月
	d.Click(d.Kiosk, 104, 1276) // -10年
	d.Click(d.Kiosk, 152, 1356) // 1月
	d.Click(d.Kiosk, 540, 748)  // 截止年月
	d.Click(d.Kiosk, 266, 1276) // -1年
	d.Click(d.Kiosk, 926, 1516) // 12月
	d.Click(d.Kiosk, 540, 934)  // 联系电话: the keypad opens
	// The keypad replaces the month picker: wait for its 删除 key.
	d.WaitFor("phone keypad", Px{700, 1544, 0x9A4A00}, Px{400, 1632, 0xDFE7F3})
	keys := map[rune][2]int{
		'1': {296, 1280}, '2': {540, 1280}, '3': {782, 1280},
		'4': {296, 1368}, '5': {540, 1368}, '6': {782, 1368},
		'7': {296, 1456}, '8': {540, 1456}, '9': {782, 1456},
		'0': {540, 1544},
	}
	for _, r := range Phone {
		d.Click(d.Kiosk, keys[r][0], keys[r][1])
	}
	d.Click(d.Kiosk, 540, 1740) // 下一步
	d.WaitStep(3)               // 核对信息: the form was accepted
	d.Click(d.Kiosk, 540, 1740) // 确认无误
	d.WaitStep(4)
	d.Click(d.Kiosk, 540, 1740) // 提交申请
	d.WaitStep(5)               // 打印证明
}

// Phone is the 联系电话 Apply types: personal data that must not reach logs.
const Phone = "13800138000"

// WaitStep waits for step n of the application's step bar: segments up
// to n done, the next one not.
func (d *Driver) WaitStep(n int) {
	segX := func(i int) int { return 110 + (i-1)*172 } // six segments across 1080
	want := []Px{{segX(n), 224, Blue}}
	if n < 6 {
		want = append(want, Px{segX(n + 1), 224, LightBlue})
	}
	d.WaitFor(fmt.Sprintf("application step %d", n), want...)
}

// Finish ends the session from step 5 as a citizen who rates the service
// does: 下一步, 满意 (level 4), 提交评价, then 完成并退出 on 办理完成, which
// wipes the session and brings the home screen back.
func (d *Driver) Finish() {
	d.Click(d.Kiosk, 540, 1740) // 下一步
	d.WaitStep(6)               // 服务评价
	d.Click(d.Kiosk, 540, 505)  // 满意
	d.Click(d.Kiosk, 718, 1740) // 提交评价
	d.WaitFor("办理完成", Px{540, 484, Blue}, Px{150, 596, 0xDFE7F3})
	d.Click(d.Kiosk, 540, 484) // 完成并退出
	d.WaitHome("the home screen after 完成并退出")
}
