package kiosk

import "fmt"

// Catalog is one published version of the service-item catalogue (事项目录)
// with the public-information documents (政务公开) that travel with it. The
// hall signs the exact bytes of a version; terminals never edit it.
type Catalog struct {
	Version     int64      `json:"version"`
	PublishedAt string     `json:"published_at,omitempty"`
	Departments []Named    `json:"departments"`
	Themes      []Named    `json:"themes"`
	LifeEvents  []Named    `json:"life_events"`
	Items       []Item     `json:"items"`
	Documents   []Document `json:"documents"`

	byCode map[string]int
}

// Named is a code with its display name: a department, theme or life event.
type Named struct {
	Code string `json:"code"`
	Name Text   `json:"name"`
}

// Audience values: who may apply.
const (
	AudiencePersonal = "personal" // 个人
	AudienceLegal    = "legal"    // 法人
)

// Item classes.
const (
	ClassImmediate = "immediate" // 即办件: decided on the spot
	ClassPromised  = "promised"  // 承诺件: decided within the promised limit
)

// Item is a service item (事项) with its complete guide (办事指南).
type Item struct {
	Code              string     `json:"code"` // 事项编码
	Name              Text       `json:"name"`
	Aliases           []string   `json:"aliases,omitempty"`
	Department        string     `json:"department"`
	Category          string     `json:"category"` // 行政许可, 公共服务, …
	Themes            []string   `json:"themes"`
	LifeEvents        []string   `json:"life_events,omitempty"`
	Audience          []string   `json:"audience"`
	Class             string     `json:"class"`
	Summary           string     `json:"summary"`
	Conditions        []string   `json:"conditions"`          // 受理条件
	Materials         []Material `json:"materials"`           // 申请材料
	Fees              []Fee      `json:"fees"`                // empty: 不收费
	LegalLimitDays    int        `json:"legal_limit_days"`    // 法定时限, working days; 0: none
	PromisedLimitDays int        `json:"promised_limit_days"` // 承诺时限, working days; 0: on the spot
	LegalBasis        []string   `json:"legal_basis"`
	Process           []string   `json:"process"`
	Locations         []Location `json:"locations"`
	Trips             int        `json:"trips"` // 跑动次数
	NeedsNetwork      bool       `json:"needs_network"`
	Flow              *Flow      `json:"flow,omitempty"`
}

// Material is one application material (申请材料).
type Material struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
	ELicence bool   `json:"elicence"` // an e-licence (电子证照) can replace it: 免提交
	Copies   int    `json:"copies"`
	Original bool   `json:"original"` // the original must be shown
	Kind     string `json:"kind"`     // id, photo, document, licence, form
	Note     string `json:"note,omitempty"`
}

// Fee is one charge; amounts are in fen to keep money exact.
type Fee struct {
	Name      string `json:"name"`
	AmountFen int64  `json:"amount_fen"`
	Basis     string `json:"basis,omitempty"`
}

// Location is where to go (办理地点).
type Location struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Hours   string `json:"hours,omitempty"`
	Phone   string `json:"phone,omitempty"`
}

// Document is a public-information document (政务公开).
type Document struct {
	ID         string `json:"id"`
	Department string `json:"department"`
	Category   string `json:"category"`
	Title      Text   `json:"title"`
	DocNumber  string `json:"doc_number,omitempty"`
	Published  string `json:"published"`
	Summary    string `json:"summary"`
	Body       string `json:"body"`
}

// Item returns the item with code, or nil.
func (c *Catalog) Item(code string) *Item {
	if i, ok := c.byCode[code]; ok {
		return &c.Items[i]
	}
	return nil
}

// Department returns the named department, or a Named with only the code.
func (c *Catalog) Department(code string) Named { return findNamed(c.Departments, code) }

// Theme returns the named theme, or a Named with only the code.
func (c *Catalog) Theme(code string) Named { return findNamed(c.Themes, code) }

// LifeEvent returns the named life event, or a Named with only the code.
func (c *Catalog) LifeEvent(code string) Named { return findNamed(c.LifeEvents, code) }

func findNamed(list []Named, code string) Named {
	for _, n := range list {
		if n.Code == code {
			return n
		}
	}
	return Named{Code: code, Name: Text{ZH: code}}
}

// Filter selects items by any combination of department, theme, life event
// and audience; an empty field matches everything.
type Filter struct {
	Department string
	Theme      string
	LifeEvent  string
	Audience   string
}

// Select returns the items matching f, in catalogue order.
func (c *Catalog) Select(f Filter) []*Item {
	var out []*Item
	for i := range c.Items {
		it := &c.Items[i]
		if f.Department != "" && it.Department != f.Department {
			continue
		}
		if f.Theme != "" && !contains(it.Themes, f.Theme) {
			continue
		}
		if f.LifeEvent != "" && !contains(it.LifeEvents, f.LifeEvent) {
			continue
		}
		if f.Audience != "" && !contains(it.Audience, f.Audience) {
			continue
		}
		out = append(out, it)
	}
	return out
}

// Document returns the public document with id, or nil.
func (c *Catalog) Document(id string) *Document {
	for i := range c.Documents {
		if c.Documents[i].ID == id {
			return &c.Documents[i]
		}
	}
	return nil
}

// FeeText is the fee line of a guide: 不收费, or the sum in yuan.
func (it *Item) FeeText() string {
	if len(it.Fees) == 0 {
		return "不收费"
	}
	var total int64
	for _, f := range it.Fees {
		total += f.AmountFen
	}
	return FormatYuan(total)
}

// FormatYuan formats an amount in fen as yuan: 2000 → "20.00元".
func FormatYuan(fen int64) string {
	return fmt.Sprintf("%d.%02d元", fen/100, fen%100)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
