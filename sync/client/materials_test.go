package client_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"govkiosk/kiosk"
	"govkiosk/kiosk/pages"
	"govkiosk/kiosk/pages/pagetest"
	"govkiosk/kiosk/retry"
)

// Cases carrying scanned pages go up in batches sized by bytes, each under
// the hall's 4 MiB body limit; a case too big for any one upload is parked
// with its reason and does not hold up the queue. Real hall on loopback.
func TestScannedCasesAreBatchedUnderTheBodyLimit(t *testing.T) {
	o := pages.DefaultOptions()
	o.SourceDPI = 150
	page, err := pages.Process(pagetest.Page(150), o)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var bodies []int64
	tooLarge := 0
	e := newEnv(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w, status: 200}
			h.ServeHTTP(rec, r)
			if r.URL.Path == "/v1/cases" {
				mu.Lock()
				if rec.status == http.StatusRequestEntityTooLarge {
					tooLarge++
				} else {
					bodies = append(bodies, r.ContentLength)
				}
				mu.Unlock()
			}
		})
	})
	ctx := context.Background()
	withPages := func(n int) []kiosk.MaterialRecord {
		var ps [][]byte
		for range n {
			ps = append(ps, bytes.Clone(page.JPEG))
		}
		return []kiosk.MaterialRecord{
			{ID: "m2", Name: "本人近期免冠彩色证件照", Choice: kiosk.MaterialScanned, Pages: ps[:n/2]},
			{ID: "m4", Name: "居住证申领登记表", Choice: kiosk.MaterialScanned, Pages: ps[n/2:]},
		}
	}
	var cases []*kiosk.Case
	for i := range 24 {
		c := e.submitWith(t, withPages(4))
		cases = append(cases, c)
		if i == 3 {
			e.submitWith(t, withPages(64)) // about 6 MB of pages
		}
	}
	n, err := e.cl.Drain(ctx, &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond})
	if err != nil || n != len(cases) {
		t.Fatalf("drain = %d, %v; want %d delivered", n, err, len(cases))
	}
	st, _ := e.store.OutboxStats(ctx)
	if st.Pending != 0 || st.Parked != 1 {
		t.Errorf("outbox = %+v, want the oversized case parked, nothing pending", st)
	}
	list, _ := e.store.Outbox(ctx)
	if len(list) != 1 || !strings.Contains(list[0].LastError, "larger than the hall accepts") {
		t.Errorf("parked = %+v", list)
	}
	if tooLarge != 1 || len(bodies) < 3 {
		t.Errorf("%d uploads refused as too large, %d accepted; want only the oversized case refused, the rest in several batches", tooLarge, len(bodies))
	}
	for _, b := range bodies {
		if b <= 0 || b > 4<<20 {
			t.Errorf("an accepted upload was %d bytes, want a known length under 4 MiB", b)
		}
	}
	// The hall opens the pages as scanned.
	hc, err := e.hall.Case(ctx, cases[0].Number)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := e.hall.OpenCase(hc)
	if err != nil {
		t.Fatal(err)
	}
	var p struct {
		Materials []kiosk.MaterialRecord `json:"materials"`
	}
	if err := json.Unmarshal(plain, &p); err != nil {
		t.Fatal(err)
	}
	if len(p.Materials) != 2 || len(p.Materials[1].Pages) != 2 || !bytes.Equal(p.Materials[1].Pages[0], page.JPEG) {
		t.Errorf("the hall holds %d materials, want both with their pages intact", len(p.Materials))
	}
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (e *env) submitWith(t *testing.T, ms []kiosk.MaterialRecord) *kiosk.Case {
	t.Helper()
	now := time.Now()
	c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: "339900-GA-GG-0001", ItemName: "居住证申领", CatalogVersion: 1, SubmittedAt: now,
		MaskedName: "测*甲", Applicant: &kiosk.Identity{Name: "测试甲", IDNumber: "11010519491231002X"},
		Form: map[string]string{"phone": "13812345678"}, Materials: ms, Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}}}
	if err := e.store.SubmitCase(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	return c
}
