package faultproxy_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"govkiosk/sync/faultproxy"
)

// hall is a stand-in for the hall that counts the uploads it received whole.
func start(t *testing.T) (*faultproxy.Proxy, string, *atomic.Int64) {
	var whole atomic.Int64
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil || len(b) != int(r.ContentLength) {
			return
		}
		whole.Add(1)
		io.WriteString(w, `{"results":[{"id":"a","result":"applied"}]}`)
	}))
	t.Cleanup(backend.Close)
	p := faultproxy.New(strings.TrimPrefix(backend.URL, "http://"))
	p.MaxDelay = 50 * time.Millisecond
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go p.Serve(ln)
	return p, "http://" + ln.Addr().String(), &whole
}

func upload(url string) (int, error) {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 5 * time.Second}
	resp, err := c.Post(url+"/v1/cases", "application/json", strings.NewReader(`{"cases":[{"id":"a"}]}`))
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if _, err := io.ReadAll(resp.Body); err != nil {
		return resp.StatusCode, err
	}
	return resp.StatusCode, nil
}

func TestEachFaultDoesWhatItSays(t *testing.T) {
	tests := []struct {
		kind      faultproxy.Kind
		wantErr   bool
		wantCode  int
		hallWhole int64 // uploads the hall received whole
	}{
		{faultproxy.Drop, true, 0, 0},
		{faultproxy.Delay, false, 200, 1},
		{faultproxy.ResetRequest, true, 0, 0},
		{faultproxy.ResetResponse, true, 200, 1},
		{faultproxy.Status502, false, 502, 1},
		{faultproxy.Status503, false, 503, 0},
	}
	for _, tt := range tests {
		t.Run(string(tt.kind), func(t *testing.T) {
			p, url, whole := start(t)
			p.Arm(tt.kind)
			code, err := upload(url)
			if (err != nil) != tt.wantErr {
				t.Errorf("error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && code != tt.wantCode {
				t.Errorf("status %d, want %d", code, tt.wantCode)
			}
			time.Sleep(20 * time.Millisecond)
			if got := whole.Load(); got != tt.hallWhole {
				t.Errorf("hall received %d whole uploads, want %d", got, tt.hallWhole)
			}
			if got := p.Counts()[tt.kind]; got != 1 {
				t.Errorf("counted %d, want 1", got)
			}
			if code, err := upload(url); err != nil || code != 200 {
				t.Errorf("next upload: %d %v; a fault applies once", code, err)
			}
		})
	}
}

func TestCutRefusesUntilItEnds(t *testing.T) {
	p, url, _ := start(t)
	p.CutFor(200 * time.Millisecond)
	if _, err := upload(url); err == nil {
		t.Error("upload went through a cut")
	}
	time.Sleep(250 * time.Millisecond)
	if code, err := upload(url); err != nil || code != 200 {
		t.Errorf("after the cut: %d %v", code, err)
	}
}

func TestUploadFaultsWaitForAnUpload(t *testing.T) {
	p, url, _ := start(t)
	p.Arm(faultproxy.ResetResponse)
	resp, err := http.Get(url + "/v1/catalog/manifest")
	if err != nil {
		t.Fatalf("a GET took an upload fault: %v", err)
	}
	resp.Body.Close()
	if p.Armed() != 1 {
		t.Errorf("armed %d, want the fault still waiting", p.Armed())
	}
}
