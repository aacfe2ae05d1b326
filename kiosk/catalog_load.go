package kiosk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"
)

// Problem is one thing wrong with a catalogue: where (the item or document,
// and the field path inside it) and what.
type Problem struct {
	Where string // "item 339900-RS-GG-0001", "document GK-RS-2026-001", "catalog"
	Field string // "materials[2].kind"
	What  string
}

func (p Problem) String() string {
	if p.Field == "" {
		return p.Where + ": " + p.What
	}
	return p.Where + ": " + p.Field + ": " + p.What
}

// CatalogError lists every problem found in a catalogue. A catalogue with any
// problem is refused whole: installing part of one would show citizens guides
// that disagree with the hall.
type CatalogError struct {
	Problems []Problem
}

func (e *CatalogError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "catalog invalid: %d problem(s)", len(e.Problems))
	for i, p := range e.Problems {
		if i == 20 {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  " + p.String())
	}
	return b.String()
}

// ParseCatalog decodes and validates a catalogue document. Unknown fields are
// errors, so a typo in a published catalogue is caught before it reaches a
// terminal instead of silently dropping a guide's content.
func ParseCatalog(data []byte) (*Catalog, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var c Catalog
	if err := dec.Decode(&c); err != nil {
		return nil, &CatalogError{[]Problem{{Where: "catalog", What: describeJSONError(data, err)}}}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &CatalogError{[]Problem{{Where: "catalog", What: "trailing data after the catalogue object"}}}
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &c, nil
}

// describeJSONError turns a decoder error into one that names the line and
// column, which is what an admin editing the file by hand needs.
func describeJSONError(data []byte, err error) string {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
		if typ.Field != "" {
			return fmt.Sprintf("%s: field %s: want %s, got %s", lineCol(data, off), typ.Field, typ.Type, typ.Value)
		}
	}
	if off < 0 {
		return err.Error()
	}
	return lineCol(data, off) + ": " + err.Error()
}

func lineCol(data []byte, off int64) string {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := off - int64(bytes.LastIndexByte(data[:off], '\n'))
	return fmt.Sprintf("line %d, column %d", line, col)
}

var (
	itemCodeRE  = regexp.MustCompile(`^[0-9A-Z][0-9A-Z-]{5,39}$`)
	fieldNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	stepIDRE    = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)
)

var (
	materialKinds = map[string]bool{"id": true, "photo": true, "document": true, "licence": true, "form": true}
	prefillSource = map[string]bool{"name": true, "id_number": true, "gender": true, "nation": true, "birth_date": true, "address": true}
	printDocs     = map[string]bool{"receipt": true, "certificate": true}
	identifyWays  = map[string]bool{"idcard": true, "qrcode": true}
)

// validator collects problems for one catalogue.
type validator struct {
	problems []Problem
	where    string
}

func (v *validator) add(field, format string, args ...any) {
	v.problems = append(v.problems, Problem{Where: v.where, Field: field, What: fmt.Sprintf(format, args...)})
}

// Validate checks every rule of the catalogue format and indexes the items.
func (c *Catalog) Validate() error {
	v := &validator{where: "catalog"}
	if c.Version < 1 {
		v.add("version", "must be 1 or more, got %d", c.Version)
	}
	depts := v.namedSet("departments", c.Departments)
	themes := v.namedSet("themes", c.Themes)
	events := v.namedSet("life_events", c.LifeEvents)
	if len(c.Items) == 0 {
		v.add("items", "no items")
	}
	c.byCode = make(map[string]int, len(c.Items))
	for i := range c.Items {
		it := &c.Items[i]
		v.where = fmt.Sprintf("item %d", i+1)
		if it.Code != "" {
			v.where = "item " + it.Code
		}
		if !itemCodeRE.MatchString(it.Code) {
			v.add("code", "%q is not an item code (6-40 of A-Z 0-9 -)", it.Code)
		} else if _, dup := c.byCode[it.Code]; dup {
			v.add("code", "duplicate item code")
		}
		c.byCode[it.Code] = i
		v.item(it, depts, themes, events)
	}
	ids := map[string]bool{}
	for i := range c.Documents {
		d := &c.Documents[i]
		v.where = fmt.Sprintf("document %d", i+1)
		if d.ID != "" {
			v.where = "document " + d.ID
		}
		if d.ID == "" {
			v.add("id", "missing")
		} else if ids[d.ID] {
			v.add("id", "duplicate document id")
		}
		ids[d.ID] = true
		if !depts[d.Department] {
			v.add("department", "unknown department %q", d.Department)
		}
		v.nonEmpty("category", d.Category)
		v.nonEmpty("title.zh", d.Title.ZH)
		v.nonEmpty("summary", d.Summary)
		v.nonEmpty("body", d.Body)
		if _, err := time.Parse("2006-01-02", d.Published); err != nil {
			v.add("published", "%q is not a YYYY-MM-DD date", d.Published)
		}
	}
	if len(v.problems) > 0 {
		c.byCode = nil
		return &CatalogError{v.problems}
	}
	return nil
}

func (v *validator) namedSet(field string, list []Named) map[string]bool {
	set := make(map[string]bool, len(list))
	if len(list) == 0 {
		v.add(field, "empty")
	}
	for i, n := range list {
		switch {
		case n.Code == "":
			v.add(fmt.Sprintf("%s[%d].code", field, i), "missing")
		case set[n.Code]:
			v.add(fmt.Sprintf("%s[%d].code", field, i), "duplicate %q", n.Code)
		}
		if n.Name.ZH == "" {
			v.add(fmt.Sprintf("%s[%d].name.zh", field, i), "missing")
		}
		set[n.Code] = true
	}
	return set
}

func (v *validator) nonEmpty(field, s string) {
	if strings.TrimSpace(s) == "" {
		v.add(field, "missing")
	}
}

func (v *validator) nonEmptyList(field string, list []string) {
	if len(list) == 0 {
		v.add(field, "must list at least one")
	}
	for i, s := range list {
		if strings.TrimSpace(s) == "" {
			v.add(fmt.Sprintf("%s[%d]", field, i), "empty")
		}
	}
}

func (v *validator) item(it *Item, depts, themes, events map[string]bool) {
	v.nonEmpty("name.zh", it.Name.ZH)
	v.nonEmpty("name.en", it.Name.EN)
	if !depts[it.Department] {
		v.add("department", "unknown department %q", it.Department)
	}
	v.nonEmpty("category", it.Category)
	if len(it.Themes) == 0 {
		v.add("themes", "must list at least one")
	}
	for i, t := range it.Themes {
		if !themes[t] {
			v.add(fmt.Sprintf("themes[%d]", i), "unknown theme %q", t)
		}
	}
	for i, e := range it.LifeEvents {
		if !events[e] {
			v.add(fmt.Sprintf("life_events[%d]", i), "unknown life event %q", e)
		}
	}
	if len(it.Audience) == 0 {
		v.add("audience", "must list personal, legal or both")
	}
	for i, a := range it.Audience {
		if a != AudiencePersonal && a != AudienceLegal {
			v.add(fmt.Sprintf("audience[%d]", i), "%q is not personal or legal", a)
		}
	}
	v.nonEmpty("summary", it.Summary)
	v.nonEmptyList("conditions", it.Conditions)
	v.nonEmptyList("legal_basis", it.LegalBasis)
	v.nonEmptyList("process", it.Process)
	mats := map[string]bool{}
	for i, m := range it.Materials {
		f := fmt.Sprintf("materials[%d]", i)
		switch {
		case m.ID == "":
			v.add(f+".id", "missing")
		case mats[m.ID]:
			v.add(f+".id", "duplicate %q", m.ID)
		}
		mats[m.ID] = true
		v.nonEmpty(f+".name", m.Name)
		if m.Copies < 0 || m.Copies > 20 {
			v.add(f+".copies", "%d is outside 0-20", m.Copies)
		}
		if !materialKinds[m.Kind] {
			v.add(f+".kind", "%q is not one of id, photo, document, licence, form", m.Kind)
		}
	}
	for i, fee := range it.Fees {
		f := fmt.Sprintf("fees[%d]", i)
		v.nonEmpty(f+".name", fee.Name)
		if fee.AmountFen < 0 {
			v.add(f+".amount_fen", "negative amount %d", fee.AmountFen)
		}
	}
	switch it.Class {
	case ClassImmediate:
		if it.PromisedLimitDays != 0 {
			v.add("promised_limit_days", "an immediate item (即办件) is decided on the spot: want 0, got %d", it.PromisedLimitDays)
		}
	case ClassPromised:
		if it.PromisedLimitDays < 1 {
			v.add("promised_limit_days", "a promised item (承诺件) needs a limit of 1 day or more")
		}
	default:
		v.add("class", "%q is not immediate or promised", it.Class)
	}
	if it.LegalLimitDays < 0 {
		v.add("legal_limit_days", "negative")
	}
	if it.LegalLimitDays > 0 && it.PromisedLimitDays > it.LegalLimitDays {
		v.add("promised_limit_days", "%d is longer than the legal limit %d", it.PromisedLimitDays, it.LegalLimitDays)
	}
	if len(it.Locations) == 0 {
		v.add("locations", "must list at least one")
	}
	for i, l := range it.Locations {
		f := fmt.Sprintf("locations[%d]", i)
		v.nonEmpty(f+".name", l.Name)
		v.nonEmpty(f+".address", l.Address)
	}
	if it.Trips < 0 || it.Trips > 5 {
		v.add("trips", "%d is outside 0-5", it.Trips)
	}
	if it.Flow != nil {
		v.flow(it.Flow, len(it.Materials) > 0)
	}
}

func (v *validator) flow(fl *Flow, hasMaterials bool) {
	if len(fl.Steps) < 2 {
		v.add("flow.steps", "a flow needs at least two steps")
		return
	}
	if fl.Steps[0].Type != StepIdentify {
		v.add("flow.steps[0].type", "a flow starts with identify, not %q", fl.Steps[0].Type)
	}
	ids := map[string]bool{}
	fields := map[string]bool{}
	seen := map[StepType]int{}
	for i := range fl.Steps {
		s := &fl.Steps[i]
		f := fmt.Sprintf("flow.steps[%d]", i)
		if !stepIDRE.MatchString(s.ID) {
			v.add(f+".id", "%q is not a step id", s.ID)
		} else if ids[s.ID] {
			v.add(f+".id", "duplicate step id %q", s.ID)
		}
		ids[s.ID] = true
		if !stepTypes[s.Type] {
			v.add(f+".type", "unknown step type %q", s.Type)
			continue
		}
		v.nonEmpty(f+".title.zh", s.Title.ZH)
		seen[s.Type]++
		afterSubmit := s.Type == StepPrint || s.Type == StepTicket || s.Type == StepEvaluate
		if afterSubmit && seen[StepSubmit] == 0 {
			v.add(f+".type", "%s must come after the submit step", s.Type)
		}
		if s.Type == StepSubmit && seen[StepReview] == 0 {
			v.add(f+".type", "submit must come after a review step")
		}
		switch s.Type {
		case StepIdentify:
			for j, m := range s.Methods {
				if !identifyWays[m] {
					v.add(fmt.Sprintf("%s.methods[%d]", f, j), "%q is not idcard or qrcode", m)
				}
			}
		case StepForm:
			if len(s.Fields) == 0 {
				v.add(f+".fields", "a form needs at least one field")
			}
			for j := range s.Fields {
				v.field(fmt.Sprintf("%s.fields[%d]", f, j), &s.Fields[j], fields)
			}
		case StepMaterials:
			if !hasMaterials {
				v.add(f, "materials step in an item without materials")
			}
		case StepPrint:
			if !printDocs[s.Document] {
				v.add(f+".document", "%q is not receipt or certificate", s.Document)
			}
		case StepTicket:
			v.nonEmpty(f+".window", s.Window)
		}
	}
	for _, t := range []StepType{StepSubmit, StepEvaluate, StepIdentify} {
		if seen[t] > 1 {
			v.add("flow.steps", "more than one %s step", t)
		}
	}
	if seen[StepSubmit] == 0 {
		v.add("flow.steps", "no submit step")
	}
}

func (v *validator) field(f string, fd *Field, names map[string]bool) {
	if !fieldNameRE.MatchString(fd.Name) {
		v.add(f+".name", "%q is not a snake_case field name", fd.Name)
	} else if names[fd.Name] {
		v.add(f+".name", "duplicate field name %q in the flow", fd.Name)
	}
	names[fd.Name] = true
	v.nonEmpty(f+".label.zh", fd.Label.ZH)
	if !fieldTypes[fd.Type] {
		v.add(f+".type", "unknown field type %q", fd.Type)
	}
	if fd.Prefill != "" && !prefillSource[fd.Prefill] {
		v.add(f+".prefill", "%q is not an identity field", fd.Prefill)
	}
	if fd.MinLen < 0 || fd.MaxLen < 0 || (fd.MaxLen > 0 && fd.MinLen > fd.MaxLen) {
		v.add(f, "min_len %d and max_len %d do not make a range", fd.MinLen, fd.MaxLen)
	}
	if fd.Min != nil && fd.Max != nil && *fd.Min > *fd.Max {
		v.add(f, "min %v is greater than max %v", *fd.Min, *fd.Max)
	}
	if fd.MinDays != nil && fd.MaxDays != nil && *fd.MinDays > *fd.MaxDays {
		v.add(f, "min_days %d is greater than max_days %d", *fd.MinDays, *fd.MaxDays)
	}
	if fd.Type == FieldChoice {
		if len(fd.Options) < 2 {
			v.add(f+".options", "a choice needs at least two options")
		}
		vals := map[string]bool{}
		for k, o := range fd.Options {
			if o.Value == "" || vals[o.Value] {
				v.add(fmt.Sprintf("%s.options[%d].value", f, k), "missing or duplicate %q", o.Value)
			}
			vals[o.Value] = true
			v.nonEmpty(fmt.Sprintf("%s.options[%d].label.zh", f, k), o.Label.ZH)
		}
	} else if len(fd.Options) > 0 {
		v.add(f+".options", "only a choice field has options")
	}
}
