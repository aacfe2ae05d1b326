package docscan_test

import (
	"bytes"
	"context"
	"image/jpeg"
	"os/exec"
	"testing"
	"time"

	"govkiosk/drivers/docscan"
	"govkiosk/kiosk/pages"
)

// BenchmarkScanToThumbnail: one page through SANE's test backend at
// 300 dpi (200×200 mm, the backend's largest), from the tap to the decoded
// thumbnail the review screen shows. The baseline, timed in the same run,
// is scanimage alone: what the page pipeline adds is the ratio.
func BenchmarkScanToThumbnail(b *testing.B) {
	if _, err := exec.LookPath("scanimage"); err != nil {
		b.Skip("scanimage is not installed")
	}
	env, err := docscan.TestBackendConfig(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	src := &docscan.Scanner{SANE: &docscan.SANE{Env: env}, Device: "test:0", Opts: docscan.ScanOptions{Resolution: 300}}
	ctx := context.Background()
	var scan, total time.Duration
	var p *pages.Page
	for b.Loop() {
		t0 := time.Now()
		if _, err := src.Capture(ctx); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		o := pages.DefaultOptions()
		if p, err = docscan.CapturePage(ctx, src, o); err != nil {
			b.Fatal(err)
		}
		if _, err := jpeg.Decode(bytes.NewReader(p.Thumb)); err != nil {
			b.Fatal(err)
		}
		scan, total = scan+t1.Sub(t0), total+time.Since(t1)
	}
	n := float64(b.N)
	b.ReportMetric(float64(total.Milliseconds())/n, "ms/tap-to-thumbnail")
	b.ReportMetric(float64(scan.Milliseconds())/n, "ms/scanimage-only")
	b.ReportMetric(float64(total)/float64(scan), "x-scanimage")
	b.ReportMetric(float64(len(p.JPEG))/1024, "KB")
}
