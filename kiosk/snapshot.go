package kiosk

import (
	"encoding/binary"
	"errors"
	"math"
)

// snapshotFormat versions the snapshot encoding. Bump it with any change to
// the codec below; old snapshots are then refused and the caller re-parses
// the signed document.
const snapshotFormat = 3

// ErrSnapshotFormat is returned for a snapshot of another format, or one
// that is truncated or corrupt.
var ErrSnapshotFormat = errors.New("catalog snapshot: unknown format or corrupt")

// MarshalSnapshot encodes a validated catalogue for fast loading. Parsing
// and validating the JSON of a 10,000-item catalogue takes about half a
// second on a kiosk, and gob (reflection, one allocation per string) about
// 120 ms; this codec makes every string of the decoded catalogue a slice of
// one string, so decoding allocates little more than the structs. The signed
// JSON stays the source of truth: the snapshot is derived from it and can be
// rebuilt from it at any time.
func (c *Catalog) MarshalSnapshot() ([]byte, error) {
	w := &snapWriter{b: []byte{snapshotFormat}}
	w.int(c.Version)
	w.str(c.PublishedAt)
	for _, list := range [][]Named{c.Departments, c.Themes, c.LifeEvents} {
		w.int(int64(len(list)))
		for _, n := range list {
			w.str(n.Code)
			w.text(n.Name)
		}
	}
	w.int(int64(len(c.Items)))
	for i := range c.Items {
		w.item(&c.Items[i])
	}
	w.int(int64(len(c.Documents)))
	for _, d := range c.Documents {
		w.strs(d.ID, d.Department, d.Category)
		w.text(d.Title)
		w.strs(d.DocNumber, d.Published, d.Summary, d.Body)
	}
	return w.b, nil
}

// UnmarshalSnapshot decodes a snapshot made by MarshalSnapshot. It trusts
// the content (it was validated before the snapshot was made), checks only
// the framing, and rebuilds the indexes.
func UnmarshalSnapshot(b []byte) (c *Catalog, err error) {
	if len(b) == 0 || b[0] != snapshotFormat {
		return nil, ErrSnapshotFormat
	}
	r := &snapReader{s: string(b), off: 1}
	defer func() {
		// The reader panics on framing errors to keep the decoder linear.
		if recover() != nil {
			c, err = nil, ErrSnapshotFormat
		}
	}()
	c = &Catalog{Version: r.int(), PublishedAt: r.str()}
	for _, list := range []*[]Named{&c.Departments, &c.Themes, &c.LifeEvents} {
		*list = make([]Named, r.count())
		for i := range *list {
			(*list)[i] = Named{Code: r.str(), Name: r.text()}
		}
	}
	c.Items = make([]Item, r.count())
	for i := range c.Items {
		r.item(&c.Items[i])
	}
	c.Documents = make([]Document, r.count())
	for i := range c.Documents {
		d := &c.Documents[i]
		d.ID, d.Department, d.Category = r.str(), r.str(), r.str()
		d.Title = r.text()
		d.DocNumber, d.Published, d.Summary, d.Body = r.str(), r.str(), r.str(), r.str()
	}
	if r.off != len(r.s) {
		return nil, ErrSnapshotFormat
	}
	c.byCode = make(map[string]int, len(c.Items))
	for i := range c.Items {
		c.byCode[c.Items[i].Code] = i
	}
	return c, nil
}

type snapWriter struct{ b []byte }

func (w *snapWriter) int(v int64) { w.b = binary.AppendVarint(w.b, v) }
func (w *snapWriter) str(s string) {
	w.b = binary.AppendUvarint(w.b, uint64(len(s)))
	w.b = append(w.b, s...)
}
func (w *snapWriter) strs(ss ...string) {
	for _, s := range ss {
		w.str(s)
	}
}
func (w *snapWriter) list(ss []string) {
	w.int(int64(len(ss)))
	w.strs(ss...)
}
func (w *snapWriter) text(t Text) { w.strs(t.ZH, t.EN) }
func (w *snapWriter) bool(v bool) {
	if v {
		w.b = append(w.b, 1)
	} else {
		w.b = append(w.b, 0)
	}
}
func (w *snapWriter) optFloat(p *float64) {
	w.bool(p != nil)
	if p != nil {
		w.b = binary.LittleEndian.AppendUint64(w.b, math.Float64bits(*p))
	}
}
func (w *snapWriter) optInt(p *int) {
	w.bool(p != nil)
	if p != nil {
		w.int(int64(*p))
	}
}

func (w *snapWriter) item(it *Item) {
	w.str(it.Code)
	w.text(it.Name)
	w.list(it.Aliases)
	w.strs(it.Department, it.Category)
	w.list(it.Themes)
	w.list(it.LifeEvents)
	w.list(it.Audience)
	w.strs(it.Class, it.Summary)
	w.list(it.Conditions)
	w.int(int64(len(it.Materials)))
	for _, m := range it.Materials {
		w.strs(m.ID, m.Name)
		w.bool(m.Required)
		w.bool(m.ELicence)
		w.int(int64(m.Copies))
		w.bool(m.Original)
		w.strs(m.Kind, m.Note)
	}
	w.int(int64(len(it.Fees)))
	for _, f := range it.Fees {
		w.str(f.Name)
		w.int(f.AmountFen)
		w.str(f.Basis)
	}
	w.int(int64(it.LegalLimitDays))
	w.int(int64(it.PromisedLimitDays))
	w.list(it.LegalBasis)
	w.list(it.Process)
	w.int(int64(len(it.Locations)))
	for _, l := range it.Locations {
		w.strs(l.Name, l.Address, l.Hours, l.Phone)
	}
	w.int(int64(it.Trips))
	w.bool(it.NeedsNetwork)
	w.bool(it.Flow != nil)
	if it.Flow == nil {
		return
	}
	w.int(int64(len(it.Flow.Steps)))
	for _, s := range it.Flow.Steps {
		w.strs(s.ID, string(s.Type))
		w.text(s.Title)
		w.list(s.Methods)
		w.strs(s.Document, s.Window)
		w.int(int64(len(s.Fields)))
		for _, f := range s.Fields {
			w.str(f.Name)
			w.text(f.Label)
			w.str(string(f.Type))
			w.bool(f.Required)
			w.int(int64(f.MinLen))
			w.int(int64(f.MaxLen))
			w.optFloat(f.Min)
			w.optFloat(f.Max)
			w.optInt(f.MinDays)
			w.optInt(f.MaxDays)
			w.int(int64(len(f.Options)))
			for _, o := range f.Options {
				w.str(o.Value)
				w.text(o.Label)
			}
			w.str(f.Prefill)
			w.text(f.Hint)
		}
	}
}

// snapReader reads from one string; every string it returns is a slice of
// it, sharing its memory.
type snapReader struct {
	s   string
	off int
}

func (r *snapReader) uvarint() uint64 {
	v, n := uvarintString(r.s[r.off:])
	if n <= 0 {
		panic(ErrSnapshotFormat)
	}
	r.off += n
	return v
}

func uvarintString(s string) (uint64, int) {
	var x uint64
	var sh uint
	for i := 0; i < len(s) && i < binary.MaxVarintLen64; i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<sh, i + 1
		}
		x |= uint64(b&0x7f) << sh
		sh += 7
	}
	return 0, 0
}

func (r *snapReader) int() int64 {
	u := r.uvarint()
	return int64(u>>1) ^ -int64(u&1) // zig-zag, as binary.AppendVarint
}

// count reads a list length, bounded by the bytes left so a corrupt length
// cannot ask for a huge allocation.
func (r *snapReader) count() int {
	n := r.int()
	if n < 0 || n > int64(len(r.s)-r.off) {
		panic(ErrSnapshotFormat)
	}
	return int(n)
}

func (r *snapReader) str() string {
	n := r.uvarint()
	if n > uint64(len(r.s)-r.off) {
		panic(ErrSnapshotFormat)
	}
	s := r.s[r.off : r.off+int(n)]
	r.off += int(n)
	return s
}

func (r *snapReader) list() []string {
	n := r.count()
	if n == 0 {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = r.str()
	}
	return out
}

func (r *snapReader) text() Text { return Text{ZH: r.str(), EN: r.str()} }

func (r *snapReader) bool() bool {
	if r.off >= len(r.s) {
		panic(ErrSnapshotFormat)
	}
	r.off++
	return r.s[r.off-1] == 1
}

func (r *snapReader) optFloat() *float64 {
	if !r.bool() {
		return nil
	}
	if r.off+8 > len(r.s) {
		panic(ErrSnapshotFormat)
	}
	v := math.Float64frombits(binary.LittleEndian.Uint64([]byte(r.s[r.off : r.off+8])))
	r.off += 8
	return &v
}

func (r *snapReader) optInt() *int {
	if !r.bool() {
		return nil
	}
	v := int(r.int())
	return &v
}

func (r *snapReader) item(it *Item) {
	it.Code = r.str()
	it.Name = r.text()
	it.Aliases = r.list()
	it.Department, it.Category = r.str(), r.str()
	it.Themes, it.LifeEvents, it.Audience = r.list(), r.list(), r.list()
	it.Class, it.Summary = r.str(), r.str()
	it.Conditions = r.list()
	if n := r.count(); n > 0 {
		it.Materials = make([]Material, n)
		for i := range it.Materials {
			m := &it.Materials[i]
			m.ID, m.Name = r.str(), r.str()
			m.Required, m.ELicence = r.bool(), r.bool()
			m.Copies = int(r.int())
			m.Original = r.bool()
			m.Kind, m.Note = r.str(), r.str()
		}
	}
	if n := r.count(); n > 0 {
		it.Fees = make([]Fee, n)
		for i := range it.Fees {
			it.Fees[i] = Fee{Name: r.str(), AmountFen: r.int(), Basis: r.str()}
		}
	}
	it.LegalLimitDays, it.PromisedLimitDays = int(r.int()), int(r.int())
	it.LegalBasis, it.Process = r.list(), r.list()
	if n := r.count(); n > 0 {
		it.Locations = make([]Location, n)
		for i := range it.Locations {
			it.Locations[i] = Location{Name: r.str(), Address: r.str(), Hours: r.str(), Phone: r.str()}
		}
	}
	it.Trips = int(r.int())
	it.NeedsNetwork = r.bool()
	if !r.bool() {
		return
	}
	it.Flow = &Flow{Steps: make([]Step, r.count())}
	for i := range it.Flow.Steps {
		s := &it.Flow.Steps[i]
		s.ID, s.Type = r.str(), StepType(r.str())
		s.Title = r.text()
		s.Methods = r.list()
		s.Document, s.Window = r.str(), r.str()
		if n := r.count(); n > 0 {
			s.Fields = make([]Field, n)
			for j := range s.Fields {
				f := &s.Fields[j]
				f.Name, f.Label, f.Type = r.str(), r.text(), FieldType(r.str())
				f.Required = r.bool()
				f.MinLen, f.MaxLen = int(r.int()), int(r.int())
				f.Min, f.Max = r.optFloat(), r.optFloat()
				f.MinDays, f.MaxDays = r.optInt(), r.optInt()
				if n := r.count(); n > 0 {
					f.Options = make([]Option, n)
					for k := range f.Options {
						f.Options[k] = Option{Value: r.str(), Label: r.text()}
					}
				}
				f.Prefill, f.Hint = r.str(), r.text()
			}
		}
	}
}
