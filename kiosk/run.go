package kiosk

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Submitter makes a case durable. Implementations assign TerminalSeq and
// Number inside the same transaction that writes the case and its outbox
// entry, and return only once both are on disk; on error nothing is written
// and the caller may retry.
type Submitter interface {
	SubmitCase(ctx context.Context, c *Case) error
}

// Evaluator records a case's 好差评. Implementations keep one evaluation per
// case and return ErrAlreadyEvaluated for a second one.
type Evaluator interface {
	EvaluateCase(ctx context.Context, caseID string, e Evaluation) error
}

// ErrAlreadyEvaluated is returned for a second evaluation of one case.
var ErrAlreadyEvaluated = errors.New("case already evaluated")

// Errors that Run.Next returns when a step is not complete.
var (
	ErrNotIdentified   = errors.New("citizen not identified")
	ErrNoEvaluation    = errors.New("no evaluation given")
	ErrFlowDone        = errors.New("flow finished")
	ErrSessionEnded    = errors.New("session ended")
	ErrAfterSubmit     = errors.New("cannot go back after submitting")
	ErrMaterialMissing = errors.New("required material not provided")
)

// FormError lists the field errors of a form step, in field order.
type FormError struct{ Fields []*FieldError }

func (e *FormError) Error() string { return fmt.Sprintf("%d field(s) invalid", len(e.Fields)) }

// Run is one citizen's run through an item's flow: which step they are on,
// what they entered, and the case once submitted. It belongs to a Session,
// which wipes it when the citizen leaves. It is not safe for concurrent use:
// the UI drives it from one goroutine.
type Run struct {
	Item           *Item
	CatalogVersion int64

	session   *Session
	clock     Clock
	submitter Submitter
	evaluator Evaluator
	pos       int
	done      bool
	values    map[string]string
	errs      map[string]*FieldError
	materials map[string]*MaterialRecord
	submitted *Case
}

// RunDeps are the stores a run writes to.
type RunDeps struct {
	Clock     Clock
	Submitter Submitter
	Evaluator Evaluator
}

// NewRun starts item's flow in the session.
func NewRun(s *Session, item *Item, catalogVersion int64, deps RunDeps) (*Run, error) {
	if item.Flow == nil || len(item.Flow.Steps) == 0 {
		return nil, fmt.Errorf("item %s has no flow", item.Code)
	}
	r := &Run{
		Item: item, CatalogVersion: catalogVersion, session: s,
		clock: deps.Clock, submitter: deps.Submitter, evaluator: deps.Evaluator,
		values: map[string]string{}, errs: map[string]*FieldError{},
		materials: map[string]*MaterialRecord{},
	}
	s.addRun(r)
	r.enter()
	return r, nil
}

// Steps is the flow's step list.
func (r *Run) Steps() []Step { return r.Item.Flow.Steps }

// Index is the position of the current step.
func (r *Run) Index() int { return r.pos }

// Step is the current step.
func (r *Run) Step() *Step { return &r.Item.Flow.Steps[r.pos] }

// Done reports whether the last step has been completed.
func (r *Run) Done() bool { return r.done }

// Case is the submitted case, or nil before the submit step.
func (r *Run) Case() *Case { return r.submitted }

// Value is the current value of a form field.
func (r *Run) Value(name string) string { return r.values[name] }

// SetValue sets a form field's value and clears its error; validation
// happens on Next so a citizen is not scolded mid-typing.
func (r *Run) SetValue(name, v string) {
	r.values[name] = v
	delete(r.errs, name)
}

// FieldError is the error shown under a field after a failed Next, or nil.
func (r *Run) FieldError(name string) *FieldError { return r.errs[name] }

// Material is the record for material id, or nil if nothing was chosen.
func (r *Run) Material(id string) *MaterialRecord { return r.materials[id] }

// A case travels to the hall in one request, whose body the hall caps at
// 4 MiB by default; a page costs about 1.8× its bytes on the wire (base64
// in the sealed JSON, then base64 of the box). MaxCasePageBytes keeps every
// case's pages within that with room for the form, so no case is parked as
// too large after the citizen has left. MaxMaterialPages keeps one
// material's preview on one screen; a longer document goes to the window.
const (
	MaxMaterialPages = 8
	MaxCasePageBytes = 2 << 20
)

// PageLimitError is ChooseMaterial's refusal of more pages than a case
// can carry.
type PageLimitError struct {
	Pages, Bytes int // what the case would hold with this material
}

func (e *PageLimitError) Error() string {
	return fmt.Sprintf("case would carry %d pages in %d bytes (limits: %d pages a material, %d bytes a case)",
		e.Pages, e.Bytes, MaxMaterialPages, MaxCasePageBytes)
}

// Message is what the citizen reads: what to do instead.
func (e *PageLimitError) Message() string {
	return "材料页数太多，本机无法一次提交。请删除不必要的页，其余材料可选择“稍后补交”到窗口提交。"
}

// PageRoom reports whether pages fit as material id's scans beside the
// pages of the other materials, so the preview can refuse another page
// before the citizen scans it.
func (r *Run) PageRoom(id string, pages [][]byte) error {
	n, size := 0, 0
	for mid, rec := range r.materials {
		if mid == id || rec.Choice != MaterialScanned {
			continue
		}
		for _, p := range rec.Pages {
			n, size = n+1, size+len(p)
		}
	}
	for _, p := range pages {
		n, size = n+1, size+len(p)
	}
	if len(pages) > MaxMaterialPages || size > MaxCasePageBytes {
		return &PageLimitError{Pages: n, Bytes: size}
	}
	return nil
}

// ChooseMaterial records how a material is handed in. An e-licence is only
// accepted for materials that allow it; scanned needs at least one page and
// must fit PageRoom.
func (r *Run) ChooseMaterial(id string, choice MaterialChoice, pages [][]byte) error {
	var m *Material
	for i := range r.Item.Materials {
		if r.Item.Materials[i].ID == id {
			m = &r.Item.Materials[i]
		}
	}
	switch {
	case m == nil:
		return fmt.Errorf("item %s has no material %q", r.Item.Code, id)
	case choice == MaterialELicence && !m.ELicence:
		return fmt.Errorf("material %s cannot be replaced by an e-licence", id)
	case choice == MaterialScanned && len(pages) == 0:
		return fmt.Errorf("material %s: no scanned pages", id)
	case choice != MaterialELicence && choice != MaterialScanned && choice != MaterialLater:
		return fmt.Errorf("material %s: unknown choice %q", id, choice)
	}
	if choice == MaterialScanned {
		if err := r.PageRoom(id, pages); err != nil {
			return err
		}
	}
	if old := r.materials[id]; old != nil {
		for _, p := range old.Pages {
			clear(p)
		}
	}
	r.materials[id] = &MaterialRecord{ID: id, Name: m.Name, Choice: choice, Pages: pages}
	return nil
}

// enter prepares the current step: a form is prefilled from the identity,
// never overwriting what the citizen typed.
func (r *Run) enter() {
	st := r.Step()
	if st.Type != StepForm {
		return
	}
	id := r.session.Identity()
	if id == nil {
		return
	}
	for _, f := range st.Fields {
		if f.Prefill == "" || r.values[f.Name] != "" {
			continue
		}
		if v, ok := id.Prefill(f.Prefill); ok {
			r.values[f.Name] = v
		}
	}
}

// Next completes the current step and moves on. It returns ErrNotIdentified,
// *FormError, ErrMaterialMissing, ErrNoEvaluation, or the Submitter's error;
// on any error the run stays on the step with nothing lost.
func (r *Run) Next(ctx context.Context) error {
	if r.session.Ended() {
		return ErrSessionEnded
	}
	if r.done {
		return ErrFlowDone
	}
	st := r.Step()
	switch st.Type {
	case StepIdentify:
		if r.session.Identity() == nil {
			return ErrNotIdentified
		}
	case StepForm:
		if err := r.validateForm(st); err != nil {
			return err
		}
	case StepMaterials:
		for _, m := range r.Item.Materials {
			if m.Required && r.materials[m.ID] == nil {
				return fmt.Errorf("%w: %s", ErrMaterialMissing, m.Name)
			}
		}
	case StepSubmit:
		if r.submitted == nil {
			if err := r.submit(ctx); err != nil {
				return err
			}
		}
	case StepEvaluate:
		if r.submitted != nil && r.submitted.Evaluation == nil {
			return ErrNoEvaluation
		}
	}
	if r.pos == len(r.Item.Flow.Steps)-1 {
		r.done = true
		return nil
	}
	r.pos++
	r.enter()
	return nil
}

// Skip leaves an evaluate step without rating: 好差评 is voluntary.
func (r *Run) Skip() error {
	if r.Step().Type != StepEvaluate {
		return fmt.Errorf("step %s cannot be skipped", r.Step().ID)
	}
	if r.pos == len(r.Item.Flow.Steps)-1 {
		r.done = true
		return nil
	}
	r.pos++
	r.enter()
	return nil
}

// Back returns to the previous step. After submitting there is no way back:
// the case is on disk and a receipt may be printed.
func (r *Run) Back() error {
	if r.submitted != nil {
		return ErrAfterSubmit
	}
	if r.pos == 0 {
		return errors.New("already at the first step")
	}
	r.pos--
	return nil
}

// Evaluate records the citizen's rating of the submitted case.
func (r *Run) Evaluate(ctx context.Context, e Evaluation) error {
	if r.submitted == nil {
		return errors.New("nothing submitted to evaluate")
	}
	e.At = r.clock.Now()
	if err := e.Validate(); err != nil {
		return err
	}
	if err := r.evaluator.EvaluateCase(ctx, r.submitted.ID, e); err != nil {
		return err
	}
	r.submitted.Evaluation = &e
	return nil
}

func (r *Run) validateForm(st *Step) error {
	now := r.clock.Now()
	var fe FormError
	for i := range st.Fields {
		f := &st.Fields[i]
		v, err := ValidateField(f, r.values[f.Name], now)
		if err != nil {
			r.errs[f.Name] = err
			fe.Fields = append(fe.Fields, err)
			continue
		}
		r.values[f.Name] = v
		delete(r.errs, f.Name)
	}
	if len(fe.Fields) > 0 {
		return &fe
	}
	return nil
}

func (r *Run) submit(ctx context.Context) error {
	id := r.session.Identity()
	if id == nil {
		return ErrNotIdentified
	}
	now := r.clock.Now()
	c := &Case{
		ID:             NewCaseIDNow(now),
		ItemCode:       r.Item.Code,
		ItemName:       r.Item.Name.ZH,
		CatalogVersion: r.CatalogVersion,
		SubmittedAt:    now,
		MaskedName:     id.MaskedName(),
		Applicant:      id,
		Form:           map[string]string{},
		Timeline:       []StatusEvent{{Status: StatusSubmitted, At: now}},
	}
	if r.Item.Class == ClassPromised {
		c.PromisedDate = AddWorkingDays(now, r.Item.PromisedLimitDays).Format("2006-01-02")
	}
	for _, st := range r.Item.Flow.Steps {
		for _, f := range st.Fields {
			if v := r.values[f.Name]; v != "" {
				c.Form[f.Name] = v
			}
		}
	}
	for _, m := range r.Item.Materials {
		if rec := r.materials[m.ID]; rec != nil {
			c.Materials = append(c.Materials, *rec)
		}
	}
	if err := r.submitter.SubmitCase(ctx, c); err != nil {
		return err
	}
	r.submitted = c
	return nil
}

// MissingMaterials are the materials still to bring (一次性告知): those marked
// "bring later" and required ones with no choice.
func (r *Run) MissingMaterials() []Material {
	var out []Material
	for _, m := range r.Item.Materials {
		rec := r.materials[m.ID]
		if (rec == nil && m.Required) || (rec != nil && rec.Choice == MaterialLater) {
			out = append(out, m)
		}
	}
	return out
}

func (r *Run) wipe() {
	clear(r.values)
	clear(r.errs)
	for _, m := range r.materials {
		for _, p := range m.Pages {
			clear(p)
		}
	}
	clear(r.materials)
	if r.submitted != nil {
		r.submitted.Wipe()
	}
}

// AddWorkingDays adds n working days (Monday to Friday) to t. Public
// holidays and their make-up working days are not modelled: a promised date
// may fall a day or two early around holidays, never late by our count.
func AddWorkingDays(t time.Time, n int) time.Time {
	for n > 0 {
		t = t.AddDate(0, 0, 1)
		if wd := t.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n--
		}
	}
	return t
}
