package ui

import (
	"context"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
)

// Services is everything the screens need from the rest of the kiosk. The
// app (cmd/kiosk) implements it over the store, the device manager and the
// sync client; tests implement it with fakes. Screens call it from the UI
// goroutine; methods that talk to devices or the network take a context and
// may block for a bounded time, so screens call them from a goroutine and
// come back to the UI with fyne.Do.
type Services interface {
	// Catalog is the installed catalogue and its search index. It can change
	// when the hall pushes a new version; screens read it when they open.
	Catalog() (*kiosk.Catalog, *search.Index)
	// Clock is the kiosk's clock.
	Clock() kiosk.Clock
	// RunDeps are what a flow writes to (the store).
	RunDeps() kiosk.RunDeps
	// IdleTimeout is how long a session lasts without a touch.
	IdleTimeout() time.Duration

	// Events delivers device events: a card placed or removed, a code
	// scanned, a device changing state. One channel for the app's lifetime.
	Events() <-chan Event

	// PrintReceipt prints the receipt (受理回执) of a submitted run, the
	// certificate for a print step whose document is "certificate", or the
	// queue ticket of a ticket step, according to the run's current step.
	// Errors carry a citizen message (see Message).
	Print(ctx context.Context, run *kiosk.Run) error
	// LastPrint is the image of the last printed job (demo mode), or "".
	LastPrint() string

	// LookupCase finds a case by number: the local store first, then the
	// hall when online.
	LookupCase(ctx context.Context, number string) (*CaseView, error)
	// CasesOf lists the cases of the identified citizen (by ID card).
	CasesOf(ctx context.Context, id *kiosk.Identity) ([]*CaseView, error)

	// Online reports whether the hall is reachable now.
	Online() bool
	// Devices is every device's state, for trouble messages.
	Devices() []DeviceState
}

// EventKind is the kind of a device event.
type EventKind int

const (
	EventCardPlaced  EventKind = iota + 1 // Identity set (personal data: wipe with the session)
	EventCardRemoved                      // the card left the reader
	EventCardFailed                       // a card could not be read: Message says why
	EventScan                             // Code set: a scanned code, classified
	EventDevice                           // a device changed state: Device set
	EventOnline                           // the hall became reachable or not: Online set
)

// Event is a device or network event for the screens.
type Event struct {
	Kind     EventKind
	Identity *kiosk.Identity
	Code     ScannedCode
	Device   DeviceState
	Online   bool
	Message  string // plain Chinese, for the citizen
}

// ScannedCode is a scanned code and what it is.
type ScannedCode struct {
	Text       string
	CaseNumber string // set when the code is one of our receipts' QR codes
	EID        bool   // an e-ID style code
}

// DeviceState is one device's state in plain words.
type DeviceState struct {
	Device  string // idcard, printer, scanner
	State   string // ok, warning, failed, absent
	Message string // plain Chinese for the citizen, "" when ok
}

// CaseView is what the progress screen shows of a case: never more than a
// masked name.
type CaseView struct {
	// ID is the case's id (kiosk.Case.ID), which RunDeps().Evaluator takes
	// to rate the case from its progress page; empty for a case this
	// terminal cannot rate (no 评价 button is shown).
	ID           string
	Number       string
	ItemName     string
	MaskedName   string
	SubmittedAt  time.Time
	PromisedDate string
	Status       string
	Timeline     []kiosk.StatusEvent
	Evaluated    bool
	// UpdatedAt is when the status was last confirmed by the hall; zero if
	// never (offline since submission).
	UpdatedAt time.Time
	FromHall  bool // looked up live, not from the local copy
}

// Message returns the plain-Chinese message an error carries for a
// citizen, or a general one; never a Go error string.
func Message(err error) string {
	if m, ok := err.(interface{ Message() string }); ok {
		return m.Message()
	}
	type wrapper interface{ Unwrap() error }
	for e := err; e != nil; {
		if m, ok := e.(interface{ Message() string }); ok {
			return m.Message()
		}
		w, ok := e.(wrapper)
		if !ok {
			break
		}
		e = w.Unwrap()
	}
	return "操作未能完成，请稍后再试或联系工作人员"
}
