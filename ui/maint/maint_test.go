package maint_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/logging"
	kmaint "govkiosk/kiosk/maint"
	"govkiosk/sync/client"
	"govkiosk/ui"
	"govkiosk/ui/maint"
	"govkiosk/ui/uitest"
)

const pin = "482915"

// unlocked is maintenance mode past the PIN screen.
func unlocked(t *testing.T) *mt {
	t.Helper()
	s := newServices(t)
	if err := s.term.PIN().Set(pin, "test"); err != nil {
		t.Fatal(err)
	}
	x := newMT(t, s)
	x.typeKeys(pin)
	x.tap("确定")
	x.see("设备状态", "退出维护")
	return x
}

// A fresh terminal has no PIN: the first entry sets one; then wrong PINs
// count down to a five-minute lockout that the right PIN cannot cut short,
// and every attempt is in the audit log without the PIN.
func TestFirstEntrySetsThePINThenWrongTriesLockOut(t *testing.T) {
	s := newServices(t)
	x := newMT(t, s)
	x.see("首次进入维护模式，请设置维护密码")
	x.typeKeys("1234")
	x.tap("确定")
	x.see("密码须为6至12位数字")
	x.typeKeys(pin)
	x.tap("确定")
	x.see("请再输入一次新密码")
	x.typeKeys("482916")
	x.tap("确定")
	x.see("两次输入的密码不一致")
	x.typeKeys(pin)
	x.tap("确定")
	x.typeKeys(pin)
	x.tap("确定")
	x.see("维护密码已设置", "设备状态")
	x.tap("退出维护")
	if !x.exited {
		t.Fatal("退出维护 did not call OnExit")
	}
	x.see("attract screen")

	x = newMT(t, s)
	x.see("请输入维护密码")
	x.shot("maint-pin")
	for left := kmaint.MaxFailures - 1; left >= 1; left-- {
		x.typeKeys("111111")
		x.tap("确定")
		x.see("密码错误，还可尝试 " + string(rune('0'+left)) + " 次")
	}
	x.typeKeys("111111")
	x.tap("确定")
	x.see("连续输错 5 次，维护模式已锁定至 09:35:00")
	x.typeKeys(pin)
	x.tap("确定")
	x.see("已锁定至")
	x.notSee("设备状态")

	// The lockout is kept on disk: a new screen (an app restart) is still locked.
	s.clock.Advance(4 * time.Minute)
	x = newMT(t, s)
	x.see("已锁定至 09:35:00")
	s.clock.Advance(time.Minute)
	x.typeKeys(pin)
	x.tap("确定")
	x.see("设备状态")

	audit, _ := os.ReadFile(s.term.AuditLog())
	if n := strings.Count(string(audit), `"action":"pin_check"`); n != 7 {
		t.Errorf("%d pin_check audit lines, want 7 (5 wrong, 1 locked, 1 right):\n%s", n, audit)
	}
	if strings.Contains(string(audit), pin) || strings.Contains(string(audit), "111111") {
		t.Errorf("the audit log holds a PIN:\n%s", audit)
	}
}

func TestSetPINFromTheMenu(t *testing.T) {
	x := unlocked(t)
	x.shot("maint-menu")
	x.tap("修改维护密码")
	x.typeKeys("735102")
	x.tap("确定")
	x.typeKeys("735102")
	x.tap("确定")
	x.see("维护密码已设置")
	if err := x.s.term.PIN().Check("735102", "test"); err != nil {
		t.Errorf("the new PIN does not open maintenance: %v", err)
	}
}

func TestDeviceStatusShowsLiveEvents(t *testing.T) {
	x := unlocked(t)
	x.tap("设备状态")
	x.see("身份证阅读器", "扫码器", "未连接  扫码器未连接", "（暂无事件）")
	x.s.devices[2] = ui.DeviceState{Device: "scanner", State: "ok"}
	x.m.Handle(ui.Event{Kind: ui.EventDevice, Device: x.s.devices[2]})
	card := uitest.Card()
	number, name := card.IDNumber, card.Name
	x.m.Handle(ui.Event{Kind: ui.EventCardPlaced, Identity: card})
	x.see("09:30:00  扫码器：正常", "读到证件：测*甲")
	x.notSee("未连接", number, name)
	x.shot("maint-devices")
	if card.Name != "" || card.IDNumber != "" {
		t.Error("the card was not wiped after maintenance showed it")
	}
}

func TestSelfTests(t *testing.T) {
	x := unlocked(t)
	x.tap("设备自检")
	x.tap("读卡测试")
	x.see("请将身份证放在读卡区")
	card := uitest.Card()
	number := card.IDNumber
	x.m.Handle(ui.Event{Kind: ui.EventCardPlaced, Identity: card})
	x.see("居民身份证", "测*甲", "男", "1949-**-**", kiosk.MaskIDNumber(number), "2019-01-01 – 长期")
	x.notSee(number, "测试甲", "望江路", "1949-12-31")
	x.shot("maint-selftest")

	x.tap("打印测试页")
	x.see("测试页已打印")
	if x.s.prints != 1 {
		t.Errorf("%d test pages printed, want 1", x.s.prints)
	}
	x.tap("扫码测试")
	x.see("请扫描任意条码或二维码")
	x.m.Handle(ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: "GK-TEST-0001"}})
	x.see("扫到条码：GK-TEST-0001")
}

// Enrolment with a code against a real hall on loopback; the code works
// once; then a waiting case goes up with 立即同步.
func TestEnrolThenSyncNow(t *testing.T) {
	x := unlocked(t)
	code, err := x.s.hall.NewEnrolmentCode(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	x.tap("终端注册")
	x.typeKeys(code.Code)
	x.tap("注册")
	x.see("注册成功，终端编号 ")
	fi, err := os.Stat(filepath.Join(x.s.term.Config.DataDir, client.CredentialsFile))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("credentials: %v %v", fi, err)
	}
	x.typeKeys(code.Code)
	x.tap("注册")
	x.see("操作失败", "codes work once")

	now := time.Now()
	c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: "339900-RS-GG-0001", ItemName: "测试事项", CatalogVersion: 1,
		SubmittedAt: now, MaskedName: "测*甲", Applicant: &kiosk.Identity{Name: "测试甲"}, Timeline: []kiosk.StatusEvent{{Status: "submitted", At: now}}}
	if err := x.s.store.SubmitCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	x.tap("返回菜单")
	x.tap("待上传办件")
	x.see("待上传\n1")
	x.tap("立即同步")
	x.see("同步完成", "待上传\n0")
	x.tap("返回菜单")
	x.tap("网络与大厅")
	x.see("已注册", "已连接大厅")
}

func TestLogsExport(t *testing.T) {
	x := unlocked(t)
	log, closer, err := logging.New(x.s.term.Config.DataDir, "kiosk", nil)
	if err != nil {
		t.Fatal(err)
	}
	log.Info("heartbeat ok", "outbox", 0)
	closer.Close()
	usb := t.TempDir()
	x.s.usb = []string{usb}
	x.tap("日志")
	x.see("heartbeat ok")
	x.tap("导出到 " + usb)
	x.see("已导出 1 个日志文件到 " + usb + "/govkiosk-logs-20260302-093000")
	if _, err := os.Stat(filepath.Join(usb, "govkiosk-logs-20260302-093000", "kiosk.log")); err != nil {
		t.Error(err)
	}
}

// A full USB stick (a small tmpfs, found as a mounted drive): a clear
// message, and nothing written. Needs root to mount; skipped otherwise.
func TestLogsExportToAFullStick(t *testing.T) {
	x := unlocked(t)
	root := t.TempDir()
	stick := filepath.Join(root, "KINGSTON")
	os.Mkdir(stick, 0o755)
	if err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", stick).Run(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v", err)
	}
	defer exec.Command("umount", stick).Run()
	x.s.term.USBRoots = []string{root}
	logs := logging.Dir(x.s.term.Config.DataDir)
	os.MkdirAll(logs, 0o700)
	os.WriteFile(filepath.Join(logs, "kiosk.log"), []byte(strings.Repeat("x", 2<<20)), 0o600)
	x.tap("日志")
	x.tap("导出到 " + stick)
	x.see("U盘空间不足，未写入任何文件")
	if entries, _ := os.ReadDir(stick); len(entries) != 0 {
		t.Errorf("left %d entries on the stick", len(entries))
	}
}

func TestDeviceSetupWritesTheConfiguration(t *testing.T) {
	x := unlocked(t)
	dev := filepath.Join(t.TempDir(), "ttyUSB7")
	os.WriteFile(dev, nil, 0o600)
	x.s.ports = []kmaint.Port{{Kind: "serial", Path: dev, Label: "CH340"}, {Kind: "hid", Path: "hid:0c2e:0b8f", Label: "Honeywell"},
		{Kind: "serial", Path: "/dev/ttyGONE0"}}
	x.tap("设备设置")
	x.see("/dev/ttyUSB0", dev+"  CH340", "hid:0c2e:0b8f  Honeywell")
	x.tapIn(dev, "打印机")
	x.see("已保存：打印机 使用 " + dev)
	x.tapIn("hid:0c2e:0b8f", "扫码器")
	x.see("已保存：扫码器 使用 hid:0c2e:0b8f")
	x.tapIn("hid:0c2e:0b8f", "打印机")
	x.see("a receipt printer is not a HID device")
	x.tapIn("/dev/ttyGONE0", "身份证阅读器")
	x.see("/dev/ttyGONE0: no such file")
	b, _ := os.ReadFile(x.s.term.ConfigPath)
	if !strings.Contains(string(b), `port = "`+dev+`"`) || !strings.Contains(string(b), `vendor = "0c2e"`) ||
		!strings.Contains(string(b), `mode = "keyboard"`) || strings.Contains(string(b), "ttyGONE0") {
		t.Errorf("configuration after setup:\n%s", b)
	}
	// Back to a serial port, the scanner reads serial again.
	x.tapIn(dev, "扫码器")
	if c, err := config.Load(x.s.term.ConfigPath); err != nil || c.Scanner.Transport != "serial" || c.Scanner.Mode != "serial" {
		t.Errorf("scanner after moving back to serial: %+v %v", c.Scanner, err)
	}
}

// Left unlocked, maintenance closes itself after IdleExit without a touch.
func TestIdleMaintenanceCloses(t *testing.T) {
	x := unlocked(t)
	x.s.clock.Advance(maint.IdleExit - time.Second)
	x.m.CheckIdle()
	x.tap("设备状态") // a touch starts the wait again
	x.s.clock.Advance(maint.IdleExit - time.Second)
	x.m.CheckIdle()
	if x.exited {
		t.Fatal("maintenance closed while in use")
	}
	x.s.clock.Advance(time.Second)
	x.m.CheckIdle()
	if !x.exited {
		t.Fatal("maintenance stayed open after IdleExit without a touch")
	}
	x.see("attract screen")
}
