package kiosk

import (
	"fmt"
	"time"
)

// Case statuses, as the hall reports them back (办件状态).
const (
	StatusSubmitted = "submitted" // 已提交: on the terminal, maybe not yet at the hall
	StatusReceived  = "received"  // 已受理: the hall has it
	StatusInProcess = "in_process"
	StatusNeedMore  = "need_more" // 补正材料
	StatusApproved  = "approved"  // 办结（准予）
	StatusRejected  = "rejected"  // 不予受理 / 不予批准
	StatusCollected = "collected" // 已领取
)

// StatusNames are the citizen-facing names of statuses.
var StatusNames = map[string]Text{
	StatusSubmitted: {ZH: "已提交", EN: "Submitted"},
	StatusReceived:  {ZH: "已受理", EN: "Received"},
	StatusInProcess: {ZH: "办理中", EN: "In process"},
	StatusNeedMore:  {ZH: "需补正材料", EN: "More materials needed"},
	StatusApproved:  {ZH: "已办结", EN: "Completed"},
	StatusRejected:  {ZH: "不予受理", EN: "Not accepted"},
	StatusCollected: {ZH: "已领取", EN: "Collected"},
}

// Case is one application (办件). Identity, Form and Materials are personal
// data: the store seals them and keeps only the masked name in clear.
type Case struct {
	ID             string // UUIDv7, made on the terminal
	Number         string // printable, with check character
	TerminalSeq    int64
	ItemCode       string
	ItemName       string
	CatalogVersion int64
	SubmittedAt    time.Time
	MaskedName     string
	PromisedDate   string // YYYY-MM-DD, empty for immediate items

	Applicant *Identity
	Form      map[string]string
	Materials []MaterialRecord

	Timeline   []StatusEvent
	Evaluation *Evaluation
}

// Status is the latest status of the case.
func (c *Case) Status() string {
	if len(c.Timeline) == 0 {
		return StatusSubmitted
	}
	return c.Timeline[len(c.Timeline)-1].Status
}

// MaterialChoice is how a citizen hands in one material.
type MaterialChoice string

const (
	MaterialELicence MaterialChoice = "elicence" // 电子证照免提交
	MaterialScanned  MaterialChoice = "scanned"  // scanned at the kiosk
	MaterialLater    MaterialChoice = "later"    // brought to the window later (一次性告知)
)

// MaterialRecord is what the case holds for one material.
type MaterialRecord struct {
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Choice MaterialChoice `json:"choice"`
	Pages  [][]byte       `json:"pages,omitempty"` // JPEG pages, sealed with the case
}

// StatusEvent is one entry of a case's timeline. At is the hall's time for
// hall events, the terminal's for its own; the terminal clock is recorded,
// never trusted for ordering across terminals.
type StatusEvent struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// Evaluation is a 好差评 rating of one case.
type Evaluation struct {
	Level   int       `json:"level"` // 5 非常满意 … 1 非常不满意
	Reasons []string  `json:"reasons,omitempty"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
}

// EvaluationLevels are the five levels, best first.
var EvaluationLevels = []struct {
	Level int
	Name  Text
}{
	{5, Text{ZH: "非常满意", EN: "Very satisfied"}},
	{4, Text{ZH: "满意", EN: "Satisfied"}},
	{3, Text{ZH: "基本满意", EN: "Fairly satisfied"}},
	{2, Text{ZH: "不满意", EN: "Dissatisfied"}},
	{1, Text{ZH: "非常不满意", EN: "Very dissatisfied"}},
}

// EvaluationReasons are the reasons a citizen can give for a bad rating.
var EvaluationReasons = []struct {
	Code string
	Name Text
}{
	{"slow", Text{ZH: "办理时间太长", EN: "Took too long"}},
	{"unclear", Text{ZH: "办事指南看不懂", EN: "The guide was unclear"}},
	{"device", Text{ZH: "设备不好用", EN: "The machine was hard to use"}},
	{"repeat", Text{ZH: "重复提交材料", EN: "Had to hand in materials again"}},
	{"trips", Text{ZH: "跑了不止一次", EN: "Needed more than one trip"}},
	{"other", Text{ZH: "其他", EN: "Other"}},
}

// Validate checks an evaluation: a level 1-5, and for 不满意 or worse at
// least one known reason, as the 好差评 rules ask.
func (e *Evaluation) Validate() error {
	if e.Level < 1 || e.Level > 5 {
		return fmt.Errorf("evaluation level %d: want 1-5", e.Level)
	}
	if e.Level <= 2 && len(e.Reasons) == 0 {
		return fmt.Errorf("evaluation level %d needs a reason", e.Level)
	}
	for _, r := range e.Reasons {
		ok := false
		for _, k := range EvaluationReasons {
			ok = ok || k.Code == r
		}
		if !ok {
			return fmt.Errorf("evaluation reason %q is unknown", r)
		}
	}
	if len([]rune(e.Comment)) > 200 {
		return fmt.Errorf("evaluation comment longer than 200 characters")
	}
	return nil
}

// Wipe zeroes the personal parts of a case held in memory.
func (c *Case) Wipe() {
	if c.Applicant != nil {
		c.Applicant.Wipe()
	}
	clear(c.Form)
	for _, m := range c.Materials {
		for _, p := range m.Pages {
			clear(p)
		}
	}
	c.Applicant, c.Form, c.Materials = nil, nil, nil
}
