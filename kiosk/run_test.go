package kiosk_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"govkiosk/kiosk"
)

// memStore is an in-memory Submitter and Evaluator for flow tests.
type memStore struct {
	seq   int64
	cases []*kiosk.Case
	evals map[string]kiosk.Evaluation
	fail  error
}

func (m *memStore) SubmitCase(_ context.Context, c *kiosk.Case) error {
	if m.fail != nil {
		return m.fail
	}
	m.seq++
	n, err := kiosk.FormatCaseNumber("QH0001", c.SubmittedAt, m.seq)
	if err != nil {
		return err
	}
	c.TerminalSeq, c.Number = m.seq, n
	m.cases = append(m.cases, c)
	return nil
}

func (m *memStore) EvaluateCase(_ context.Context, id string, e kiosk.Evaluation) error {
	if m.evals == nil {
		m.evals = map[string]kiosk.Evaluation{}
	}
	if _, ok := m.evals[id]; ok {
		return kiosk.ErrAlreadyEvaluated
	}
	m.evals[id] = e
	return nil
}

func fixtureIdentity() *kiosk.Identity {
	return &kiosk.Identity{
		CardType: kiosk.CardResident, Name: "测试甲", Gender: "男", Nation: "汉",
		BirthDate: "1949-12-31", Address: "清河市望江路1号", IDNumber: "11010519491231002X",
		ValidUntil: "长期", Photo: []byte{9, 9, 9}, Source: "idcard",
	}
}

func newRun(t *testing.T, code string) (*kiosk.Run, *kiosk.Session, *memStore, *kiosk.ManualClock) {
	t.Helper()
	cat := loadFixture(t, "valid.json")
	clk := kiosk.NewManualClock(today)
	st := &memStore{}
	s := kiosk.StartSession(clk, 2*time.Minute)
	r, err := kiosk.NewRun(s, cat.Item(code), cat.Version, kiosk.RunDeps{Clock: clk, Submitter: st, Evaluator: st})
	if err != nil {
		t.Fatal(err)
	}
	return r, s, st, clk
}

func mustNext(t *testing.T, r *kiosk.Run) {
	t.Helper()
	if err := r.Next(context.Background()); err != nil {
		t.Fatalf("Next on step %s: %v", r.Step().ID, err)
	}
}

func TestRunCertificateFlowEndToEnd(t *testing.T) {
	r, s, st, _ := newRun(t, "339900-RS-GG-0001")
	ctx := context.Background()
	if err := r.Next(ctx); !errors.Is(err, kiosk.ErrNotIdentified) {
		t.Fatalf("identify without a card: %v", err)
	}
	s.SetIdentity(fixtureIdentity())
	mustNext(t, r)

	// The form arrives prefilled from the card.
	if r.Step().Type != kiosk.StepForm {
		t.Fatalf("step = %s", r.Step().Type)
	}
	if got := r.Value("applicant_name"); got != "测试甲" {
		t.Errorf("prefilled name = %q", got)
	}
	if got := r.Value("id_number"); got != "11010519491231002X" {
		t.Errorf("prefilled id = %q", got)
	}
	// Missing and malformed values fail with one error per field.
	r.SetValue("phone", "12345")
	r.SetValue("start_month", "2027-01")
	r.SetValue("copies", "9")
	var fe *kiosk.FormError
	if err := r.Next(ctx); !errors.As(err, &fe) {
		t.Fatalf("invalid form: %v", err)
	}
	want := map[string]string{"phone": "format", "start_month": "range", "purpose": "required", "copies": "range"}
	if len(fe.Fields) != len(want) {
		t.Errorf("errors = %v", fe.Fields)
	}
	for name, rule := range want {
		if e := r.FieldError(name); e == nil || e.Rule != rule || e.Message.ZH == "" {
			t.Errorf("field %s error = %+v, want rule %s", name, e, rule)
		}
	}
	r.SetValue("phone", " 13812345678 ")
	r.SetValue("start_month", "2020-01")
	r.SetValue("purpose", "loan")
	r.SetValue("copies", "2")
	if r.FieldError("phone") != nil {
		t.Error("SetValue did not clear the field's error")
	}
	mustNext(t, r)
	if r.Value("phone") != "13812345678" {
		t.Errorf("value not normalised: %q", r.Value("phone"))
	}

	// Back from review keeps what was typed.
	if err := r.Back(); err != nil {
		t.Fatal(err)
	}
	if r.Value("purpose") != "loan" {
		t.Error("Back lost a value")
	}
	mustNext(t, r) // form
	mustNext(t, r) // review
	mustNext(t, r) // submit
	c := r.Case()
	if c == nil || c.Number == "" || len(st.cases) != 1 {
		t.Fatalf("not submitted: %+v", c)
	}
	if c.Form["purpose"] != "loan" || c.Applicant.IDNumber != "11010519491231002X" || c.MaskedName != "测*甲" {
		t.Errorf("case content: %+v", c)
	}
	if c.PromisedDate != "" {
		t.Errorf("immediate item has promised date %q", c.PromisedDate)
	}
	if err := r.Back(); !errors.Is(err, kiosk.ErrAfterSubmit) {
		t.Errorf("Back after submit: %v", err)
	}
	mustNext(t, r) // print
	if err := r.Next(ctx); !errors.Is(err, kiosk.ErrNoEvaluation) {
		t.Fatalf("evaluate without a rating: %v", err)
	}
	if err := r.Evaluate(ctx, kiosk.Evaluation{Level: 2}); err == nil {
		t.Error("bad rating without a reason accepted")
	}
	if err := r.Evaluate(ctx, kiosk.Evaluation{Level: 2, Reasons: []string{"slow"}}); err != nil {
		t.Fatal(err)
	}
	mustNext(t, r)
	if !r.Done() {
		t.Error("flow not done after the last step")
	}
	if err := r.Next(ctx); !errors.Is(err, kiosk.ErrFlowDone) {
		t.Errorf("Next after done: %v", err)
	}
	if st.evals[c.ID].Level != 2 || st.evals[c.ID].At != today {
		t.Errorf("evaluation stored as %+v", st.evals[c.ID])
	}
}

func TestRunMaterialsAndTicket(t *testing.T) {
	r, s, _, _ := newRun(t, "339900-MZ-GG-0001")
	ctx := context.Background()
	s.SetIdentity(fixtureIdentity())
	mustNext(t, r)
	r.SetValue("partner_id", withCheck("31010119900101001"))
	r.SetValue("visit_date", "2026-11-25") // today: min_days is 1
	if err := r.Next(ctx); err == nil || r.FieldError("visit_date").Rule != "range" {
		t.Fatalf("same-day appointment accepted: %v", err)
	}
	r.SetValue("visit_date", "2026-11-30")
	mustNext(t, r)

	if err := r.Next(ctx); !errors.Is(err, kiosk.ErrMaterialMissing) {
		t.Fatalf("no materials chosen: %v", err)
	}
	if err := r.ChooseMaterial("m2", kiosk.MaterialELicence, nil); err == nil {
		t.Error("e-licence accepted for a photo")
	}
	if err := r.ChooseMaterial("m2", kiosk.MaterialScanned, nil); err == nil {
		t.Error("scanned with no pages accepted")
	}
	if err := r.ChooseMaterial("m9", kiosk.MaterialLater, nil); err == nil {
		t.Error("unknown material accepted")
	}
	page := []byte{0xff, 0xd8, 1, 2}
	if err := r.ChooseMaterial("m1", kiosk.MaterialELicence, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.ChooseMaterial("m2", kiosk.MaterialScanned, [][]byte{page}); err != nil {
		t.Fatal(err)
	}
	if err := r.ChooseMaterial("m2", kiosk.MaterialLater, nil); err != nil {
		t.Fatal(err)
	}
	if page[0] != 0 {
		t.Error("replaced scan not wiped")
	}
	mustNext(t, r)
	missing := r.MissingMaterials()
	if len(missing) != 1 || missing[0].ID != "m2" {
		t.Errorf("MissingMaterials = %+v", missing)
	}
	mustNext(t, r) // review
	mustNext(t, r) // submit
	if r.Step().Type != kiosk.StepTicket || r.Step().Window != "婚姻登记处" {
		t.Fatalf("step = %+v", r.Step())
	}
	// Promised in 3 working days from Wednesday 2026-11-25: Thu, Fri, Mon.
	if got := r.Case().PromisedDate; got != "2026-11-30" {
		t.Errorf("promised date = %s, want 2026-11-30", got)
	}
	mustNext(t, r)
	if err := r.Skip(); err != nil || !r.Done() {
		t.Errorf("Skip evaluation: %v, done %v", err, r.Done())
	}
}

// A case goes to the hall in one request: the run refuses pages that
// would make it too large to upload, naming what to do, and keeps what the
// material held before.
func TestRunPageLimits(t *testing.T) {
	r, s, _, _ := newRun(t, "339900-MZ-GG-0001")
	s.SetIdentity(fixtureIdentity())
	pages := func(n, size int) [][]byte {
		out := make([][]byte, n)
		for i := range out {
			out[i] = bytes.Repeat([]byte{0xff}, size)
		}
		return out
	}
	var limit *kiosk.PageLimitError
	if err := r.ChooseMaterial("m2", kiosk.MaterialScanned, pages(kiosk.MaxMaterialPages+1, 10)); !errors.As(err, &limit) {
		t.Fatalf("%d pages for one material: %v", kiosk.MaxMaterialPages+1, err)
	}
	if !strings.Contains(limit.Message(), "稍后补交") {
		t.Errorf("the citizen is not told what to do: %q", limit.Message())
	}
	half := kiosk.MaxCasePageBytes/2 + 1
	if err := r.ChooseMaterial("m1", kiosk.MaterialScanned, pages(1, half)); err != nil {
		t.Fatal(err)
	}
	kept := r.Material("m1").Pages[0]
	if err := r.PageRoom("m2", pages(1, half)); !errors.As(err, &limit) || limit.Pages != 2 || limit.Bytes != 2*half {
		t.Fatalf("PageRoom over the case's budget: %v", err)
	}
	if err := r.ChooseMaterial("m2", kiosk.MaterialScanned, pages(1, half)); !errors.As(err, &limit) {
		t.Fatalf("two halves over the budget accepted: %v", err)
	}
	// Replacing m1's own pages does not count the pages they replace.
	if err := r.PageRoom("m1", pages(1, half)); err != nil {
		t.Errorf("a retake counted twice: %v", err)
	}
	if err := r.ChooseMaterial("m1", kiosk.MaterialScanned, pages(2, kiosk.MaxCasePageBytes)); err == nil {
		t.Fatal("a retake over the budget accepted")
	}
	if got := r.Material("m1"); got == nil || len(got.Pages) != 1 || got.Pages[0][0] != 0xff || &got.Pages[0][0] != &kept[0] {
		t.Error("a refused retake changed the material's pages")
	}
	// Pages of a material handed in later do not count.
	if err := r.ChooseMaterial("m1", kiosk.MaterialLater, nil); err != nil {
		t.Fatal(err)
	}
	if err := r.ChooseMaterial("m2", kiosk.MaterialScanned, pages(1, half)); err != nil {
		t.Errorf("room not given back: %v", err)
	}
}

func TestRunSubmitFailureKeepsEverything(t *testing.T) {
	r, s, st, _ := newRun(t, "339900-RS-GG-0001")
	ctx := context.Background()
	s.SetIdentity(fixtureIdentity())
	mustNext(t, r)
	r.SetValue("phone", "0999-86012345")
	r.SetValue("start_month", "2024-02")
	r.SetValue("purpose", "school")
	mustNext(t, r)
	mustNext(t, r)
	st.fail = fmt.Errorf("disk full")
	if err := r.Next(ctx); err == nil {
		t.Fatal("submit error swallowed")
	}
	if r.Step().Type != kiosk.StepSubmit || r.Case() != nil || r.Value("phone") != "0999-86012345" {
		t.Fatal("failed submit moved on or lost data")
	}
	st.fail = nil
	mustNext(t, r)
	if len(st.cases) != 1 {
		t.Fatalf("cases = %d", len(st.cases))
	}
}

func TestNewRunWithoutFlow(t *testing.T) {
	cat := loadFixture(t, "valid.json")
	s := kiosk.StartSession(kiosk.SystemClock{}, time.Minute)
	if _, err := kiosk.NewRun(s, cat.Item("339900-RS-QR-0002"), 1, kiosk.RunDeps{}); err == nil {
		t.Error("guide-only item started a flow")
	}
}

func TestAddWorkingDays(t *testing.T) {
	fri := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		n    int
		want string
	}{{0, "2026-11-27"}, {1, "2026-11-30"}, {5, "2026-12-04"}, {6, "2026-12-07"}}
	for _, tt := range tests {
		if got := kiosk.AddWorkingDays(fri, tt.n).Format("2006-01-02"); got != tt.want {
			t.Errorf("AddWorkingDays(fri, %d) = %s, want %s", tt.n, got, tt.want)
		}
	}
}
