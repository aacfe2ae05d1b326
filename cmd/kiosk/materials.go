package main

import (
	"context"
	"log/slog"

	"govkiosk/drivers/docscan"
	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/pages"
	"govkiosk/ui"
)

// capture is the kiosk's ui.MaterialCapture: one page per call from the
// [docscan] scanner or camera, processed to the hall's page limit.
// Identity documents, photos and licences (colour) go to the camera when
// there is one — a 高拍仪 takes a card without a lid to lift — and
// everything else to the scanner.
type capture struct {
	cfg    config.DocScan
	sane   *docscan.SANE
	camera docscan.Source // nil without one
	log    *slog.Logger
}

var _ ui.MaterialCapture = (*capture)(nil)

// materialCapture returns the capture of the configured devices, or nil
// (no scanning offered) when [docscan] names none.
func materialCapture(cfg config.DocScan, log *slog.Logger) (ui.MaterialCapture, error) {
	if cfg.Scanner == "" && cfg.Camera == "" {
		return nil, nil
	}
	c := &capture{cfg: cfg, sane: &docscan.SANE{Timeout: cfg.Timeout.Duration}, log: log}
	if cfg.SANEConfigDir != "" {
		c.sane.Env = []string{"SANE_CONFIG_DIR=" + cfg.SANEConfigDir}
	}
	if cfg.Camera != "" {
		var err error
		c.camera, err = docscan.Open(cfg.Camera, docscan.OpenOptions{
			CameraWidth: cfg.CameraWidth, CameraHeight: cfg.CameraHeight, CameraTimeout: cfg.Timeout.Duration})
		if err != nil {
			return nil, err
		}
	}
	log.Info("document capture", "scanner", cfg.Scanner, "camera", cfg.Camera)
	return c, nil
}

// Capture scans one page of m. Errors are docscan's or pages' typed
// errors, whose Message the screen shows; the log gets the technician's
// detail, never the page.
func (c *capture) Capture(ctx context.Context, m kiosk.Material) ([][]byte, error) {
	o := pages.DefaultOptions()
	o.Colour, o.MaxBytes = pages.ColourFor(m.Kind), c.cfg.MaxPageKB*1024
	src := c.camera
	if c.cfg.Scanner != "" && (src == nil || !o.Colour) {
		src = &docscan.Scanner{SANE: c.sane, Device: c.cfg.Scanner, Opts: docscan.ScanOptions{
			Resolution: c.cfg.Resolution, Colour: o.Colour, WidthMM: c.cfg.WidthMM, HeightMM: c.cfg.HeightMM}}
	}
	p, err := docscan.CapturePage(ctx, src, o)
	if err != nil {
		c.log.Warn("material page not captured", "material", m.ID, "device", src.String(), "err", err)
		return nil, err
	}
	c.log.Info("material page captured", "material", m.ID, "device", src.String(),
		"bytes", len(p.JPEG), "quality", p.Quality, "dpi", p.DPI, "cropped", p.Cropped)
	return [][]byte{p.JPEG}, nil
}
