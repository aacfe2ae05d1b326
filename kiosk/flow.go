package kiosk

// StepType is the kind of a flow step. The UI has one screen per type and the
// engine one behaviour per type, so a new service needs data, not code.
type StepType string

const (
	StepIdentify  StepType = "identify"  // ID card or e-ID code
	StepForm      StepType = "form"      // typed fields with validation
	StepMaterials StepType = "materials" // checklist: e-licence, scan, bring later
	StepReview    StepType = "review"    // everything entered, before submitting
	StepSubmit    StepType = "submit"    // writes the case durably
	StepPrint     StepType = "print"     // receipt or certificate
	StepEvaluate  StepType = "evaluate"  // 好差评
	StepTicket    StepType = "ticket"    // queue ticket for the window (预登记)
)

var stepTypes = map[StepType]bool{
	StepIdentify: true, StepForm: true, StepMaterials: true, StepReview: true,
	StepSubmit: true, StepPrint: true, StepEvaluate: true, StepTicket: true,
}

// Flow is an item's application flow: an ordered list of typed steps.
type Flow struct {
	Steps []Step `json:"steps"`
}

// Step is one step of a flow. Only the fields of its type are set.
type Step struct {
	ID       string   `json:"id"`
	Type     StepType `json:"type"`
	Title    Text     `json:"title"`
	Methods  []string `json:"methods,omitempty"`  // identify: idcard, qrcode
	Fields   []Field  `json:"fields,omitempty"`   // form
	Document string   `json:"document,omitempty"` // print: receipt or certificate
	Window   string   `json:"window,omitempty"`   // ticket: where the clerk waits
}

// FieldType is the type of a form field; each has its own validation and
// on-screen keyboard.
type FieldType string

const (
	FieldText     FieldType = "text"
	FieldNumber   FieldType = "number"
	FieldPhone    FieldType = "phone"
	FieldDate     FieldType = "date"  // YYYY-MM-DD
	FieldMonth    FieldType = "month" // YYYY-MM
	FieldIDNumber FieldType = "idnumber"
	FieldChoice   FieldType = "choice"
	FieldPostcode FieldType = "postcode"
)

var fieldTypes = map[FieldType]bool{
	FieldText: true, FieldNumber: true, FieldPhone: true, FieldDate: true,
	FieldMonth: true, FieldIDNumber: true, FieldChoice: true, FieldPostcode: true,
}

// Field is one typed form field with its validation rules.
type Field struct {
	Name     string    `json:"name"`
	Label    Text      `json:"label"`
	Type     FieldType `json:"type"`
	Required bool      `json:"required,omitempty"`
	MinLen   int       `json:"min_len,omitempty"`
	MaxLen   int       `json:"max_len,omitempty"`
	Min      *float64  `json:"min,omitempty"`      // number
	Max      *float64  `json:"max,omitempty"`      // number
	MinDays  *int      `json:"min_days,omitempty"` // date: earliest, days from today
	MaxDays  *int      `json:"max_days,omitempty"` // date: latest, days from today
	Options  []Option  `json:"options,omitempty"`  // choice
	Prefill  string    `json:"prefill,omitempty"`  // identity field: name, id_number, …
	Hint     Text      `json:"hint,omitempty"`
}

// Option is one choice of a choice field.
type Option struct {
	Value string `json:"value"`
	Label Text   `json:"label"`
}

// Option returns the option with value v, or nil.
func (f *Field) Option(v string) *Option {
	for i := range f.Options {
		if f.Options[i].Value == v {
			return &f.Options[i]
		}
	}
	return nil
}

// HasStep reports whether the flow has a step of type t.
func (f *Flow) HasStep(t StepType) bool {
	for _, s := range f.Steps {
		if s.Type == t {
			return true
		}
	}
	return false
}
