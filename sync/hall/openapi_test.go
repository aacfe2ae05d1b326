package hall

import (
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// openAPI is the part of sync/openapi.yaml the tests read.
type openAPI struct {
	OpenAPI    string                               `yaml:"openapi"`
	Paths      map[string]map[string]map[string]any `yaml:"paths"`
	Components struct {
		Schemas map[string]struct {
			Properties map[string]any `yaml:"properties"`
		} `yaml:"schemas"`
	} `yaml:"components"`
}

func loadOpenAPI(t *testing.T) (openAPI, map[string]any) {
	t.Helper()
	b, err := os.ReadFile("../openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var doc openAPI
	if err := yaml.Unmarshal(b, &doc); err != nil {
		t.Fatalf("sync/openapi.yaml: %v", err)
	}
	var raw map[string]any
	if err := yaml.Unmarshal(b, &raw); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Fatalf("openapi %q, want 3.0.x", doc.OpenAPI)
	}
	return doc, raw
}

func TestOpenAPIDescribesEveryRoute(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	h := newTestHall(t)
	registered := map[string]bool{}
	for _, pattern := range h.routes {
		method, path, _ := strings.Cut(pattern, " ")
		registered[strings.ToLower(method)+" "+path] = true
		op, ok := doc.Paths[path][strings.ToLower(method)]
		if !ok {
			t.Errorf("route %s is not in sync/openapi.yaml", pattern)
			continue
		}
		if _, ok := op["responses"]; !ok {
			t.Errorf("%s: no responses described", pattern)
		}
	}
	for path, ops := range doc.Paths {
		for method := range ops {
			if method == "parameters" {
				continue
			}
			if !registered[method+" "+path] {
				t.Errorf("sync/openapi.yaml describes %s %s, which the hall does not serve", strings.ToUpper(method), path)
			}
		}
	}
}

// TestOpenAPISchemasMatchWireTypes keeps the field names of the document
// and of the Go types the same: the document is what terminals are written
// against.
func TestOpenAPISchemasMatchWireTypes(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	types := map[string]any{
		"Error":              errorResponse{},
		"EnrollRequest":      enrollRequest{},
		"EnrollResponse":     enrollResponse{},
		"CasesRequest":       casesRequest{},
		"Case":               wireCase{},
		"ResultsResponse":    resultsResponse{},
		"Result":             wireResult{},
		"EvaluationsRequest": evaluationsRequest{},
		"Evaluation":         wireEvaluation{},
		"CaseResponse":       caseResponse{},
		"TimelineEvent":      wireEvent{},
		"Manifest":           manifestResponse{},
		"HeartbeatRequest":   heartbeatRequest{},
		"CommandResult":      commandResult{},
		"Device":             Device{},
		"HeartbeatResponse":  heartbeatResponse{},
		"StatusUpdate":       wireStatusUpdate{},
		"Command":            wireCommand{},
		"LogsResponse":       logsResponse{},
	}
	for name, v := range types {
		schema, ok := doc.Components.Schemas[name]
		if !ok {
			t.Errorf("schema %s missing", name)
			continue
		}
		var documented, fields []string
		for p := range schema.Properties {
			documented = append(documented, p)
		}
		rt := reflect.TypeOf(v)
		for i := range rt.NumField() {
			tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
			fields = append(fields, tag)
		}
		sort.Strings(documented)
		sort.Strings(fields)
		if !slices.Equal(documented, fields) {
			t.Errorf("schema %s has %v, Go type %s has %v", name, documented, rt.Name(), fields)
		}
	}
}

func TestOpenAPIRefsResolve(t *testing.T) {
	_, raw := loadOpenAPI(t)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				if ref, ok := x.(string); ok && k == "$ref" {
					if resolve(raw, ref) == nil {
						t.Errorf("$ref %s does not resolve", ref)
					}
					continue
				}
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(raw)
}

func resolve(doc map[string]any, ref string) any {
	var cur any = doc
	for _, part := range strings.Split(strings.TrimPrefix(ref, "#/"), "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[part]
	}
	return cur
}
