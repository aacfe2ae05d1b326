package main

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"

	"govkiosk/drivers/printer"
	"govkiosk/drivers/sim"
	"govkiosk/kiosk"
	"govkiosk/ui"
)

var _ ui.DemoControls = (*demoPanel)(nil)

// demoPanel implements ui.DemoControls over the rig.
type demoPanel struct {
	d *demoRig
	a *app
}

func (p *demoPanel) Cards() []ui.DemoCard {
	var out []ui.DemoCard
	for _, c := range sim.Cards() {
		out = append(out, ui.DemoCard{ID: c.Name, Label: fmt.Sprintf("%s · %s", c.Label, kiosk.MaskName(c.Identity.Name))})
	}
	return out
}

func (p *demoPanel) PlaceCard(id string) error {
	c, ok := sim.CardByName(id)
	if !ok {
		return fmt.Errorf("no fixture card %q", id)
	}
	p.d.rig.IDCard.Place(c)
	return nil
}

func (p *demoPanel) RemoveCard() error {
	p.d.rig.IDCard.Remove()
	return nil
}

// Codes offers the last receipt's QR code and two codes that must be
// refused.
func (p *demoPanel) Codes() []ui.DemoCode {
	var out []ui.DemoCode
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if recent, err := p.a.store.RecentCases(ctx, 1); err == nil && len(recent) == 1 {
		out = append(out, ui.DemoCode{Label: "最近回执二维码 " + recent[0].Number, Text: printer.CaseQRPrefix + recent[0].Number})
	}
	out = append(out,
		ui.DemoCode{Label: "商品条码 6901234567892", Text: "6901234567892"},
		ui.DemoCode{Label: "无法识别的二维码", Text: "http://example.invalid/\x01"})
	return out
}

func (p *demoPanel) Scan(text string) error { return p.d.rig.Scanner.Scan(text) }

func (p *demoPanel) SetPaperOut(out bool) error {
	p.d.rig.Printer.SetPaperOut(out)
	return nil
}

func (p *demoPanel) LastReceipt() string { return p.d.rig.Printer.LastPNG() }

// showPanel opens the simulator panel as a second window.
func (d *demoRig) showPanel(fa fyne.App, a *app) {
	ui.NewDemoPanel(fa, &demoPanel{d: d, a: a}).Show()
}
