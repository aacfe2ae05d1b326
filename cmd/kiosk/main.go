// Command kiosk is the GovKiosk self-service terminal: a full-screen Fyne
// app over the local store. main only wires the parts together.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"govkiosk/assets"
	"govkiosk/kiosk/search"
	"govkiosk/kiosk/store"
	"govkiosk/ui"
)

func main() {
	dataDir := flag.String("data-dir", "/var/lib/govkiosk", "where the terminal keeps its store")
	demo := flag.Bool("demo", false, "demo mode: install the bundled sample catalogue if none is installed")
	windowed := flag.Bool("windowed", false, "run in a window instead of full screen (development)")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	if err := run(log, *dataDir, *demo, *windowed); err != nil {
		log.Error("kiosk stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger, dataDir string, demo, windowed bool) error {
	ctx := context.Background()
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	st, err := store.Open(filepath.Join(dataDir, "kiosk.db"), store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	cat, err := st.ActiveCatalog(ctx)
	if errors.Is(err, store.ErrNotFound) && demo {
		log.Info("installing the bundled sample catalogue")
		cat, err = st.InstallCatalog(ctx, assets.SampleCatalog)
	}
	if err != nil {
		return fmt.Errorf("catalogue: %w", err)
	}
	log.Info("catalogue loaded", "version", cat.Version, "items", len(cat.Items))

	a := app.NewWithID("cn.govkiosk.terminal")
	w := a.NewWindow("GovKiosk 政务服务自助终端")
	browser := ui.NewCatalogBrowser(cat, search.New(cat))
	w.SetContent(browser.Content())
	if windowed {
		w.Resize(fyne.NewSize(1080, 1920))
	} else {
		w.SetFullScreen(true)
	}
	w.ShowAndRun()
	return nil
}
