package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/store"
)

// citizens serves citizens until the terminal has acknowledged its cases:
// card, application, durable submit, receipt, a scan of the receipt.
func (t *terminal) citizens(ctx context.Context, d *devices) {
	acked, err := os.OpenFile(t.path(fileAcked), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.violation("open %s: %v", fileAcked, err)
		return
	}
	defer acked.Close()
	attempts, err := os.OpenFile(t.path(fileAttempts), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.violation("open %s: %v", fileAttempts, err)
		return
	}
	defer attempts.Close()
	evaluated, err := os.OpenFile(t.path(fileEvaluated), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		t.violation("open %s: %v", fileEvaluated, err)
		return
	}
	defer evaluated.Close()
	// Citizens come once the whole fleet is up and the window is open, so
	// the first terminals to start do not finish before the faults begin.
	var start time.Time
	for ctx.Err() == nil {
		var ok bool
		if start, _, ok = t.window(); ok {
			break
		}
		sleep(ctx, 200*time.Millisecond)
	}
	for ctx.Err() == nil && t.acked.Load() < int64(t.f.cases) {
		if t.capped {
			sleep(ctx, 100*time.Millisecond) // a queue forms at the kiosk while its disk fills
		} else {
			// The n-th citizen comes about n intervals into the window,
			// whatever happened to the kiosk meanwhile: one that was
			// killed finds a queue when it is back, as a real one would.
			// Counting each interval from the last start instead made every
			// restart cost a whole interval, and a terminal killed a dozen
			// times served its last citizens minutes after the window.
			due := start.Add(time.Duration((float64(t.acked.Load()) + 0.5 + t.randFloat()) * float64(t.f.interval)))
			sleep(ctx, max(time.Until(due), time.Duration((0.2+0.3*t.randFloat())*float64(time.Second))))
		}
		cat, err := t.st.ActiveCatalog(ctx)
		if err != nil {
			continue // no catalogue yet: the kiosk shows "暂停服务"
		}
		left := t.f.cases - int(t.acked.Load())
		id, err := t.readCard(ctx, d, left)
		if err != nil {
			t.event("card_error", err.Error())
			continue
		}
		it := &cat.Items[int(t.randFloat()*float64(len(cat.Items)))]
		now := kioskClock.Now()
		c := &kiosk.Case{
			ID: kiosk.NewCaseIDNow(now), ItemCode: it.Code, ItemName: it.Name.ZH, CatalogVersion: cat.Version,
			SubmittedAt: now, MaskedName: id.MaskedName(), Applicant: id,
			Form:     map[string]string{"phone": "13800138000", "note": "soak"},
			Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}},
		}
		fmt.Fprintln(attempts, c.ID)
		point := ""
		for _, p := range []string{stallSubmitTx, stallBeforeAck, stallBeforePrint} {
			if t.stallRequested(p) {
				point = p
			}
		}
		if point == stallSubmitTx {
			t.quiet.Lock()
			p := stallSubmitTx
			t.clock.armed.Store(&p)
			err = t.st.SubmitCase(ctx, c)
			t.clock.armed.Store(nil)
			t.quiet.Unlock()
		} else {
			t.quiet.RLock()
			err = t.st.SubmitCase(ctx, c)
			t.quiet.RUnlock()
		}
		if err != nil {
			if errors.Is(err, store.ErrDiskFull) {
				t.event("disk_full_refused", "")
				sleep(ctx, 200*time.Millisecond)
			} else if ctx.Err() == nil {
				t.event("submit_error", err.Error())
			}
			continue
		}
		t.wake()
		if point == stallBeforeAck {
			t.stall(point)
		}
		if _, err := fmt.Fprintf(acked, "%s %s\n", c.ID, c.Number); err != nil {
			t.violation("record acknowledged case: %v", err)
		}
		if err := acked.Sync(); err != nil {
			t.violation("fsync %s: %v", fileAcked, err)
		}
		t.acked.Add(1)
		if point == stallBeforePrint {
			t.stall(point)
		}
		t.printReceipt(ctx, d, c, it, left)
		t.scanReceipt(ctx, d, c.Number, left)
		if t.randFloat() < t.f.evaluate {
			t.rate(ctx, c, evaluated)
		}
	}
}

// rate has the citizen rate the case (好差评) and records it once stored.
func (t *terminal) rate(ctx context.Context, c *kiosk.Case, log *os.File) {
	e := kiosk.Evaluation{Level: 5, At: kioskClock.Now()}
	if t.randFloat() < 0.3 {
		e = kiosk.Evaluation{Level: 2, Reasons: []string{"slow"}, Comment: "等了很久", At: kioskClock.Now()}
	}
	t.quiet.RLock()
	err := t.st.EvaluateCase(ctx, c.ID, e)
	t.quiet.RUnlock()
	if err != nil {
		if !errors.Is(err, store.ErrDiskFull) && ctx.Err() == nil {
			t.event("evaluate_error", err.Error())
		}
		return
	}
	t.wake()
	fmt.Fprintf(log, "%s %s\n", c.ID, c.Number)
	if err := log.Sync(); err != nil {
		t.violation("fsync %s: %v", fileEvaluated, err)
	}
}
