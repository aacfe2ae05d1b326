package ui

import (
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"govkiosk/kiosk"
)

// handle is where every device and network event arrives, on the UI
// goroutine.
func (k *Kiosk) handle(e Event) {
	switch e.Kind {
	case EventCardPlaced:
		k.cardPlaced(e.Identity)
	case EventCardRemoved:
		k.cardRemoved()
	case EventCardFailed:
		if k.sess != nil {
			k.sess.Touch() // the citizen is there, trying
		}
		msg := k.say(e.Message)
		if msg == "" {
			msg = k.t("card.failDefault")
		}
		k.showMessage(k.t("card.failTitle"), msg+"\n"+k.t("card.failHint"))
	case EventScan:
		k.scanned(e)
	case EventDevice:
		k.devices[e.Device.Device] = e.Device
		k.renderChrome()
	case EventOnline:
		if k.online != e.Online {
			k.online = e.Online
			if _, ok := k.cur.(onlineAware); ok {
				k.render()
			} else {
				k.renderChrome()
			}
		}
	}
}

func (k *Kiosk) cardPlaced(id *kiosk.Identity) {
	if id == nil {
		return
	}
	if err := id.Check(k.now()); err != nil {
		id.Wipe()
		k.showMessage(k.t("card.failTitle"), k.message(err))
		return
	}
	if cur := k.identity(); cur != nil && cur.IDNumber != id.IDNumber {
		// Someone else's card: the previous citizen's session ends first.
		k.endSession()
	}
	k.touch()
	k.sess.SetIdentity(id)
	if k.overlay == ovMessage {
		k.closeOverlay()
	}
	if s, ok := k.cur.(identityAware); ok {
		s.identified(k)
		return
	}
	k.render()
}

func (k *Kiosk) cardRemoved() {
	id := k.identity()
	if id == nil || id.Source == "qrcode" {
		return
	}
	k.endSession()
	k.notice = k.t("notice.cardRemoved")
	k.noticeUntil = k.now().Add(15 * time.Second)
	k.render()
}

func (k *Kiosk) scanned(e Event) {
	c := e.Code
	if s, ok := k.cur.(scanAware); ok && s.scanned(k, c) {
		return
	}
	switch {
	case c.EID && e.Identity != nil:
		e.Identity.Source = "qrcode"
		k.cardPlaced(e.Identity)
	case c.CaseNumber != "":
		p := newProgressByNumber(c.CaseNumber)
		k.open(p)
		p.lookup(k)
	case c.EID:
		k.showMessage(k.t("scan.unknownTitle"), k.t("scan.eidUnsupported"))
	case e.Message != "":
		k.showMessage(k.t("scan.unknownTitle"), k.say(e.Message))
	default:
		k.showMessage(k.t("scan.unknownTitle"), k.t("scan.unknown"))
	}
}

// cornerTap counts taps in the top-left corner: five within three seconds
// is the technician's gesture.
func (k *Kiosk) cornerTap() {
	now := k.now()
	keep := k.taps[:0]
	for _, t := range k.taps {
		if now.Sub(t) < 3*time.Second {
			keep = append(keep, t)
		}
	}
	k.taps = append(keep, now)
	if len(k.taps) >= 5 {
		k.taps = nil
		if k.opts.OnTechnicianGesture != nil {
			k.opts.OnTechnicianGesture()
		}
	}
}

// hotCorner is the invisible tap target of the technician gesture.
type hotCorner struct {
	widget.BaseWidget
	tapped func()
}

func newHotCorner(tapped func()) *hotCorner {
	h := &hotCorner{tapped: tapped}
	h.ExtendBaseWidget(h)
	h.Resize(fyne.NewSize(120, 100))
	return h
}

func (h *hotCorner) Tapped(*fyne.PointEvent) { h.tapped() }

func (h *hotCorner) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// noCursor hides the mouse pointer over the whole window.
type noCursor struct {
	widget.BaseWidget
	content fyne.CanvasObject
}

func newNoCursor(c fyne.CanvasObject) *noCursor {
	n := &noCursor{content: c}
	n.ExtendBaseWidget(n)
	return n
}

func (n *noCursor) Cursor() desktop.Cursor { return desktop.HiddenCursor }

func (n *noCursor) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(n.content) }
