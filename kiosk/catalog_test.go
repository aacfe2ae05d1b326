package kiosk_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"govkiosk/kiosk"
)

func loadFixture(t testing.TB, name string) *kiosk.Catalog {
	t.Helper()
	data, err := os.ReadFile("testdata/catalog/" + name)
	if err != nil {
		t.Fatal(err)
	}
	c, err := kiosk.ParseCatalog(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

func TestParseCatalogValid(t *testing.T) {
	c := loadFixture(t, "valid.json")
	if got := len(c.Items); got != 3 {
		t.Fatalf("items = %d, want 3", got)
	}
	it := c.Item("339900-RS-GG-0001")
	if it == nil || it.Name.ZH != "社会保险参保缴费证明打印" {
		t.Fatalf("Item lookup = %+v", it)
	}
	if it.Flow == nil || len(it.Flow.Steps) != 6 {
		t.Fatalf("flow not decoded: %+v", it.Flow)
	}
	if c.Item("339900-XX-GG-9999") != nil {
		t.Error("unknown code found an item")
	}
	if got := c.Department("RS").Name.ZH; got != "人力资源和社会保障" {
		t.Errorf("Department(RS) = %q", got)
	}
	if got := c.Item("339900-MZ-GG-0001").FeeText(); got != "9.00元" {
		t.Errorf("FeeText = %q, want 9.00元", got)
	}
	if got := it.FeeText(); got != "不收费" {
		t.Errorf("FeeText of a free item = %q", got)
	}
}

func TestSelect(t *testing.T) {
	c := loadFixture(t, "valid.json")
	tests := []struct {
		f    kiosk.Filter
		want []string
	}{
		{kiosk.Filter{Department: "RS"}, []string{"339900-RS-GG-0001", "339900-RS-QR-0002"}},
		{kiosk.Filter{Theme: "hunyin"}, []string{"339900-MZ-GG-0001"}},
		{kiosk.Filter{LifeEvent: "work"}, []string{"339900-RS-GG-0001"}},
		{kiosk.Filter{Audience: kiosk.AudienceLegal}, nil},
		{kiosk.Filter{Department: "RS", Theme: "zhengming"}, []string{"339900-RS-GG-0001"}},
	}
	for _, tt := range tests {
		var got []string
		for _, it := range c.Select(tt.f) {
			got = append(got, it.Code)
		}
		if strings.Join(got, ",") != strings.Join(tt.want, ",") {
			t.Errorf("Select(%+v) = %v, want %v", tt.f, got, tt.want)
		}
	}
}

// Each broken fixture must be refused whole, with a problem naming the item
// (or document) and the field at fault.
func TestParseCatalogBroken(t *testing.T) {
	tests := []struct {
		file string
		want string
	}{
		{"bad-item-code", `item rs 0001: code: "rs 0001" is not an item code`},
		{"duplicate-code", "item 339900-RS-GG-0001: code: duplicate item code"},
		{"unknown-department", `item 339900-MZ-GG-0001: department: unknown department "XX"`},
		{"unknown-theme", `item 339900-RS-GG-0001: themes[2]: unknown theme "nope"`},
		{"immediate-with-limit", "item 339900-RS-GG-0001: promised_limit_days: an immediate item (即办件) is decided on the spot"},
		{"promised-over-legal", "item 339900-MZ-GG-0001: promised_limit_days: 9 is longer than the legal limit 5"},
		{"material-kind", `item 339900-MZ-GG-0001: materials[1].kind: "scan" is not one of`},
		{"flow-no-identify", `item 339900-RS-GG-0001: flow.steps[0].type: a flow starts with identify, not "form"`},
		{"flow-print-before-submit", "item 339900-RS-GG-0001: flow.steps[1].type: print must come after the submit step"},
		{"flow-unknown-step", `item 339900-RS-GG-0001: flow.steps[2].type: unknown step type "pay"`},
		{"field-duplicate-name", `item 339900-RS-GG-0001: flow.steps[1].fields[2].name: duplicate field name "id_number"`},
		{"choice-one-option", "item 339900-RS-GG-0001: flow.steps[1].fields[4].options: a choice needs at least two options"},
		{"prefill-unknown", `item 339900-RS-GG-0001: flow.steps[1].fields[0].prefill: "salary" is not an identity field`},
		{"unknown-field", `unknown field "fee"`},
		{"document-bad-date", `document GK-RS-2026-001: published: "2026-13-01" is not a YYYY-MM-DD date`},
		{"no-items", "catalog: items: no items"},
		{"materials-step-without-materials", "item 339900-RS-GG-0001: flow.steps[2]: materials step in an item without materials"},
		{"syntax", "catalog: line "},
		{"wrong-type", "field items.trips: want int, got string"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile("testdata/catalog/broken-" + tt.file + ".json")
			if err != nil {
				t.Fatal(err)
			}
			c, err := kiosk.ParseCatalog(data)
			if c != nil {
				t.Fatal("broken catalogue returned a catalogue")
			}
			var ce *kiosk.CatalogError
			if !errors.As(err, &ce) {
				t.Fatalf("error %v is not a *CatalogError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error does not mention %q:\n%v", tt.want, err)
			}
		})
	}
}

func FuzzParseCatalog(f *testing.F) {
	for _, name := range []string{"valid.json", "broken-syntax.json", "broken-flow-no-identify.json"} {
		data, err := os.ReadFile("testdata/catalog/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"version":1,"items":[{"code":"A"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := kiosk.ParseCatalog(data)
		if (c == nil) == (err == nil) {
			t.Fatalf("want exactly one of catalogue and error, got %v, %v", c != nil, err)
		}
		if c != nil {
			for i := range c.Items {
				if c.Item(c.Items[i].Code) != &c.Items[i] {
					t.Fatalf("index broken for %q", c.Items[i].Code)
				}
			}
		}
	})
}
