package ui

import (
	"image"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
)

// newFirstFrameProbe is a transparent 1×1 raster. The painter asks a raster
// for its pixels only while it paints it, so the first call means the
// first frame, the home screen with it, is being drawn: the moment the
// kiosk is ready for a citizen (Options.OnFirstFrame). cmd/barewindow
// uses the same probe, so the start-up benchmark compares like with like.
func newFirstFrameProbe(f func()) fyne.CanvasObject {
	var once sync.Once
	r := canvas.NewRaster(func(w, h int) image.Image {
		once.Do(f)
		return image.NewNRGBA(image.Rect(0, 0, w, h))
	})
	r.Resize(fyne.NewSize(1, 1))
	return r
}
