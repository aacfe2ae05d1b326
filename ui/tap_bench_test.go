package ui_test

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"govkiosk/ui"
	"govkiosk/ui/uitest"
)

// BenchmarkTapToScreen times a tap to the next screen built and laid out
// (every visible widget with its renderer, as the next frame needs), on
// Fyne's test driver with the real theme and font: home → 指南 (the
// catalogue) and catalogue → an item (its guide). The baseline, timed in
// the same loop, is a switch to a screen of one line through the same
// open/render path, so the figures read as "so much more than a trivial
// switch". Target (issue 5): ≤ 50 ms each.
func BenchmarkTapToScreen(b *testing.B) {
	for _, mode := range []struct {
		name string
		opts ui.Options
	}{{"normal", ui.Options{}}, {"elderly", ui.Options{Elderly: true}}} {
		b.Run(mode.name, func(b *testing.B) {
			app := test.NewTempApp(b)
			k := ui.NewForTest(app, uitest.New(), mode.opts)
			b.Cleanup(k.Close)
			k.Window().Resize(mode.opts.Orientation.Size())
			tapTo := func(t fyne.Tappable) time.Duration {
				t0 := time.Now()
				test.Tap(t)
				k.Settle()
				k.Realize()
				return time.Since(t0)
			}
			only := func(ts []fyne.Tappable, what string) fyne.Tappable {
				if len(ts) == 0 {
					b.Fatalf("nothing to tap for %s; texts: %q", what, k.Texts())
				}
				return ts[0]
			}
			var plain, catalogue, guide []time.Duration
			for b.Loop() {
				t0 := time.Now()
				k.OpenPlain("baseline")
				k.Realize()
				plain = append(plain, time.Since(t0))
				test.Tap(only(k.Tappables("首页"), "首页"))

				catalogue = append(catalogue, tapTo(only(k.Tappables("指南"), "指南")))
				guide = append(guide, tapTo(only(k.ItemTiles(), "an item")))
				test.Tap(only(k.Tappables("首页"), "首页"))
				k.Settle()
			}
			p50 := func(d []time.Duration) float64 {
				slices.Sort(d)
				return float64(d[len(d)/2].Microseconds()) / 1000
			}
			base := p50(plain)
			b.ReportMetric(base, "baseline-p50-ms")
			b.ReportMetric(p50(catalogue), "catalogue-p50-ms")
			b.ReportMetric(p50(guide), "guide-p50-ms")
			b.ReportMetric(p50(catalogue)/base, "catalogue-x")
			b.ReportMetric(p50(guide)/base, "guide-x")
		})
	}
}
