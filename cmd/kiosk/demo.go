package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"

	"govkiosk/drivers/docscan"
	"govkiosk/drivers/sim"
	"govkiosk/kiosk/config"
	"govkiosk/sync/client"
	"govkiosk/sync/hall"
)

// demoRig is demo mode's world: simulated devices on pseudo-terminals and
// an embedded hall on loopback, with this terminal enrolled at it.
type demoRig struct {
	rig     *sim.Rig
	hall    *hall.Server
	srv     *http.Server
	hallURL string
	log     *slog.Logger
}

// startDemo starts the simulators and the hall and points cfg at them.
func startDemo(ctx context.Context, log *slog.Logger, cfg *config.Config) (*demoRig, error) {
	d := &demoRig{log: log}
	devDir := filepath.Join(cfg.DataDir, "dev")
	if err := os.MkdirAll(devDir, 0o700); err != nil {
		return nil, err
	}
	var err error
	if d.rig, err = sim.NewRig(devDir, sim.RigOptions{}); err != nil {
		return nil, err
	}
	hallDir := filepath.Join(cfg.DataDir, "hall")
	if err := os.MkdirAll(hallDir, 0o700); err != nil {
		d.Close()
		return nil, err
	}
	if d.hall, err = hall.Open(ctx, hall.Config{DB: filepath.Join(hallDir, "hall.db"), Logger: log.With("part", "hall")}); err != nil {
		d.Close()
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		d.Close()
		return nil, err
	}
	d.hallURL = "http://" + ln.Addr().String()
	d.srv = &http.Server{Handler: d.hall.Handler()}
	go d.srv.Serve(ln)

	creds, err := client.LoadCredentials(cfg.DataDir)
	if errors.Is(err, client.ErrNotEnrolled) {
		code, err := d.hall.NewEnrolmentCode(ctx)
		if err != nil {
			d.Close()
			return nil, err
		}
		if creds, err = client.Enroll(ctx, nil, d.hallURL, code.Code, "演示终端"); err != nil {
			d.Close()
			return nil, fmt.Errorf("enrol at the embedded hall: %w", err)
		}
		if err := creds.Save(cfg.DataDir); err != nil {
			d.Close()
			return nil, err
		}
		log.Info("demo terminal enrolled", "terminal", creds.TerminalID)
	} else if err != nil {
		d.Close()
		return nil, err
	}
	cfg.TerminalID, cfg.HallURL = creds.TerminalID, d.hallURL
	cfg.HallName, cfg.HallPhone = "清河市政务服务中心", "0999-86012345"
	cfg.IDCard = config.Device{Transport: "serial", Port: d.rig.Path("idcard"), Baud: 115200}
	cfg.Printer = config.Printer{Device: config.Device{Transport: "serial", Port: d.rig.Path("printer"), Baud: 115200}, Width: 80}
	cfg.Scanner = config.Scanner{Device: config.Device{Transport: "serial", Port: d.rig.Path("scanner"), Baud: 9600}, Mode: "serial"}
	// Paper materials: SANE's own test backend as the document scanner
	// (the real scanimage path, no hardware) and the camera simulator.
	saneDir := filepath.Join(cfg.DataDir, "sane.d")
	if _, err := docscan.TestBackendConfig(saneDir); err != nil {
		d.Close()
		return nil, err
	}
	cfg.DocScan.Scanner, cfg.DocScan.SANEConfigDir, cfg.DocScan.Resolution = "test:0", saneDir, 200
	cfg.DocScan.Camera = docscan.SimulatorName
	log.Info("demo ready", "hall", d.hallURL, "idcard", d.rig.Path("idcard"), "printer", d.rig.Path("printer"),
		"scanner", d.rig.Path("scanner"), "prints", filepath.Join(devDir, "prints"))
	return d, nil
}

// Close stops the hall and the simulators.
func (d *demoRig) Close() {
	if d.srv != nil {
		d.srv.Close()
	}
	if d.hall != nil {
		d.hall.Close()
	}
	if d.rig != nil {
		d.rig.Close()
	}
}
