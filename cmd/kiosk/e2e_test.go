package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"govkiosk/kiosk/store"
)

// TestEndToEndDemo builds the real kiosk, runs it in demo mode under its own
// Xvfb and drives one whole application with xdotool: the fixture card 赵*诺
// on the simulated reader, 社会保险参保缴费证明打印 from the catalogue, the
// form on the on-screen pickers and keypad, review, submit and the printed
// certificate. It then checks the simulated printer's job and the store.
//
// Where to click comes from the fixed 1080×1920 portrait layout (window
// coordinates); which screen is showing is told by a few pixels of the
// window's screenshot (the step bar, the header's card badge), polled with
// a generous deadline.
func TestEndToEndDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: builds the kiosk and runs it under Xvfb")
	}
	for _, tool := range []string{"Xvfb", "xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %v", tool, err)
		}
	}

	tmp := t.TempDir()
	bin := filepath.Join(tmp, "kiosk")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dataDir := filepath.Join(tmp, "data")

	display := startXvfb(t)
	e := &e2e{t: t, display: display}

	logPath := filepath.Join(tmp, "kiosk.out")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	kioskCmd := exec.Command(bin, "--demo", "--windowed", "--data-dir", dataDir)
	kioskCmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=zh_CN.UTF-8", "LC_ALL=zh_CN.UTF-8")
	kioskCmd.Stdout, kioskCmd.Stderr = logFile, logFile
	kioskCmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := kioskCmd.Start(); err != nil {
		t.Fatalf("start kiosk: %v", err)
	}
	kioskDone := make(chan struct{})
	go func() { kioskCmd.Wait(); close(kioskDone) }()
	stopKiosk := func() {
		select {
		case <-kioskDone:
			return
		default:
		}
		syscall.Kill(-kioskCmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-kioskDone:
		case <-time.After(15 * time.Second):
			t.Logf("kiosk did not stop on SIGTERM: killing it")
			syscall.Kill(-kioskCmd.Process.Pid, syscall.SIGKILL)
			<-kioskDone
		}
	}
	t.Cleanup(stopKiosk) // runs before Xvfb's cleanup (LIFO)
	e.kioskDone = kioskDone
	t.Cleanup(func() {
		if t.Failed() {
			if b, err := os.ReadFile(logPath); err == nil {
				t.Logf("kiosk output (tail):\n%s", tail(string(b), 4000))
			}
		}
	})

	kioskWin := e.window("^政务服务自助终端$")
	panelWin := e.window("^GovKiosk 演示模拟器 / Demo devices$")
	e.kiosk = kioskWin
	e.xdo("windowmove", panelWin, "1090", "0")

	const (
		blue      = 0x1B4F9C // primary buttons, tiles, the done part of the step bar
		lightBlue = 0xC9DBF7 // the rest of the step bar, the selected filter tab
		white     = 0xFFFFFF
		page      = 0xF2F5FA // the page background
	)
	// The home screen, no card yet: the 办事 tile, a blue header where the
	// card badge will be.
	e.waitFor("home screen", px{278, 480, blue}, px{800, 52, blue})

	// 居民身份证 · 赵*诺 on the simulator panel (the 7th fixture card).
	e.click(panelWin, 280, 364)
	e.waitFor("card verified (header badge)", px{800, 52, white})

	e.click(kioskWin, 278, 480) // 办事
	e.waitFor("catalogue", px{110, 342, lightBlue})

	e.click(kioskWin, 224, 680) // 社会保险参保缴费证明打印, third in the bundled catalogue
	e.waitFor("item details", px{100, 1740, blue}, px{282, 224, page})

	e.click(kioskWin, 540, 1740) // 开始办理
	e.waitStep(1)
	e.click(kioskWin, 540, 1740) // 下一步
	e.waitStep(2)

	// The form: 证明用途 贷款; 起始年月 (focused, the month picker below)
	// ten years back, January; 截止年月 last year, December; 联系电话 on
	// the keypad.
	e.click(kioskWin, 540, 334)  // 贷款
	e.click(kioskWin, 540, 566)  // 起始年月
	e.click(kioskWin, 104, 1276) // -10年
	e.click(kioskWin, 152, 1356) // 1月
	e.click(kioskWin, 540, 748)  // 截止年月
	e.click(kioskWin, 266, 1276) // -1年
	e.click(kioskWin, 926, 1516) // 12月
	e.click(kioskWin, 540, 934)  // 联系电话: the keypad opens
	// The keypad replaces the month picker: wait for its 删除 key.
	e.waitFor("phone keypad", px{700, 1544, 0x9A4A00}, px{400, 1632, 0xDFE7F3})
	keys := map[rune][2]int{
		'1': {296, 1280}, '2': {540, 1280}, '3': {782, 1280},
		'4': {296, 1368}, '5': {540, 1368}, '6': {782, 1368},
		'7': {296, 1456}, '8': {540, 1456}, '9': {782, 1456},
		'0': {540, 1544},
	}
	for _, r := range "13800138000" {
		k := keys[r]
		e.click(kioskWin, k[0], k[1])
	}
	e.click(kioskWin, 540, 1740) // 下一步
	e.waitStep(3)                // 核对信息: the form was accepted
	e.click(kioskWin, 540, 1740) // 确认无误
	e.waitStep(4)
	e.click(kioskWin, 540, 1740) // 提交申请
	e.waitStep(5)                // 打印证明

	// The simulated printer's job.
	prints := filepath.Join(dataDir, "dev", "prints")
	var job, jobText string
	deadline := time.Now().Add(60 * time.Second)
	for job == "" {
		txts, _ := filepath.Glob(filepath.Join(prints, "*.txt"))
		for _, p := range txts {
			b, err := os.ReadFile(p)
			if err != nil {
				continue
			}
			s := string(b)
			if strings.Contains(s, "社会保险参保缴费证明") || strings.Contains(s, "受理") {
				job, jobText = p, s
				break
			}
		}
		if job != "" {
			break
		}
		if time.Now().After(deadline) {
			e.fail("no print job with the certificate's text in %s (files: %v)", prints, txts)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if pngs, _ := filepath.Glob(filepath.Join(prints, "*.png")); len(pngs) == 0 {
		t.Errorf("no PNG print job in %s", prints)
	}
	t.Logf("print job %s:\n%s", filepath.Base(job), jobText)
	number := ""
	for _, line := range strings.Split(jobText, "\n") {
		if _, after, ok := strings.Cut(line, "编号："); ok {
			number = strings.TrimSpace(after)
		}
	}
	if !strings.Contains(jobText, "赵*诺") {
		t.Errorf("print job does not name the holder 赵*诺")
	}

	// Maintenance mode: the technician gesture, the PIN, back to the attract screen.
	e.maintenance(dataDir)

	// The case in the store, read after the kiosk has stopped.
	stopKiosk()
	st, err := store.Open(filepath.Join(dataDir, "kiosk.db"), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("open store read-only: %v", err)
	}
	defer st.Close()
	cases, err := st.RecentCases(context.Background(), 10)
	if err != nil {
		t.Fatalf("RecentCases: %v", err)
	}
	if len(cases) != 1 {
		t.Fatalf("store holds %d cases, want 1", len(cases))
	}
	c := cases[0]
	t.Logf("case %s: %s %s %s status %s", c.Number, c.ItemCode, c.ItemName, c.MaskedName, c.Status)
	if c.ItemName != "社会保险参保缴费证明打印" {
		t.Errorf("case item = %q, want 社会保险参保缴费证明打印", c.ItemName)
	}
	if c.MaskedName != "赵*诺" {
		t.Errorf("case applicant = %q, want 赵*诺", c.MaskedName)
	}
	if number == "" || c.Number != number {
		t.Errorf("case number %q, print job's number %q", c.Number, number)
	}

	// The whole flow's logs hold none of the citizen's personal data: not
	// the card's (nor any fixture card's) name, number or address, nor
	// the phone number typed into the form.
	assertNoPersonalData(t, append(logFiles(t, dataDir), logPath), "13800138000")
}

// startXvfb starts Xvfb on a free display and returns ":N"; it is killed
// at the end of the test.
func startXvfb(t *testing.T) string {
	t.Helper()
	for n := 90 + os.Getpid()%200; n < 1000; n++ {
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X11-unix/X%d", n)); err == nil {
			continue
		}
		display := ":" + strconv.Itoa(n)
		cmd := exec.Command("Xvfb", display, "-screen", "0", "1680x1920x24", "-nolisten", "tcp")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatalf("start Xvfb: %v", err)
		}
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		// Ready when the X server answers.
		ready := false
		deadline := time.Now().Add(20 * time.Second)
	wait:
		for time.Now().Before(deadline) {
			select {
			case <-done:
				break wait // lost the race for this display: try the next
			case <-time.After(100 * time.Millisecond):
			}
			probe := exec.Command("xdotool", "getdisplaygeometry")
			probe.Env = append(os.Environ(), "DISPLAY="+display)
			if probe.Run() == nil {
				ready = true
				break
			}
		}
		if !ready {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			<-done
			t.Logf("Xvfb %s did not come up: %s", display, stderr.String())
			continue
		}
		t.Cleanup(func() {
			syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
			select {
			case <-done:
			case <-time.After(5 * time.Second):
				syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
				<-done
			}
		})
		return display
	}
	t.Fatal("no free X display")
	return ""
}

type e2e struct {
	t         *testing.T
	display   string
	kiosk     string // the kiosk window's id
	kioskDone chan struct{}
}

// px is a pixel of the kiosk window expected to have colour rgb.
type px struct {
	x, y int
	rgb  uint32
}

func (e *e2e) run(name string, args ...string) (string, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+e.display)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s %s: %v: %s", name, strings.Join(args, " "), err, stderr.String())
	}
	return out.String(), err
}

func (e *e2e) xdo(args ...string) string {
	e.t.Helper()
	out, err := e.run("xdotool", args...)
	if err != nil {
		e.fail("%v", err)
	}
	return out
}

// window waits for the visible window whose name matches re.
func (e *e2e) window(re string) string {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		out, err := e.run("xdotool", "search", "--onlyvisible", "--name", re)
		if f := strings.Fields(out); err == nil && len(f) > 0 {
			return f[0]
		}
		select {
		case <-e.kioskDone:
			e.t.Fatalf("kiosk exited before window %q appeared", re)
		default:
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("no window %q after 60 s", re)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// click taps window-relative (x, y). The pause keeps two taps on one key
// from reading as a double tap.
func (e *e2e) click(win string, x, y int) {
	e.t.Helper()
	e.xdo("mousemove", "--window", win, strconv.Itoa(x), strconv.Itoa(y), "click", "1")
	time.Sleep(250 * time.Millisecond)
}

func (e *e2e) shot() (image.Image, error) {
	cmd := exec.Command("import", "-window", e.kiosk, "png:-")
	cmd.Env = append(os.Environ(), "DISPLAY="+e.display)
	out, err := cmd.Output()
	if err != nil {
		return nil, err
	}
	return png.Decode(bytes.NewReader(out))
}

// waitFor polls screenshots of the kiosk window until every pixel has its
// colour (within a small tolerance).
func (e *e2e) waitFor(what string, want ...px) {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var last string
	for {
		img, err := e.shot()
		if err == nil {
			ok := true
			var got []string
			for _, p := range want {
				r, g, b, _ := img.At(p.x, p.y).RGBA()
				c := uint32(r>>8)<<16 | uint32(g>>8)<<8 | uint32(b>>8)
				got = append(got, fmt.Sprintf("(%d,%d)=%06X want %06X", p.x, p.y, c, p.rgb))
				if !near(c, p.rgb) {
					ok = false
				}
			}
			if ok {
				return
			}
			last = strings.Join(got, " ")
		} else {
			last = err.Error()
		}
		select {
		case <-e.kioskDone:
			e.t.Fatalf("kiosk exited while waiting for %s", what)
		default:
		}
		if time.Now().After(deadline) {
			e.fail("waiting for %s: after 60 s %s", what, last)
		}
		time.Sleep(150 * time.Millisecond)
	}
}

// waitStep waits for step n of the application's step bar: segments up to
// n done, the next one not.
func (e *e2e) waitStep(n int) {
	e.t.Helper()
	const blue, lightBlue = 0x1B4F9C, 0xC9DBF7
	segX := func(i int) int { return 110 + (i-1)*172 } // six segments across 1080
	want := []px{{segX(n), 224, blue}}
	if n < 6 {
		want = append(want, px{segX(n + 1), 224, lightBlue})
	}
	e.waitFor(fmt.Sprintf("application step %d", n), want...)
}

// fail saves a screenshot of the whole screen next to the test's temp dir
// (which is removed) and fails.
func (e *e2e) fail(format string, args ...any) {
	e.t.Helper()
	f, err := os.CreateTemp("", "govkiosk-e2e-*.png")
	if err == nil {
		f.Close()
		if _, err := e.run("import", "-window", "root", f.Name()); err == nil {
			args = append(args, f.Name())
			format += " (screenshot %s)"
		} else {
			os.Remove(f.Name())
		}
	}
	e.t.Fatalf(format, args...)
}

func near(a, b uint32) bool {
	for shift := 0; shift <= 16; shift += 8 {
		x, y := int(a>>shift&0xFF), int(b>>shift&0xFF)
		if x-y > 6 || y-x > 6 {
			return false
		}
	}
	return true
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}
