package ui_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"govkiosk/assets"
	"govkiosk/assets/i18n"
	"govkiosk/kiosk"
	"govkiosk/ui"
)

func loadTable(t *testing.T, name string, data []byte) map[string]string {
	t.Helper()
	m := map[string]string{}
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

func TestTranslationsHaveEveryKeyInBothLanguages(t *testing.T) {
	zh := loadTable(t, "zh.json", i18n.ZH)
	en := loadTable(t, "en.json", i18n.EN)
	for name, pair := range map[string][2]map[string]string{"zh.json": {zh, en}, "en.json": {en, zh}} {
		for k, v := range pair[0] {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s: %q is empty", name, k)
			}
			if _, ok := pair[1][k]; !ok {
				t.Errorf("%s has %q, the other file does not", name, k)
			}
			if base, ok := strings.CutSuffix(k, ".elderly"); ok {
				if _, ok := pair[0][base]; !ok {
					t.Errorf("%s: %q has no plain version %q", name, k, base)
				}
			}
			if strings.Count(v, "%") != strings.Count(pair[1][k], "%") {
				t.Errorf("%q: the two files fill in a different number of values", k)
			}
		}
	}
}

// Every key the screens ask for is in the files: a missing key would show
// as the key itself.
func TestTranslationsCoverEveryKeyUsed(t *testing.T) {
	zh := loadTable(t, "zh.json", i18n.ZH)
	used := map[string]bool{}
	call := regexp.MustCompile(`\b(?:t|tf|line|section)\("([a-z][A-Za-z0-9_.]*[A-Za-z0-9])"`)
	files, _ := filepath.Glob("*.go")
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(src), -1) {
			used[m[1]] = true
		}
	}
	// Keys built from a prefix and a value.
	expand := func(prefix string, values ...string) {
		for _, v := range values {
			used[prefix+v] = true
		}
	}
	expand("catalog.title.", "guide", "apply", "ticket", "offline")
	expand("catalog.tab.", "all", "department", "theme", "life", "personal", "legal")
	expand("class.", "immediate", "promised")
	cat, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range cat.Items {
		expand("category.", it.Category)
	}
	expand("audience.", "personal", "legal")
	expand("card.", "resident", "foreigner", "hmt")
	expand("device.", "printer", "idcard", "scanner")
	expand("material.choice.", "elicence", "later", "scanned")
	for _, p := range []string{"print.submitted.", "print.printing.", "print.done."} {
		expand(p, "receipt", "certificate", "ticket")
	}
	for _, h := range []string{"apply", "query", "guide", "disclosure", "ticket", "identify"} {
		expand("home."+h, "", ".sub")
	}
	var missing []string
	for k := range used {
		if strings.HasSuffix(k, ".") {
			continue
		}
		if _, ok := zh[k]; !ok {
			missing = append(missing, k)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("keys used but not translated: %q", missing)
	}
	if len(used) < 150 {
		t.Errorf("found only %d keys in the sources: is the pattern still right?", len(used))
	}
}

func TestTFallsBackToChineseThenKey(t *testing.T) {
	if got := ui.T("en", "nav.home"); got != "Home" {
		t.Errorf("T(en, nav.home) = %q", got)
	}
	if got := ui.T("fr", "nav.home"); got != "首页" {
		t.Errorf("T(fr, nav.home) = %q, want the Chinese", got)
	}
	if got := ui.T("zh", "no.such.key"); got != "no.such.key" {
		t.Errorf("T(zh, no.such.key) = %q, want the key itself", got)
	}
}
