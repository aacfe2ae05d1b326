package store_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/kiosktest"
	"govkiosk/kiosk/store"
)

// BenchmarkLoadCatalog10k times loading a 10,000-item catalogue from the
// store, as the kiosk does at start-up. Target: ≤ 150 ms.
func BenchmarkLoadCatalog10k(b *testing.B) {
	base, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		b.Fatal(err)
	}
	doc, err := json.Marshal(kiosktest.Synthetic(base, 10000, 1))
	if err != nil {
		b.Fatal(err)
	}
	s, _ := openStore(b, store.Options{})
	ctx := context.Background()
	if _, err := s.InstallCatalog(ctx, doc); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(doc))/1e6, "doc-MB")
	for b.Loop() {
		cat, err := s.ActiveCatalog(ctx)
		if err != nil || len(cat.Items) != 10000 {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/load")
}

// BenchmarkSubmitCase times a durable submit (case + outbox in one
// transaction, synchronous=FULL) and reports p50 and p99: without an ID
// number (the durability cost alone) and with one (adding the argon2id
// applicant key that lets the citizen find the case again by ID card).
func BenchmarkSubmitCase(b *testing.B) {
	for _, withID := range []bool{false, true} {
		name := "durable"
		if withID {
			name = "with-applicant-key"
		}
		b.Run(name, func(b *testing.B) {
			s, _ := openStore(b, store.Options{Sealer: xorSealer{}, Clock: kiosk.SystemClock{}})
			ctx := context.Background()
			var lat []time.Duration
			for b.Loop() {
				c := newCase(time.Now())
				if !withID {
					c.Applicant.IDNumber = ""
				}
				start := time.Now()
				if err := s.SubmitCase(ctx, c); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
