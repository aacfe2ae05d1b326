package hall

import (
	"net/http"
	"strings"
	"testing"
)

func TestMetricsCountRequestsCasesAndOnlineTerminals(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	h.enroll("U") // never sends a heartbeat: offline
	good, bad := tm.newCase(100), tm.newCase(100)
	bad.ItemCode = "NO-SUCH-ITEM"
	tm.upload(good, bad)
	tm.upload(good)
	tm.heartbeat(heartbeatRequest{})
	tm.get("/v1/cases/"+good.Number, nil)
	tm.get("/v1/cases/NO-SUCH-CASE", nil)
	status, body := do(t, h.http.Client(), http.MethodGet, h.http.URL+"/metrics", "", nil, nil)
	if status != http.StatusOK {
		t.Fatalf("/metrics: %d", status)
	}
	text := string(body)
	for _, want := range []string{
		`govkiosk_hall_cases_total{result="applied"} 1`,
		`govkiosk_hall_cases_total{result="duplicate"} 1`,
		`govkiosk_hall_cases_total{result="rejected"} 1`,
		`govkiosk_hall_requests_total{code="200",route="POST /v1/cases"} 2`,
		`govkiosk_hall_requests_total{code="201",route="POST /v1/enroll"} 2`,
		`govkiosk_hall_requests_total{code="200",route="GET /v1/cases/{number}"} 1`,
		`govkiosk_hall_requests_total{code="404",route="GET /v1/cases/{number}"} 1`,
		`govkiosk_hall_case_batch_seconds_count 2`,
		`govkiosk_hall_terminals_online 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want+"\n") && !strings.Contains(text, want+" ") {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if status, body := do(t, h.http.Client(), http.MethodGet, h.http.URL+"/healthz", "", nil, nil); status != http.StatusOK || !strings.Contains(string(body), `"ok"`) {
		t.Errorf("/healthz: %d %s", status, body)
	}
}
