package search_test

import (
	"slices"
	"testing"
	"time"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/kiosktest"
	"govkiosk/kiosk/search"
)

// BenchmarkSearch10k reports per-query p50 and p99 over a synthetic
// 10,000-item catalogue for each kind of query. Target: p99 ≤ 2 ms.
func BenchmarkSearch10k(b *testing.B) {
	base, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		b.Fatal(err)
	}
	ix := search.New(kiosktest.Synthetic(base, 10000, 1))
	ix.Prepare() // queries only: the build is not a query's latency
	kinds := []struct {
		name    string
		queries []string
	}{
		{"chinese", []string{"社保", "社会保险参保", "证明", "登记", "公积金提取", "不动产", "婚姻", "居住证", "出生医学证明", "营业执照"}},
		{"pinyin", []string{"shebao", "gongjijin", "hunyin", "budongchan", "juzhuzheng", "yingyezhizhao", "s", "zheng", "dengji", "chusheng"}},
		{"initials", []string{"sbcb", "gjj", "bdc", "jzz", "yyzz", "hydj", "sb", "zm", "cszm", "sy"}},
	}
	for _, k := range kinds {
		b.Run(k.name, func(b *testing.B) {
			var lat []time.Duration
			for i := 0; b.Loop(); i++ {
				q := k.queries[i%len(k.queries)]
				start := time.Now()
				ix.Search(q, 50)
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
		})
	}
}
