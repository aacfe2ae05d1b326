package printer

import (
	"strconv"
	"time"

	"govkiosk/kiosk"
)

// Ticket is a queue ticket (取号凭条) for a window: the clerk already has
// the pre-registered case (办件预登记).
type Ticket struct {
	Hall       Hall
	Number     string // A023
	Window     string // 婚姻登记处
	ItemName   string
	IssuedAt   time.Time
	Waiting    int    // people ahead; negative when unknown
	CaseNumber string // the pre-registered case, if any
}

// TicketFor builds the ticket a ticket step prints for item it.
func TicketFor(it *kiosk.Item, step *kiosk.Step, number string, at time.Time, hall Hall) Ticket {
	t := Ticket{Hall: hall, Number: number, IssuedAt: at, Waiting: -1}
	if it != nil {
		t.ItemName = it.Name.ZH
	}
	if step != nil {
		t.Window = step.Window
	}
	return t
}

// Document lays the ticket out around the big number.
func (t Ticket) Document() *Document {
	d := &Document{}
	if t.Hall.Name != "" {
		d.Add(Centered(t.Hall.Name))
	}
	d.Add(Text{Text: "取号凭条", Style: Style{Bold: true, Align: AlignCenter}}, Separator{'='}, Feed{})
	d.Add(Centered("您的号码"))
	// Four times the size, 48×96 dots a character, to be read from a
	// step away. A printer limited to double size prints it double.
	d.Add(Text{Text: t.Number, Style: Style{Bold: true, Width: 4, Height: 4, Align: AlignCenter}}, Feed{})
	if t.Window != "" {
		d.Add(Text{Text: "请到 " + t.Window + " 等候叫号", Style: Style{Bold: true, Align: AlignCenter}})
	}
	if t.Waiting >= 0 {
		d.Add(Centered("您前面还有 " + strconv.Itoa(t.Waiting) + " 人"))
	}
	d.Add(Separator{})
	if t.ItemName != "" {
		d.Add(Labeled("办理事项", t.ItemName))
	}
	if t.CaseNumber != "" {
		d.Add(Labeled("预登记编号", t.CaseNumber))
	}
	if !t.IssuedAt.IsZero() {
		d.Add(Labeled("取号时间", t.IssuedAt.Format(timeLayout)))
	}
	d.Add(Separator{}, Centered("过号请重新取号"), Feed{Lines: 2}, Cut{})
	return d
}
