// Package uitest has a fake ui.Services for tests and previews of the
// screens: the sample catalogue, a manual clock, an in-memory case store,
// a printer that can run out of paper, and an event channel the caller
// feeds.
package uitest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
	"govkiosk/ui"
)

// Services is a fake ui.Services. Its fields may be changed between
// steps of a test (the kiosk reads them on the UI goroutine).
type Services struct {
	Cat   *kiosk.Catalog
	Index *search.Index
	Clk   *kiosk.ManualClock
	Idle  time.Duration
	Store *Store

	mu       sync.Mutex
	online   bool
	paperOut bool
	devices  []ui.DeviceState
	prints   []Printed
	events   chan ui.Event
}

var _ ui.Services = (*Services)(nil)

// Start is the fake's time: a weekday morning.
var Start = time.Date(2026, 11, 25, 9, 30, 0, 0, time.Local)

// New returns a fake over the bundled sample catalogue, online, with every
// device ok and a two-minute idle timeout.
func New() *Services {
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		panic(fmt.Sprintf("uitest: sample catalogue: %v", err))
	}
	clk := kiosk.NewManualClock(Start)
	return &Services{
		Cat: cat, Index: search.New(cat), Clk: clk, Idle: 2 * time.Minute,
		Store:  NewStore(clk),
		online: true,
		devices: []ui.DeviceState{
			{Device: "idcard", State: "ok"}, {Device: "printer", State: "ok"}, {Device: "scanner", State: "ok"},
		},
		events: make(chan ui.Event),
	}
}

func (s *Services) Catalog() (*kiosk.Catalog, *search.Index) { return s.Cat, s.Index }
func (s *Services) Clock() kiosk.Clock                       { return s.Clk }
func (s *Services) IdleTimeout() time.Duration               { return s.Idle }
func (s *Services) Events() <-chan ui.Event                  { return s.events }

// RunDeps writes to the in-memory store.
func (s *Services) RunDeps() kiosk.RunDeps {
	return kiosk.RunDeps{Clock: s.Clk, Submitter: s.Store, Evaluator: s.Store}
}

// Send hands e to the kiosk and returns once the kiosk has handled it: the
// kiosk reads the next event only after handling the last, and the empty
// event sent after e is ignored.
func (s *Services) Send(e ui.Event) {
	s.events <- e
	s.events <- ui.Event{}
}

// PlaceCard sends EventCardPlaced with a copy of id.
func (s *Services) PlaceCard(id *kiosk.Identity) {
	c := *id
	c.Photo = append([]byte(nil), id.Photo...)
	s.Send(ui.Event{Kind: ui.EventCardPlaced, Identity: &c})
}

// RemoveCard sends EventCardRemoved.
func (s *Services) RemoveCard() { s.Send(ui.Event{Kind: ui.EventCardRemoved}) }

// SetOnline changes the network state and tells the kiosk.
func (s *Services) SetOnline(on bool) {
	s.mu.Lock()
	s.online = on
	s.mu.Unlock()
	s.Store.setOnline(on)
	s.Send(ui.Event{Kind: ui.EventOnline, Online: on})
}

// SetOnlineQuiet changes the network state without an event (before the
// kiosk is built).
func (s *Services) SetOnlineQuiet(on bool) {
	s.mu.Lock()
	s.online = on
	s.mu.Unlock()
	s.Store.setOnline(on)
}

func (s *Services) Online() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.online
}

func (s *Services) Devices() []ui.DeviceState {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]ui.DeviceState(nil), s.devices...)
}

// SetPaperOut runs the printer out of paper (or refills it) and reports the
// printer's state like the device manager does.
func (s *Services) SetPaperOut(out bool) {
	s.mu.Lock()
	s.paperOut = out
	st := ui.DeviceState{Device: "printer", State: "ok"}
	if out {
		st = ui.DeviceState{Device: "printer", State: "warning", Message: PaperOutMessage}
	}
	for i := range s.devices {
		if s.devices[i].Device == "printer" {
			s.devices[i] = st
		}
	}
	s.mu.Unlock()
	s.Send(ui.Event{Kind: ui.EventDevice, Device: st})
}

// PaperOutMessage is the printer's citizen message when out of paper.
const PaperOutMessage = "打印机缺纸，请联系工作人员"

// CitizenError is an error with a message for the citizen, as the real
// services return.
type CitizenError struct {
	Msg string
	Err error
}

func (e *CitizenError) Error() string   { return e.Err.Error() }
func (e *CitizenError) Unwrap() error   { return e.Err }
func (e *CitizenError) Message() string { return e.Msg }

// Printed is one job the fake printer printed.
type Printed struct {
	Step       kiosk.StepType
	Document   string // receipt, certificate; "" for a ticket
	CaseNumber string
	Item       string
}

// Print records the job, or fails like a printer out of paper.
func (s *Services) Print(ctx context.Context, run *kiosk.Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.paperOut {
		return &CitizenError{Msg: PaperOutMessage, Err: errors.New("printer: paper end")}
	}
	st := run.Step()
	p := Printed{Step: st.Type, Document: st.Document, Item: run.Item.Name.ZH}
	if c := run.Case(); c != nil {
		p.CaseNumber = c.Number
	}
	s.prints = append(s.prints, p)
	return nil
}

// Prints is everything printed so far.
func (s *Services) Prints() []Printed {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Printed(nil), s.prints...)
}

func (s *Services) LastPrint() string { return "" }

func (s *Services) LookupCase(ctx context.Context, number string) (*ui.CaseView, error) {
	return s.Store.Lookup(number)
}

func (s *Services) CasesOf(ctx context.Context, id *kiosk.Identity) ([]*ui.CaseView, error) {
	return s.Store.Of(id.IDNumber), nil
}
