package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"image/jpeg"
	"log/slog"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"govkiosk/assets"
	"govkiosk/drivers/docscan"
	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/retry"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// Demo mode's document capture end to end: 居住证申领's two required paper
// materials — the photo from the camera simulator, the form from SANE's
// test backend through the real scanimage — sealed into a case, uploaded
// to a real hall on loopback, and opened there page for page.
func TestDemoCaptureOfTwoMaterialsReachesTheHall(t *testing.T) {
	if _, err := exec.LookPath("scanimage"); err != nil {
		t.Skip("scanimage is not installed (scripts/deps.sh installs sane-utils)")
	}
	ctx := context.Background()
	dir := t.TempDir()
	cfg := config.DefaultConfig().DocScan
	var err error
	saneDir := filepath.Join(dir, "sane.d")
	if _, err = docscan.TestBackendConfig(saneDir); err != nil {
		t.Fatal(err)
	}
	cfg.Scanner, cfg.SANEConfigDir, cfg.Resolution, cfg.Camera = "test:0", saneDir, 200, docscan.SimulatorName
	capture, err := materialCapture(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}

	cat, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	item := cat.Item("339900-GA-GG-0001")
	if item == nil {
		t.Fatal("the sample catalogue lacks 居住证申领")
	}
	var records []kiosk.MaterialRecord
	for _, m := range item.Materials {
		if !m.Required || m.ELicence {
			continue
		}
		pages, err := capture.Capture(ctx, m)
		if err != nil {
			t.Fatalf("%s (%s): %v", m.Name, m.Kind, err)
		}
		for _, p := range pages {
			if _, err := jpeg.Decode(bytes.NewReader(p)); err != nil || len(p) > 90*1024 {
				t.Fatalf("%s: a %d-byte page (decode: %v), want a JPEG ≤ 90 KB", m.Name, len(p), err)
			}
		}
		records = append(records, kiosk.MaterialRecord{ID: m.ID, Name: m.Name, Choice: kiosk.MaterialScanned, Pages: pages})
	}
	if len(records) != 2 {
		t.Fatalf("captured %d materials, want 居住证申领's two paper ones", len(records))
	}

	// A device fault reaches the citizen as a sentence, not a Go error.
	bad := cfg
	bad.Scanner, bad.Camera = "nosuch:0", ""
	c2, _ := materialCapture(bad, slog.New(slog.DiscardHandler))
	if _, err := c2.Capture(ctx, item.Materials[len(item.Materials)-1]); !errors.Is(err, docscan.ErrNoDevice) {
		t.Errorf("unknown scanner: %v, want NoDevice", err)
	}

	h, err := hall.Open(ctx, hall.Config{DB: filepath.Join(dir, "hall.db"), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	srv := httptest.NewServer(h.Handler())
	defer srv.Close()
	code, err := h.NewEnrolmentCode(ctx)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := client.Enroll(ctx, nil, srv.URL, code.Code, "demo")
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := creds.NewSealer()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(dir, "kiosk.db"), store.Options{TerminalPrefix: creds.TerminalID, Sealer: sealer})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	c := &kiosk.Case{ID: kiosk.NewCaseIDNow(now), ItemCode: item.Code, ItemName: "居住证申领", CatalogVersion: cat.Version, SubmittedAt: now,
		MaskedName: "测*甲", Applicant: &kiosk.Identity{Name: "测试甲", IDNumber: "11010519491231002X"},
		Materials: records, Timeline: []kiosk.StatusEvent{{Status: kiosk.StatusSubmitted, At: now}}}
	if err := st.SubmitCase(ctx, c); err != nil {
		t.Fatal(err)
	}
	cl, err := client.New(client.Config{Credentials: creds, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := cl.Drain(ctx, &retry.Backoff{Min: time.Millisecond, Max: time.Millisecond}); err != nil || n != 1 {
		t.Fatalf("drain = %d, %v", n, err)
	}
	hc, err := h.Case(ctx, c.Number)
	if err != nil {
		t.Fatal(err)
	}
	plain, err := h.OpenCase(hc)
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Materials []kiosk.MaterialRecord `json:"materials"`
	}
	if err := json.Unmarshal(plain, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Materials) != 2 {
		t.Fatalf("the hall holds %d materials, want 2", len(got.Materials))
	}
	for i, m := range got.Materials {
		if len(m.Pages) != 1 || !bytes.Equal(m.Pages[0], records[i].Pages[0]) {
			t.Errorf("%s: the hall's pages differ from the scanned ones", m.Name)
		}
	}
}
