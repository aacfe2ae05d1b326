package kiosk_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"govkiosk/kiosk"
)

func TestSessionIdleDeadline(t *testing.T) {
	clk := kiosk.NewManualClock(today)
	s := kiosk.StartSession(clk, 90*time.Second)
	clk.Advance(60 * time.Second)
	if got := s.Remaining(); got != 30*time.Second {
		t.Errorf("Remaining = %v", got)
	}
	s.Touch()
	clk.Advance(60 * time.Second)
	if s.Expired() {
		t.Error("expired despite Touch")
	}
	clk.Advance(31 * time.Second)
	if !s.Expired() || s.Remaining() != 0 {
		t.Error("not expired after the idle time")
	}
}

// End must leave nothing personal reachable from the session, its runs or
// its submitted cases, and run every screen's hook once.
func TestSessionEndWipesEverything(t *testing.T) {
	r, s, _, _ := newRun(t, "339900-MZ-GG-0001")
	id := fixtureIdentity()
	photo := id.Photo
	s.SetIdentity(id)
	mustNext(t, r)
	r.SetValue("partner_id", "11010519491231002X")
	r.SetValue("visit_date", "2026-11-30")
	mustNext(t, r)
	page := []byte{0xff, 0xd8, 7}
	if err := r.ChooseMaterial("m1", kiosk.MaterialScanned, [][]byte{page}); err != nil {
		t.Fatal(err)
	}
	if err := r.ChooseMaterial("m2", kiosk.MaterialLater, nil); err != nil {
		t.Fatal(err)
	}
	mustNext(t, r)
	mustNext(t, r)
	mustNext(t, r)
	c := r.Case()
	hooks := 0
	s.OnEnd(func() { hooks++ })

	s.End()
	s.End()
	if hooks != 1 {
		t.Errorf("hooks ran %d times", hooks)
	}
	if s.Identity() != nil || id.Name != "" || photo[0] != 0 {
		t.Error("identity survived End")
	}
	if r.Value("partner_id") != "" || r.Material("m1") != nil || page[0] != 0 {
		t.Error("run data survived End")
	}
	if c.Applicant != nil || c.Form != nil || c.Materials != nil {
		t.Error("submitted case kept personal data in memory")
	}
	if !s.Ended() || !s.Expired() {
		t.Error("ended session still live")
	}
	if err := r.Next(context.Background()); !errors.Is(err, kiosk.ErrSessionEnded) {
		t.Errorf("Next after End: %v", err)
	}
}
