package main

import (
	"context"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/drivers/printer"
	"govkiosk/drivers/scanner"
	"govkiosk/drivers/transport"
	"govkiosk/kiosk/config"
	"govkiosk/sync/client"
	"govkiosk/ui"
)

// dialer opens a configured device's port.
func dialer(d config.Device, framing *transport.ReportFraming) func() (transport.Port, error) {
	return func() (transport.Port, error) {
		return transport.Open(d.PortSpec(), d.Baud, 100*time.Millisecond, framing)
	}
}

// addDevices registers the configured devices with the manager and turns
// their events into UI events.
func (a *app) addDevices(ctx context.Context) {
	if a.cfg.IDCard.Transport != "none" {
		cards := make(chan idcard.Event, 4)
		a.mgr.Add(&idcard.Device{
			Dial:   dialer(a.cfg.IDCard, &transport.ReportFraming{ReportSize: 64}),
			Opts:   idcard.Options{Clock: a.clock},
			Events: cards,
		})
		go a.forwardCards(ctx, cards)
	}
	if a.cfg.Printer.Transport != "none" {
		paper := printer.Paper80
		if a.cfg.Printer.Width == 58 {
			paper = printer.Paper58
		}
		a.mgr.Add(&printer.Device{Dial: dialer(a.cfg.Printer.Device, nil), Opts: &printer.Options{Paper: paper}})
	}
	if a.cfg.Scanner.Transport != "none" {
		scans := make(chan scanner.Event, 8)
		mode, err := scanner.ParseMode(a.cfg.Scanner.Mode)
		if err != nil {
			a.log.Error("scanner mode", "err", err)
			return
		}
		opts := scanner.DefaultOptions()
		opts.Mode = mode
		a.mgr.Add(&scanner.Device{Dial: dialer(a.cfg.Scanner.Device, nil), Opts: opts, Scans: scans})
		go a.forwardScans(ctx, scans)
	}
}

func (a *app) forwardCards(ctx context.Context, cards <-chan idcard.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-cards:
			switch e.Kind {
			case idcard.CardPlaced:
				a.log.Info("card read", "type", e.Identity.CardType)
				a.emit(ui.Event{Kind: ui.EventCardPlaced, Identity: e.Identity})
			case idcard.CardRemoved:
				a.emit(ui.Event{Kind: ui.EventCardRemoved})
			case idcard.CardFailed:
				a.log.Warn("card not accepted", "err", e.Err)
				a.emit(ui.Event{Kind: ui.EventCardFailed, Message: idcard.UserMessage(e.Err)})
			}
		}
	}
}

func (a *app) forwardScans(ctx context.Context, scans <-chan scanner.Event) {
	for {
		select {
		case <-ctx.Done():
			return
		case e := <-scans:
			if e.Err != nil {
				a.log.Warn("scan not decoded", "err", e.Err)
				a.emit(ui.Event{Kind: ui.EventScan, Message: scanner.MessageUnrecognised})
				continue
			}
			r := scanner.Classify(e.Scan.Code)
			ev := ui.Event{Kind: ui.EventScan, Code: ui.ScannedCode{Text: e.Scan.Code}, Message: r.Message}
			switch r.Class {
			case scanner.ClassCaseNumber:
				ev.Code.CaseNumber = r.Value
			case scanner.ClassEID:
				ev.Code.EID = true
			}
			a.log.Info("code scanned", "class", r.Format)
			a.emit(ev)
		}
	}
}

// watchDevices tells the screens when a device or the hall changes state.
func (a *app) watchDevices(ctx context.Context) {
	changes := a.mgr.Subscribe()
	tick := time.NewTicker(2 * time.Second)
	defer tick.Stop()
	online := false
	for {
		select {
		case <-ctx.Done():
			return
		case s := <-changes:
			a.log.Info("device state", "device", s.Device, "state", s.State, "detail", s.Detail)
			a.emit(ui.Event{Kind: ui.EventDevice, Device: ui.DeviceState{Device: s.Device, State: string(s.State), Message: s.Message}})
		case <-tick.C:
			if now := a.Online(); now != online {
				online = now
				a.emit(ui.Event{Kind: ui.EventOnline, Online: online})
			}
		}
	}
}

// deviceHealth is the heartbeat's device report.
func (a *app) deviceHealth() []client.DeviceHealth {
	var out []client.DeviceHealth
	for _, s := range a.mgr.Statuses() {
		out = append(out, client.DeviceHealth{Name: s.Device, Kind: s.Device, State: string(s.State), Detail: s.Detail})
	}
	return out
}

// hallInfo is what receipts print about the hall.
func hallInfo(cfg config.Config) printer.Hall {
	return printer.Hall{Name: cfg.HallName, Phone: cfg.HallPhone}
}
