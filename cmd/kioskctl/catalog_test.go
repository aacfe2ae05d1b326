package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/assets"
	"govkiosk/kiosk/store"
)

func kioskctl(args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestCatalogValidate(t *testing.T) {
	tests := []struct {
		file   string
		code   int
		stdout string
		stderr string
	}{
		{"../../assets/catalog/catalog.json", 0, "ok: version 1, 88 items in 11 departments, 18 with flows, 32 documents", ""},
		{"../../kiosk/testdata/catalog/broken-material-kind.json", 1, "", `item 339900-MZ-GG-0001: materials[1].kind: "scan" is not one of`},
		{"../../kiosk/testdata/catalog/broken-syntax.json", 1, "", "catalog: line "},
		{"does-not-exist.json", 1, "", "no such file"},
	}
	for _, tt := range tests {
		code, out, errOut := kioskctl("catalog", "validate", tt.file)
		if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errOut, tt.stderr) {
			t.Errorf("validate %s = %d\nstdout: %s\nstderr: %s", tt.file, code, out, errOut)
		}
	}
}

func TestCatalogStatsJSON(t *testing.T) {
	code, out, _ := kioskctl("catalog", "stats", "--json")
	var st catalogStatsJSON
	if code != 0 || json.Unmarshal([]byte(out), &st) != nil {
		t.Fatalf("stats = %d %q", code, out)
	}
	if st.Items != 88 || st.Departments != 11 || st.Flows != 18 || st.ByDepartment["RS"] != 8 {
		t.Errorf("stats = %+v", st)
	}
}

func TestCatalogSearchJSON(t *testing.T) {
	code, out, _ := kioskctl("catalog", "search", "sbcb", "--json", "--limit", "3")
	var hits []searchHitJSON
	if code != 0 || json.Unmarshal([]byte(out), &hits) != nil {
		t.Fatalf("search = %d %q", code, out)
	}
	if len(hits) == 0 || hits[0].Name != "社会保险参保缴费证明打印" || !hits[0].HasFlow || len(hits) > 3 {
		t.Errorf("hits = %+v", hits)
	}
	code, out, _ = kioskctl("catalog", "search", "不存在的事项")
	if code != 0 || !strings.Contains(out, "no items match") {
		t.Errorf("no-hit search = %d %q", code, out)
	}
}

func TestCatalogFromTerminalStore(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kiosk.db")
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, errOut := kioskctl("catalog", "stats", "--db", db)
	if code != 1 || !strings.Contains(errOut, "no catalogue installed yet") {
		t.Errorf("empty store: %d %q", code, errOut)
	}
	if _, err := s.InstallCatalog(context.Background(), assets.SampleCatalog); err != nil {
		t.Fatal(err)
	}
	s.Close()
	code, out, _ := kioskctl("catalog", "search", "居住证", "--db", db, "--json")
	if code != 0 || !strings.Contains(out, "居住证申领") {
		t.Errorf("search in store = %d %q", code, out)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"catalog", "nope"}, 2, `unknown command "nope"`},
		{[]string{"catalog", "validate"}, 2, "want one FILE"},
		{[]string{"catalog", "search", "a", "b"}, 2, "want one QUERY"},
		{[]string{"catalog", "stats", "--bogus"}, 2, "flag provided but not defined: -bogus"},
		{[]string{"catalog", "stats", "--file", "x", "--db", "y"}, 2, "not both"},
		{[]string{}, 2, "Commands:"},
	}
	for _, tt := range tests {
		code, out, errOut := kioskctl(tt.args...)
		if code != tt.code || !strings.Contains(out+errOut, tt.want) {
			t.Errorf("kioskctl %v = %d\n%s%s", tt.args, code, out, errOut)
		}
	}
	code, out, _ := kioskctl("catalog", "search", "--help")
	if code != 0 || !strings.Contains(out, "Example:\n  kioskctl catalog search sbcb --json") {
		t.Errorf("--help = %d %q", code, out)
	}
}
