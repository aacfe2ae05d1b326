// Command preview opens the kiosk over the fake services of ui/uitest, to
// look at the screens (under Xvfb, driven by xdotool). Commands arrive one
// per line on -cmd (a FIFO) or stdin: card, card2, expired, cardfail,
// remove, scan TEXT, paper out|ok, online, offline, advance DURATION,
// seed (an earlier case of the fixture card), advancecase STATUS,
// scanlast (the last receipt's QR code), where LABEL, whereText TEXT.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"govkiosk/kiosk"
	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

func main() {
	landscape := flag.Bool("landscape", false, "1920×1080 instead of 1080×1920")
	lang := flag.String("lang", "zh", "zh or en")
	elderly := flag.Bool("elderly", false, "start in 长辈模式")
	offline := flag.Bool("offline", false, "start offline")
	full := flag.Bool("fullscreen", true, "full screen")
	cmd := flag.String("cmd", "", "FIFO to read commands from (default stdin)")
	panel := flag.Bool("panel", false, "open the demo panel too")
	flag.Parse()

	a := app.NewWithID("cn.govkiosk.preview")
	svc := uitest.New()
	svc.SetOnlineQuiet(!*offline)
	opts := ui.Options{Fullscreen: *full, Language: *lang, Elderly: *elderly, HideCursor: true,
		OnTechnicianGesture: func() { log.Print("technician gesture") }}
	if *landscape {
		opts.Orientation = ui.Landscape
	}
	k := ui.New(a, svc, opts)
	var in io.Reader = os.Stdin
	if *cmd != "" {
		f, err := os.OpenFile(*cmd, os.O_RDWR, 0)
		if err != nil {
			log.Fatal(err)
		}
		in = f
	}
	go commands(in, svc, k)
	if *panel {
		ui.NewDemoPanel(a, &demo{svc: svc}).Show()
	}
	log.Print("kiosk ready")
	k.Window().ShowAndRun()
}

func commands(in io.Reader, svc *uitest.Services, k *ui.Kiosk) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		arg := strings.Join(f[1:], " ")
		switch f[0] {
		case "card":
			svc.PlaceCard(uitest.Card())
		case "card2":
			svc.PlaceCard(uitest.SecondCard())
		case "expired":
			svc.PlaceCard(uitest.ExpiredCard())
		case "cardfail":
			svc.Send(ui.Event{Kind: ui.EventCardFailed, Message: "未能读取身份证，请将身份证平放在感应区"})
		case "remove":
			svc.RemoveCard()
		case "scanlast":
			if n := svc.Store.Numbers(); len(n) > 0 {
				last := n[len(n)-1]
				svc.Send(ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: last, CaseNumber: last}})
			}
		case "scan":
			svc.Send(ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: arg, CaseNumber: caseNumber(arg)}})
		case "paper":
			svc.SetPaperOut(arg == "out")
		case "online":
			svc.SetOnline(true)
		case "offline":
			svc.SetOnline(false)
		case "advance":
			d, err := time.ParseDuration(arg)
			if err == nil {
				svc.Clk.Advance(d)
			}
		case "seed":
			now := svc.Clk.Now()
			card := uitest.Card()
			c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: "339900-GA-GG-0001", ItemName: "居住证申领",
				SubmittedAt: now.Add(-50 * time.Hour), MaskedName: card.MaskedName(), Applicant: card, PromisedDate: "2026-12-04",
				Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now.Add(-50 * time.Hour)}}}
			if err := svc.Store.SubmitCase(context.Background(), c); err == nil {
				svc.Store.Advance(c.Number, kiosk.StatusReceived, "材料齐全，已受理")
				svc.Store.Advance(c.Number, kiosk.StatusInProcess, "")
				log.Printf("seeded %s", c.Number)
			}
		case "whereText":
			// Prints where a text is, tappable or not.
			fyne.DoAndWait(func() {
				x, y, ok := whereText(k.Window().Canvas().Content(), arg)
				if ok {
					fmt.Printf("at %d %d\n", x, y)
				} else {
					fmt.Println("at none")
				}
			})
		case "where":
			// Prints where the tappable labelled arg is, for xdotool.
			fyne.DoAndWait(func() {
				x, y, ok := where(k.Window().Canvas().Content(), arg)
				if ok {
					fmt.Printf("at %d %d\n", x, y)
				} else {
					fmt.Println("at none")
				}
			})
		case "advancecase":
			if n := svc.Store.Numbers(); len(n) > 0 {
				svc.Store.Advance(n[len(n)-1], arg, "")
			}
		default:
			log.Printf("unknown command %q", f[0])
		}
		fmt.Println("done", f[0])
	}
}

// where finds the visible tappable whose text is label and returns its
// centre in window coordinates.
func where(root fyne.CanvasObject, label string) (int, int, bool) {
	var found fyne.CanvasObject
	var walk func(o fyne.CanvasObject, tappable fyne.CanvasObject)
	walk = func(o fyne.CanvasObject, tappable fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		if _, ok := o.(fyne.Tappable); ok {
			tappable = o
		}
		if t, ok := o.(*canvas.Text); ok && t.Text == label && tappable != nil {
			found = tappable
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c, tappable)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c, tappable)
			}
		}
	}
	walk(root, nil)
	if found == nil {
		return 0, 0, false
	}
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(found)
	s := found.Size()
	return int(p.X + s.Width/2), int(p.Y + s.Height/2), true
}

// whereText finds the visible text label and returns its centre.
func whereText(root fyne.CanvasObject, label string) (int, int, bool) {
	var found fyne.CanvasObject
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		if found != nil || !o.Visible() {
			return
		}
		if t, ok := o.(*canvas.Text); ok && t.Text == label {
			found = t
			return
		}
		switch x := o.(type) {
		case *fyne.Container:
			for _, c := range x.Objects {
				walk(c)
			}
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(root)
	if found == nil {
		return 0, 0, false
	}
	p := fyne.CurrentApp().Driver().AbsolutePositionForObject(found)
	s := found.Size()
	return int(p.X + s.Width/2), int(p.Y + s.Height/2), true
}

func caseNumber(s string) string {
	if strings.HasPrefix(s, "QH") {
		return s
	}
	return ""
}

type demo struct{ svc *uitest.Services }

func (d *demo) Cards() []ui.DemoCard {
	return []ui.DemoCard{{ID: "1", Label: "居民身份证 · 测*甲"}, {ID: "2", Label: "居民身份证 · 欧**明"}, {ID: "3", Label: "过期证件 · 过*乙"}}
}
func (d *demo) PlaceCard(id string) error {
	switch id {
	case "1":
		go d.svc.PlaceCard(uitest.Card())
	case "2":
		go d.svc.PlaceCard(uitest.SecondCard())
	default:
		go d.svc.PlaceCard(uitest.ExpiredCard())
	}
	return nil
}
func (d *demo) RemoveCard() error { go d.svc.RemoveCard(); return nil }
func (d *demo) Codes() []ui.DemoCode {
	out := []ui.DemoCode{{Label: "无法识别的码", Text: "hello"}}
	if n := d.svc.Store.Numbers(); len(n) > 0 {
		out = append(out, ui.DemoCode{Label: "最近回执 " + n[len(n)-1], Text: n[len(n)-1]})
	}
	return out
}
func (d *demo) Scan(text string) error {
	go d.svc.Send(ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: text, CaseNumber: caseNumber(text)}})
	return nil
}
func (d *demo) SetPaperOut(out bool) error { go d.svc.SetPaperOut(out); return nil }
func (d *demo) LastReceipt() string        { return "" }
