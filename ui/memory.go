package ui

import (
	"runtime/debug"
	"time"

	"govkiosk/kiosk/ime"
)

// Go keeps the heap a stretch of work has freed for reuse, up to about
// twice the live heap, and gives it back to the system only slowly. The
// idle kiosk's live heap is ~30 MB, and both start-up (font tables copied
// while parsing, the catalogue's and the dictionary's decoding) and a
// citizen's session leave as much garbage again: the attract screen would
// hold tens of MB it never uses. So the kiosk hands it back at the two
// moments it has nothing else to do, off the UI goroutine (a full
// collection takes ~20 ms).

// warmUp loads the pinyin dictionary and builds the catalogue's search
// index once the first frame is painted, so that their ~30 ms and ~50 ms do
// not compete with the first frame for the kiosk's two cores, and the
// first key a citizen presses rarely waits for them (a key pressed sooner
// waits in ime.Default or Index.Search until the work is whole: no tap
// sees half of it). Then it releases start-up's garbage.
func warmUp(painted <-chan struct{}, svc Services) {
	go func() {
		<-painted
		ime.Default()
		_, ix := svc.Catalog()
		ix.Prepare()
		debug.FreeOSMemory()
	}()
}

// releaseMemory gives back what a citizen's session freed, once the
// attract screen is up again: a second after the session ends, so that the
// garbage of painting it goes too, and again once Fyne has let go of the
// screens left behind (it keeps their renderers and textures for a minute
// after their last paint, cleaning every ten seconds or so). An idle heap
// is not collected again on its own, so without the second release the
// attract screen would hold them for good.
func releaseMemory() {
	time.AfterFunc(time.Second, debug.FreeOSMemory)
	time.AfterFunc(75*time.Second, debug.FreeOSMemory)
}
