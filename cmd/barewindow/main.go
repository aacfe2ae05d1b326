// Command barewindow is the baseline of the kiosk's start-up and memory
// benchmarks (cmd/kioskbench): a bare Fyne window of the kiosk's size with
// one label, on the same display, with the same toolkit build.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("cn.govkiosk.barewindow")
	w := a.NewWindow("GovKiosk bare window")
	w.SetContent(widget.NewLabel("bare window"))
	w.Resize(fyne.NewSize(1080, 1920))
	w.ShowAndRun()
}
