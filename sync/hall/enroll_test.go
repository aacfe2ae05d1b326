package hall

import (
	"bytes"
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestEnrollGivesIDTokenAndKeys(t *testing.T) {
	h := newTestHall(t)
	a := h.enroll("清河市民中心 1F 东")
	b := h.enroll("清河市民中心 1F 西")
	if a.id != "K0001" || b.id != "K0002" {
		t.Errorf("terminal ids %s, %s: want K0001, K0002", a.id, b.id)
	}
	if !regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`).MatchString(a.token) || a.token == b.token {
		t.Errorf("tokens %q, %q: want distinct base64url of 32 bytes", a.token, b.token)
	}
	id := h.Identity()
	if !bytes.Equal(a.catalogKey, id.CatalogKey) || !bytes.Equal(a.sealKey[:], id.SealKey) {
		t.Error("enrolment keys are not the hall's keys")
	}
	ts, err := h.Terminals(context.Background())
	if err != nil || len(ts) != 2 || ts[0].Name != "清河市民中心 1F 东" || !ts[0].EnrolledAt.Equal(testEpoch) {
		t.Fatalf("terminals %+v, %v", ts, err)
	}
}

func TestEnrollAcceptsCodeAsTyped(t *testing.T) {
	h := newTestHall(t)
	for _, typed := range []func(string) string{
		func(c string) string { return c },
		strings.ToLower,
		func(c string) string { return strings.ReplaceAll(c, "-", "") },
		func(c string) string { return " " + strings.ToLower(strings.ReplaceAll(c, "-", " ")) + " " },
	} {
		code := typed(h.code())
		status, body := h.postJSON("/v1/enroll", "", `{"code":"`+code+`","name":"T"}`)
		if status != http.StatusCreated {
			t.Errorf("code %q: %d %s", code, status, body)
		}
	}
}

func TestEnrollRefusesBadCodes(t *testing.T) {
	h := newTestHall(t)
	used := h.code()
	if status, body := h.postJSON("/v1/enroll", "", `{"code":"`+used+`","name":"first"}`); status != http.StatusCreated {
		t.Fatalf("first use: %d %s", status, body)
	}
	expired := h.code()
	h.clock.Advance(DefaultConfig().CodeTTL + time.Second)
	tests := []struct {
		name, body string
		want       int
	}{
		{"unknown code", `{"code":"ABCD-EFGH","name":"x"}`, http.StatusForbidden},
		{"not a code", `{"code":"0000-1111","name":"x"}`, http.StatusForbidden},
		{"used code", `{"code":"` + used + `","name":"again"}`, http.StatusForbidden},
		{"expired code", `{"code":"` + expired + `","name":"late"}`, http.StatusForbidden},
		{"no name", `{"code":"` + h.code() + `","name":" "}`, http.StatusBadRequest},
		{"unknown field", `{"code":"ABCD-EFGH","name":"x","pin":"1234"}`, http.StatusBadRequest},
		{"malformed", `{"code":`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := h.postJSON("/v1/enroll", "", tt.body)
			if status != tt.want {
				t.Fatalf("status %d, want %d: %s", status, tt.want, body)
			}
			errorOf(t, body)
		})
	}
	if ts, _ := h.Terminals(context.Background()); len(ts) != 1 {
		t.Errorf("%d terminals after refused enrolments, want 1", len(ts))
	}
}

func TestEnrollRaceOnOneCodeEnrolsOnce(t *testing.T) {
	h := newTestHall(t)
	code := h.code()
	statuses := make(chan int, 8)
	for range 8 {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, h.http.URL+"/v1/enroll", strings.NewReader(`{"code":"`+code+`","name":"x"}`))
			resp, err := h.http.Client().Do(req)
			if err != nil {
				statuses <- 0
				return
			}
			resp.Body.Close()
			statuses <- resp.StatusCode
		}()
	}
	created := 0
	for range 8 {
		if <-statuses == http.StatusCreated {
			created++
		}
	}
	if created != 1 {
		t.Errorf("%d enrolments with one code, want 1", created)
	}
}

func TestCallsWithoutValidTokenAre401(t *testing.T) {
	h := newTestHall(t)
	h.enroll("T")
	routes := []struct{ method, path string }{
		{http.MethodPost, "/v1/cases"},
		{http.MethodGet, "/v1/cases/K0001-20261125-000001-X"},
		{http.MethodPost, "/v1/evaluations"},
		{http.MethodGet, "/v1/catalog/manifest"},
		{http.MethodGet, "/v1/catalog/1"},
		{http.MethodPost, "/v1/heartbeat"},
	}
	for _, r := range routes {
		for _, auth := range []string{"", "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz"} {
			req, err := http.NewRequest(r.method, h.http.URL+r.path, strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			if auth != "" {
				req.Header.Set("Authorization", auth)
			}
			resp, err := h.http.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body := readAll(t, resp)
			if resp.StatusCode != http.StatusUnauthorized || resp.Header.Get("WWW-Authenticate") == "" {
				t.Errorf("%s %s with %q: %d, want 401 with WWW-Authenticate", r.method, r.path, auth, resp.StatusCode)
			}
			errorOf(t, body)
		}
	}
	for _, path := range []string{"/metrics", "/healthz"} {
		if status, body := do(t, h.http.Client(), http.MethodGet, h.http.URL+path, "", nil, nil); status != http.StatusOK {
			t.Errorf("GET %s without a token: %d, want 200: %s", path, status, body)
		}
	}
}
