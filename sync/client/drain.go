package client

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
)

// Draining the outbox keeps two rules, whatever overlaps:
//
//   - An item leaves the outbox (Store.Delivered) only after the hall
//     answered applied or duplicate for it, that is after the hall made it
//     durable; a batch whose answer is lost stays and is sent again, and the
//     hall, which dedupes by case id, answers duplicate.
//   - Items are handed out once per drain: the batch being prepared is read
//     after the last item of the one in flight (Store.PendingOutboxAfter),
//     so nothing is sent twice by one drain and nothing is skipped.

// Drain uploads until nothing is due: cases first, then evaluations (an
// evaluation needs its case at the hall). It returns how many items the
// hall now holds; the first error ends it (the failed batch is scheduled
// for retry with backoff).
func (c *Client) Drain(ctx context.Context, bo *retry.Backoff) (int, error) {
	total := 0
	for _, kind := range []string{"case", "evaluation"} {
		n, err := c.drainKind(ctx, kind, bo)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// DrainOnce uploads due outbox items of one kind in one batch. It returns
// how many the hall now holds. Rejected items are parked and never block
// the queue; a transient failure schedules the batch's retry with backoff.
func (c *Client) DrainOnce(ctx context.Context, kind string, bo *retry.Backoff) (int, error) {
	items, err := c.cfg.Store.PendingOutbox(ctx, kind, c.cfg.BatchCases, c.cfg.BatchBytes)
	if err != nil || len(items) == 0 {
		return 0, err
	}
	body, err := encodeBatch(kind, items)
	if err != nil {
		return 0, err
	}
	res, err := c.send(ctx, kind, items, body, bo)
	n, serr := c.settle(ctx, kind, res) // answers to settle, even if a later half failed
	return n, errors.Join(err, serr)
}

// preparedBatch is a batch read from the outbox and encoded, ready to send.
type preparedBatch struct {
	items []*store.OutboxItem
	body  json.RawMessage
	err   error
}

// drainKind drains one kind as a pipeline of three steps that overlap:
// while batch N is at the hall, batch N+1 is read from the outbox and
// encoded (a goroutine, one batch ahead), and batch N-1's answer is
// written to the outbox (settle, in its own transaction). A terminal back
// from days offline then pays, per batch, about the longest of the three
// instead of their sum.
func (c *Client) drainKind(ctx context.Context, kind string, bo *retry.Backoff) (int, error) {
	readCtx, stopReading := context.WithCancel(ctx)
	batches := make(chan preparedBatch) // unbuffered: read at most one batch ahead
	defer func() {
		// The reader touches the store: it is gone before Drain returns.
		stopReading()
		for range batches {
		}
	}()
	go func() {
		defer close(batches)
		var after int64
		for {
			b := preparedBatch{}
			b.items, b.err = c.cfg.Store.PendingOutboxAfter(readCtx, kind, after, c.cfg.BatchCases, c.cfg.BatchBytes)
			if b.err == nil && len(b.items) > 0 {
				b.body, b.err = encodeBatch(kind, b.items)
			}
			select {
			case batches <- b:
			case <-readCtx.Done():
				return
			}
			if b.err != nil || len(b.items) == 0 {
				return
			}
			after = b.items[len(b.items)-1].ID
		}
	}()

	total := 0
	var settling chan settled // the previous batch's settle, if one runs
	waitSettled := func() error {
		if settling == nil {
			return nil
		}
		s := <-settling
		settling = nil
		total += s.n
		return s.err
	}
	for b := range batches {
		if b.err != nil || len(b.items) == 0 {
			err := errors.Join(b.err, waitSettled())
			return total, err
		}
		res, err := c.send(ctx, kind, b.items, b.body, bo)
		err = errors.Join(err, waitSettled())
		if len(res) > 0 { // answers to settle, even if a later half failed
			settling = make(chan settled, 1)
			go func() {
				n, err := c.settle(ctx, kind, res)
				settling <- settled{n, err}
			}()
		}
		if err != nil {
			err = errors.Join(err, waitSettled())
			return total, err
		}
	}
	err := waitSettled()
	return total, err
}

type settled struct {
	n   int
	err error
}

// encodeBatch is the upload body of items of one kind.
func encodeBatch(kind string, items []*store.OutboxItem) (json.RawMessage, error) {
	if kind == "case" {
		ups := make([]caseUpload, len(items))
		for i, o := range items {
			ups[i] = caseUpload{ID: o.Ref, TerminalSeq: o.Case.TerminalSeq, Number: o.Case.Number, ItemCode: o.Case.ItemCode,
				CatalogVersion: o.Case.CatalogVersion, SubmittedAt: o.Case.SubmittedAt.UTC().Format(time.RFC3339Nano),
				Sealed: base64.StdEncoding.EncodeToString(o.Sealed)}
		}
		return json.Marshal(map[string]any{"cases": ups})
	}
	ups := make([]evaluationUpload, len(items))
	for i, o := range items {
		e := o.Evaluation
		ups[i] = evaluationUpload{CaseID: o.Ref, Level: e.Level, Reasons: append([]string{}, e.Reasons...), Comment: e.Comment,
			At: e.At.UTC().Format(time.RFC3339Nano)}
	}
	return json.Marshal(map[string]any{"evaluations": ups})
}

// itemOutcome is the hall's answer for one sent item.
type itemOutcome struct {
	item   *store.OutboxItem
	result itemResult
}

// send uploads one batch and returns the hall's answer per item, checked
// against what was sent. A body the hall finds too large is sent again in
// halves (a single item too large is parked). A failure records the
// attempt on every item of the batch, to be retried after backoff.
func (c *Client) send(ctx context.Context, kind string, items []*store.OutboxItem, body json.RawMessage, bo *retry.Backoff) ([]itemOutcome, error) {
	path := "/v1/cases"
	if kind != "case" {
		path = "/v1/evaluations"
	}
	var res resultsResponse
	_, err := c.do(ctx, http.MethodPost, path, body, &res, nil)
	if errors.Is(err, errTooLarge) {
		if len(items) == 1 {
			return nil, c.cfg.Store.Park(ctx, items[0].ID, "larger than the hall accepts in one upload")
		}
		var out []itemOutcome
		for _, half := range [][]*store.OutboxItem{items[:len(items)/2], items[len(items)/2:]} {
			hb, err := encodeBatch(kind, half)
			if err != nil {
				return out, err
			}
			o, err := c.send(ctx, kind, half, hb, bo)
			out = append(out, o...)
			if err != nil {
				return out, err
			}
		}
		return out, nil
	}
	if err != nil {
		ids := make([]int64, len(items))
		for i, o := range items {
			ids[i] = o.ID
		}
		next := c.cfg.Clock.Now().Add(bo.Next())
		if ferr := c.cfg.Store.Failed(ctx, ids, err.Error(), next); ferr != nil {
			return nil, errors.Join(err, ferr)
		}
		return nil, err
	}
	bo.Reset()
	if len(res.Results) != len(items) {
		return nil, fmt.Errorf("hall answered %d results for %d items", len(res.Results), len(items))
	}
	out := make([]itemOutcome, len(items))
	for i, r := range res.Results {
		if r.ID != items[i].Ref {
			return nil, fmt.Errorf("hall answered result %d for %s, sent %s", i, r.ID, items[i].Ref)
		}
		switch r.Result {
		case "applied", "duplicate", "rejected":
		default:
			return nil, fmt.Errorf("hall answered %q for %s", r.Result, items[i].Ref)
		}
		out[i] = itemOutcome{items[i], r}
	}
	return out, nil
}

// settle writes the hall's answers to the outbox: the items it holds leave
// it in one transaction, the rejected ones are parked. It returns how many
// the hall holds.
func (c *Client) settle(ctx context.Context, kind string, res []itemOutcome) (int, error) {
	var done []int64
	for _, r := range res {
		if r.result.Result == "rejected" {
			c.cfg.Log.Warn("hall rejected an upload; parked", "kind", kind, "case_id", r.item.Ref, "reason", r.result.Reason)
			if err := c.cfg.Store.Park(ctx, r.item.ID, "rejected by the hall: "+r.result.Reason); err != nil {
				return 0, err
			}
			continue
		}
		done = append(done, r.item.ID)
	}
	return len(done), c.cfg.Store.Delivered(ctx, done)
}
