package maint

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"govkiosk/assets/i18n"
)

// Every text key the screens ask for is in maint.zh.json: a missing one
// would show the key itself to the technician.
func TestEveryTextKeyIsTranslated(t *testing.T) {
	var table map[string]string
	if err := json.Unmarshal(i18n.MaintZH, &table); err != nil {
		t.Fatalf("maint.zh.json: %v", err)
	}
	keys := []string{ // built at run time: "dev."+device, "state."+state, "card."+type
		"dev.idcard", "dev.printer", "dev.scanner", "state.ok", "state.warning", "state.failed", "state.absent",
		"card.resident", "card.foreigner", "card.hmt", "online", "offline", "yes.enrolled", "no.enrolled",
		"setup.serial", "setup.hid",
	}
	files, _ := filepath.Glob("*.go")
	lit := regexp.MustCompile(`m\.tf?\("([a-zA-Z.]*[a-zA-Z])"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range lit.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	if len(keys) < 60 {
		t.Fatalf("found only %d keys: the pattern no longer matches the code", len(keys))
	}
	for _, k := range keys {
		if table[k] == "" {
			t.Errorf("key %q is not in maint.zh.json", k)
		}
	}
}
