package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"govkiosk/drivers/manager"
	"govkiosk/drivers/printer"
	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/search"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/ui"
)

// app is the kiosk's wiring: it implements ui.Services over the store, the
// device manager and the sync client. It is the one bridge between the
// screens and everything that does I/O.
type app struct {
	cfg    config.Config
	log    *slog.Logger
	clock  kiosk.Clock
	store  *store.Store
	client *client.Client // nil until enrolled
	mgr    *manager.Manager
	hall   printer.Hall

	events chan ui.Event
	cat    atomic.Pointer[catalogState]

	mu        sync.Mutex
	printer   *printer.Printer // the open printer, from its device
	lastPrint func() string    // demo: the simulated printer's last job image

	// Maintenance mode and remote commands (maint.go, commands.go).
	tech     *technician
	inMaint  atomic.Bool // device events go to maintenance, not to citizens
	kiosk    atomic.Pointer[ui.Kiosk]
	cmdMu    sync.Mutex
	quit     func() // ends run: the window closes, main exits with exitCode
	exitCode atomic.Int32
}

type catalogState struct {
	cat *kiosk.Catalog
	ix  *search.Index
}

var _ ui.Services = (*app)(nil)

// setCatalog makes c the catalogue citizens see. The first one's search
// index is built after the first frame (ui's warmUp); a newer one, arriving
// from the hall on the sync goroutine, is indexed there before citizens
// see it, so the first search after an update does not wait.
func (a *app) setCatalog(c *kiosk.Catalog) {
	ix := search.New(c)
	if a.kiosk.Load() != nil {
		ix.Prepare()
	}
	a.cat.Store(&catalogState{cat: c, ix: ix})
}

func (a *app) Catalog() (*kiosk.Catalog, *search.Index) {
	s := a.cat.Load()
	return s.cat, s.ix
}

func (a *app) Clock() kiosk.Clock { return a.clock }

func (a *app) IdleTimeout() time.Duration { return a.cfg.IdleTimeout.Duration }

func (a *app) Events() <-chan ui.Event { return a.events }

// RunDeps writes cases to the store and wakes the uploader.
func (a *app) RunDeps() kiosk.RunDeps {
	return kiosk.RunDeps{Clock: a.clock, Submitter: submitter{a}, Evaluator: evaluator{a}}
}

type submitter struct{ a *app }

func (s submitter) SubmitCase(ctx context.Context, c *kiosk.Case) error {
	if err := s.a.store.SubmitCase(ctx, c); err != nil {
		s.a.log.Error("submit failed", "item", c.ItemCode, "err", err)
		return storeError{err}
	}
	s.a.log.Info("case submitted", "number", c.Number, "item", c.ItemCode)
	if s.a.client != nil {
		s.a.client.Kick()
	}
	return nil
}

type evaluator struct{ a *app }

func (e evaluator) EvaluateCase(ctx context.Context, id string, ev kiosk.Evaluation) error {
	if err := e.a.store.EvaluateCase(ctx, id, ev); err != nil {
		return err
	}
	if e.a.client != nil {
		e.a.client.Kick()
	}
	return nil
}

// storeError gives store failures their citizen message.
type storeError struct{ err error }

func (e storeError) Error() string   { return e.err.Error() }
func (e storeError) Unwrap() error   { return e.err }
func (e storeError) Message() string { return store.UserMessage(e.err) }

// Print prints what the run's current step asks for: the receipt after a
// submit, a certificate, or a queue ticket.
func (a *app) Print(ctx context.Context, run *kiosk.Run) error {
	c := run.Case()
	if c == nil {
		return errors.New("nothing submitted to print")
	}
	st := run.Step()
	var doc *printer.Document
	switch {
	case st.Type == kiosk.StepTicket:
		doc = printer.TicketFor(run.Item, st, c.Number, a.clock.Now(), a.hall).Document()
	case st.Type == kiosk.StepPrint && st.Document == "certificate":
		doc = printer.CertificateFromCase(c, run.Item, a.cat.Load().cat.Department(run.Item.Department).Name.ZH, nil, a.clock.Now(), a.hall).Document()
	default:
		r := printer.ReceiptFromCase(c, run.Item, a.hall)
		doc = r.Document()
	}
	err := a.mgr.Use("printer", func(d manager.Device) error {
		p := d.(*printer.Device).Printer()
		return p.Print(ctx, doc)
	})
	if errors.Is(err, manager.ErrUnavailable) {
		return printerAbsent{err}
	}
	if err != nil {
		a.log.Warn("print failed", "number", c.Number, "err", err)
	}
	return err
}

type printerAbsent struct{ err error }

func (e printerAbsent) Error() string { return e.err.Error() }
func (e printerAbsent) Unwrap() error { return e.err }
func (e printerAbsent) Message() string {
	return "打印机暂时无法使用，请联系工作人员，您的申请已保存"
}

func (a *app) LastPrint() string {
	if a.lastPrint == nil {
		return ""
	}
	return a.lastPrint()
}

// LookupCase finds a case in the store, refreshed from the hall when online.
func (a *app) LookupCase(ctx context.Context, number string) (*ui.CaseView, error) {
	number, err := kiosk.ParseCaseNumber(number)
	if err != nil {
		return nil, caseNumberError{err}
	}
	local, lerr := a.store.CaseByNumber(ctx, number)
	if lerr != nil && !errors.Is(lerr, store.ErrNotFound) {
		return nil, lerr
	}
	var view *ui.CaseView
	if local != nil {
		view = &ui.CaseView{ID: local.ID, Number: local.Number, ItemName: local.ItemName, MaskedName: local.MaskedName,
			SubmittedAt: local.SubmittedAt, PromisedDate: local.PromisedDate, Status: local.Status,
			Timeline: local.Timeline, Evaluated: local.Evaluation != nil}
		if !local.SyncedAt.IsZero() {
			view.UpdatedAt = local.StatusAt
		}
	}
	if a.client != nil {
		hctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if hc, err := a.client.LookupCase(hctx, number); err == nil && hc != nil {
			if view == nil {
				view = &ui.CaseView{Number: hc.Number}
				if c, _ := a.Catalog(); c.Item(hc.ItemCode) != nil {
					view.ItemName = c.Item(hc.ItemCode).Name.ZH
				}
			}
			view.Status, view.FromHall, view.UpdatedAt = hc.Status, true, a.clock.Now()
			view.Timeline = nil
			for _, ev := range hc.Timeline {
				view.Timeline = append(view.Timeline, kiosk.StatusEvent{Status: ev.Status, At: ev.At, Note: ev.Note})
			}
		}
	}
	if view == nil {
		return nil, caseNotFound{number}
	}
	return view, nil
}

type caseNumberError struct{ err error }

func (e caseNumberError) Error() string { return e.err.Error() }
func (e caseNumberError) Message() string {
	return "办件编号不正确，请核对回执上的编号"
}

type caseNotFound struct{ number string }

func (e caseNotFound) Error() string { return "case " + e.number + " not found" }
func (e caseNotFound) Message() string {
	return "没有找到该办件，请核对编号；如刚在其他终端提交，请联网后再查"
}

// CasesOf lists the cases submitted on this terminal with the citizen's
// ID card, found by the store's applicant key (the ID number itself is not
// on disk).
func (a *app) CasesOf(ctx context.Context, id *kiosk.Identity) ([]*ui.CaseView, error) {
	cases, err := a.store.CasesByApplicant(ctx, id.IDNumber)
	if err != nil {
		return nil, err
	}
	out := make([]*ui.CaseView, 0, len(cases))
	for _, c := range cases {
		v := &ui.CaseView{ID: c.ID, Number: c.Number, ItemName: c.ItemName, MaskedName: c.MaskedName,
			SubmittedAt: c.SubmittedAt, PromisedDate: c.PromisedDate, Status: c.Status}
		if !c.SyncedAt.IsZero() {
			v.UpdatedAt = c.StatusAt
		}
		out = append(out, v)
	}
	return out, nil
}

func (a *app) Online() bool { return a.client != nil && a.client.Online() }

func (a *app) Devices() []ui.DeviceState {
	var out []ui.DeviceState
	for _, s := range a.mgr.Statuses() {
		out = append(out, ui.DeviceState{Device: s.Device, State: string(s.State), Message: s.Message})
	}
	return out
}

// dataPath is a file in the data directory.
func (a *app) dataPath(name string) string { return filepath.Join(a.cfg.DataDir, name) }

// emit hands an event to the screens without ever blocking a device loop.
func (a *app) emit(e ui.Event) {
	to := a.events
	if a.inMaint.Load() {
		if e.Kind == ui.EventDevice || e.Kind == ui.EventOnline {
			// The kiosk's screens need the devices' states when they come back.
			select {
			case a.tech.events <- e:
			default:
			}
		} else {
			to = a.tech.events
		}
	}
	select {
	case to <- e:
	default:
		a.log.Warn("UI event dropped", "kind", fmt.Sprint(e.Kind))
		if e.Identity != nil {
			e.Identity.Wipe()
		}
	}
}
