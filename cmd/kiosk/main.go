// Command kiosk is the GovKiosk self-service terminal: a full-screen Fyne
// app over the local store, the device manager and the sync client. main
// only wires the parts together (see app.go, devices.go, demo.go).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"govkiosk/assets"
	"govkiosk/drivers/manager"
	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/logging"
	"govkiosk/kiosk/store"
	"govkiosk/sync/client"
	"govkiosk/ui"
)

// version is set at build time (-ldflags -X main.version=…).
var version = "dev"

func main() {
	configPath := flag.String("config", config.DefaultPath, "configuration file")
	demo := flag.Bool("demo", false, "demo mode: an embedded hall on loopback, simulated devices and a simulator panel")
	dataDir := flag.String("data-dir", "", "override data_dir (demo default: .run/demo)")
	windowed := flag.Bool("windowed", false, "a window of the kiosk's size instead of full screen (development, demo)")
	flag.Parse()

	var cfg config.Config
	var err error
	if *demo {
		cfg = config.DefaultConfig()
		cfg.DataDir = ".run/demo"
	} else if cfg, err = config.Load(*configPath); err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: %v\n", err)
		os.Exit(2)
	}
	if *dataDir != "" {
		cfg.DataDir = *dataDir
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: data dir: %v\n", err)
		os.Exit(1)
	}
	log, closer, err := logging.New(cfg.DataDir, "kiosk", os.Stderr)
	if err != nil {
		fmt.Fprintf(os.Stderr, "kiosk: logs: %v\n", err)
		os.Exit(1)
	}
	if *demo {
		*configPath = "" // demo mode has no configuration file to change
	}
	code, err := run(log, cfg, *configPath, *demo, *windowed)
	if err != nil {
		log.Error("kiosk stopped", "err", err)
		code = 1
	}
	closer.Close()
	os.Exit(code)
}

// run runs the kiosk until its window closes and returns the exit status:
// 0, or exitRestart when it stops to be started again.
func run(log *slog.Logger, cfg config.Config, configPath string, demo, windowed bool) (int, error) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("kiosk starting", "version", version, "demo", demo, "data_dir", cfg.DataDir)
	// The fonts load while the store, catalogue and devices open.
	fa := fyneapp.NewWithID("cn.govkiosk.terminal")
	ui.Prewarm(fa, ui.Options{Elderly: cfg.ElderlyMode})

	var d *demoRig
	if demo {
		var err error
		if d, err = startDemo(ctx, log, &cfg); err != nil {
			return 1, fmt.Errorf("demo: %w", err)
		}
		defer d.Close()
	}
	creds, err := client.LoadCredentials(cfg.DataDir)
	switch {
	case errors.Is(err, client.ErrNotEnrolled):
		log.Warn("terminal not enrolled: cases cannot be accepted until it is", "data_dir", cfg.DataDir)
	case err != nil:
		return 1, err
	}
	if creds != nil && d != nil {
		creds.HallURL = d.hallURL // the embedded hall's port changes between runs
	}

	a := &app{cfg: cfg, log: log, clock: kiosk.SystemClock{}, events: make(chan ui.Event, 64), quit: stop}
	a.tech = newTechnician(a, configPath)
	opts := store.Options{Clock: a.clock, TerminalPrefix: cfg.TerminalID}
	if creds != nil {
		opts.TerminalPrefix = creds.TerminalID
		if opts.Sealer, err = creds.NewSealer(); err != nil {
			return 1, err
		}
	}
	if opts.TerminalPrefix == "" {
		opts.TerminalPrefix = "K0000"
	}
	if a.store, err = store.Open(a.dataPath("kiosk.db"), opts); err != nil {
		return 1, err
	}
	defer a.store.Close()
	cat, err := a.store.ActiveCatalog(ctx)
	if errors.Is(err, store.ErrNotFound) {
		// Before its first sync a terminal shows the bundled catalogue,
		// which is what a new hall publishes as version 1.
		log.Info("no catalogue installed yet: installing the bundled one")
		cat, err = a.store.InstallCatalog(ctx, assets.SampleCatalog)
	}
	if err != nil {
		return 1, fmt.Errorf("catalogue: %w", err)
	}
	a.setCatalog(cat)
	log.Info("catalogue loaded", "version", cat.Version, "items", len(cat.Items))
	a.hall = hallInfo(cfg)

	a.mgr = manager.New(manager.Options{Clock: a.clock, Log: log})
	a.addDevices(ctx)
	go a.mgr.Run(ctx)
	go a.watchDevices(ctx)

	if creds != nil {
		if a.client, err = client.New(client.Config{
			Credentials: creds, Store: a.store, Clock: a.clock, Log: log, AppVersion: version,
			Devices:   a.deviceHealth,
			OnCatalog: a.setCatalog,
			OnCommand: a.onCommand,
		}); err != nil {
			return 1, err
		}
		go a.client.Run(ctx)
	}
	go a.housekeeping(ctx)

	capture, err := materialCapture(cfg.DocScan, log.With("part", "docscan"))
	if err != nil {
		return 1, err
	}

	var k *ui.Kiosk
	k = ui.New(fa, a, ui.Options{
		Orientation: orientation(cfg), Fullscreen: !windowed, HideCursor: cfg.HideCursor,
		Language: cfg.Language, Elderly: cfg.ElderlyMode, OnTechnicianGesture: func() { a.tech.enter(k) },
		OnFirstFrame: func() { log.Info("kiosk ready", "since_start_ms", time.Since(started).Milliseconds()) },
		Capture:      capture,
	})
	k.SetServiceMessage(a.serviceMessage())
	a.kiosk.Store(k)
	if d != nil {
		a.lastPrint = d.rig.Printer.LastPNG
		d.showPanel(fa, a)
	}
	go func() { <-ctx.Done(); fyne.Do(fa.Quit) }() // Quit touches the window: UI goroutine only
	k.Window().ShowAndRun()
	return int(a.exitCode.Load()), nil
}

var started = time.Now()

func orientation(cfg config.Config) ui.Orientation {
	if cfg.Orientation == "landscape" {
		return ui.Landscape
	}
	return ui.Portrait
}

// housekeeping purges delivered cases past the retention, hourly.
func (a *app) housekeeping(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := a.store.Purge(ctx, a.cfg.Retention.Duration); err != nil {
			a.log.Warn("purge failed", "err", err)
		} else if n > 0 {
			a.log.Info("purged delivered cases past retention", "cases", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
