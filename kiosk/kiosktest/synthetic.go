// Package kiosktest has helpers for tests and benchmarks of the domain:
// synthetic catalogues of any size built from a real one.
package kiosktest

import (
	"fmt"
	"math/rand/v2"

	"govkiosk/kiosk"
)

var (
	districts  = []string{"东城区", "西城区", "南湖区", "北山区", "高新区", "经开区", "滨江区", "临港区", "清河县", "白石镇", "望江街道", "新区"}
	qualifiers = []string{"", "（首次）", "（变更）", "（注销）", "（补办）", "（延续）", "（迁移）", "（转移）"}
	qualEN     = []string{"", " (first)", " (change)", " (cancellation)", " (reissue)", " (renewal)", " (move)", " (transfer)"}
)

// Synthetic returns a catalogue of n items made from base's items: each copy
// gets a unique code and a district and qualifier in its name, so names stay
// realistic and distinct. The same seed gives the same catalogue.
func Synthetic(base *kiosk.Catalog, n int, seed uint64) *kiosk.Catalog {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	c := &kiosk.Catalog{
		Version: base.Version, PublishedAt: base.PublishedAt,
		Departments: base.Departments, Themes: base.Themes, LifeEvents: base.LifeEvents,
		Documents: base.Documents, Items: make([]kiosk.Item, n),
	}
	for i := range c.Items {
		it := base.Items[r.IntN(len(base.Items))]
		d, q := r.IntN(len(districts)), r.IntN(len(qualifiers))
		it.Code = fmt.Sprintf("990000-SY-QT-%06d", i)
		it.Name = kiosk.Text{ZH: districts[d] + it.Name.ZH + qualifiers[q], EN: it.Name.EN + qualEN[q]}
		c.Items[i] = it
	}
	if err := c.Validate(); err != nil {
		panic(fmt.Sprintf("synthetic catalogue invalid: %v", err))
	}
	return c
}
