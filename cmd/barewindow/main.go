// Command barewindow is the baseline of the kiosk's start-up and memory
// benchmarks (cmd/kioskbench): a bare Fyne window of the kiosk's size with
// one label, on the same display, with the same toolkit build. Like the
// kiosk it says when its first frame is drawn, with the same probe as
// ui.Options.OnFirstFrame (a 1×1 raster the painter asks for its pixels).
package main

import (
	"fmt"
	"image"
	"os"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

var started = time.Now()

func main() {
	a := app.NewWithID("cn.govkiosk.barewindow")
	w := a.NewWindow("GovKiosk bare window")
	var once sync.Once
	probe := canvas.NewRaster(func(w, h int) image.Image {
		once.Do(func() { fmt.Fprintf(os.Stderr, "first frame since_start_ms=%d\n", time.Since(started).Milliseconds()) })
		return image.NewNRGBA(image.Rect(0, 0, w, h))
	})
	probe.Resize(fyne.NewSize(1, 1))
	w.SetContent(container.NewStack(widget.NewLabel("bare window"), container.NewWithoutLayout(probe)))
	w.Resize(fyne.NewSize(1080, 1920))
	w.ShowAndRun()
}
