package uitest

import (
	"context"
	"sync"

	"govkiosk/kiosk"
	"govkiosk/ui"
)

// Store is an in-memory case store: the Submitter and Evaluator of runs,
// and what LookupCase and CasesOf read. Like the real store it keeps its
// own copy of what it needs, since the session wipes the Case it was given.
type Store struct {
	mu     sync.Mutex
	clock  kiosk.Clock
	seq    int64
	cases  []*record
	online bool
	// Fail, when set, is returned by SubmitCase.
	Fail error
}

type record struct {
	view     ui.CaseView
	idNumber string
	eval     *kiosk.Evaluation
}

// NewStore returns an empty store.
func NewStore(clock kiosk.Clock) *Store { return &Store{clock: clock, online: true} }

func (s *Store) setOnline(on bool) {
	s.mu.Lock()
	s.online = on
	s.mu.Unlock()
}

// SubmitCase numbers the case and keeps a copy.
func (s *Store) SubmitCase(_ context.Context, c *kiosk.Case) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.Fail != nil {
		return s.Fail
	}
	s.seq++
	n, err := kiosk.FormatCaseNumber("QH0001", c.SubmittedAt, s.seq)
	if err != nil {
		return err
	}
	c.TerminalSeq, c.Number = s.seq, n
	r := &record{view: ui.CaseView{
		ID: c.ID, Number: n, ItemName: c.ItemName, MaskedName: c.MaskedName,
		SubmittedAt: c.SubmittedAt, PromisedDate: c.PromisedDate, Status: c.Status(),
		Timeline: append([]kiosk.StatusEvent(nil), c.Timeline...),
	}}
	if c.Applicant != nil {
		r.idNumber = c.Applicant.IDNumber
	}
	s.cases = append(s.cases, r)
	return nil
}

// EvaluateCase keeps one evaluation per case.
func (s *Store) EvaluateCase(_ context.Context, id string, e kiosk.Evaluation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.cases {
		if r.view.ID == id {
			if r.eval != nil {
				return kiosk.ErrAlreadyEvaluated
			}
			r.eval = &e
			r.view.Evaluated = true
			return nil
		}
	}
	return &CitizenError{Msg: "没有找到这个办件", Err: kiosk.ErrCaseNumber}
}

// Evaluation is the rating of the case with number n, or nil.
func (s *Store) Evaluation(n string) *kiosk.Evaluation {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.cases {
		if r.view.Number == n {
			return r.eval
		}
	}
	return nil
}

// Numbers are the case numbers stored, oldest first.
func (s *Store) Numbers() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, r := range s.cases {
		out = append(out, r.view.Number)
	}
	return out
}

// Advance appends a status the hall reported, confirmed at the store's
// clock.
func (s *Store) Advance(number, status, note string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	for _, r := range s.cases {
		if r.view.Number == number {
			r.view.Timeline = append(r.view.Timeline, kiosk.StatusEvent{Status: status, At: now, Note: note})
			r.view.Status = status
			r.view.UpdatedAt = now
		}
	}
}

// Lookup is LookupCase: a copy of the case's view, or a citizen error.
func (s *Store) Lookup(number string) (*ui.CaseView, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range s.cases {
		if r.view.Number == number {
			v := r.view
			v.Timeline = append([]kiosk.StatusEvent(nil), v.Timeline...)
			v.FromHall = s.online
			if s.online {
				v.UpdatedAt = s.clock.Now()
			}
			return &v, nil
		}
	}
	return nil, &CitizenError{Msg: "没有查到这个办件，请核对编号，或到窗口咨询", Err: kiosk.ErrCaseNumber}
}

// Of lists the cases of an identity number, newest first.
func (s *Store) Of(idNumber string) []*ui.CaseView {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*ui.CaseView
	for i := len(s.cases) - 1; i >= 0; i-- {
		if r := s.cases[i]; r.idNumber == idNumber {
			v := r.view
			v.FromHall = s.online
			out = append(out, &v)
		}
	}
	return out
}
