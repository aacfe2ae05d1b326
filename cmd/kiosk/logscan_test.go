package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/drivers/sim"
)

// assertNoPersonalData fails if any file holds a fixture card's name, ID
// number or address, or one of the extra values (what the citizen typed).
// Rotated logs (.gz) are read decompressed. The product promise it checks:
// citizens' personal data is never in the logs.
func assertNoPersonalData(t *testing.T, files []string, extra ...string) {
	t.Helper()
	var needles []string
	for _, c := range sim.Cards() {
		id := c.Identity
		for _, s := range []string{id.Name, id.NameEN, id.IDNumber, id.Address} {
			if len([]rune(s)) >= 2 {
				needles = append(needles, s)
			}
		}
	}
	needles = append(needles, extra...)
	if len(needles) < 10 {
		t.Fatalf("only %d values to look for: the fixture cards did not load", len(needles))
	}
	scanned := 0
	for _, path := range files {
		b, err := os.ReadFile(path)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if b, err = io.ReadAll(zr); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		scanned++
		text := string(b)
		for _, n := range needles {
			if i := strings.Index(text, n); i >= 0 {
				t.Errorf("%s holds personal data %q: …%s…", filepath.Base(path), n, text[max(0, i-80):min(len(text), i+len(n)+40)])
			}
		}
	}
	if scanned == 0 {
		t.Fatalf("no log files to scan among %v", files)
	}
	t.Logf("scanned %d log files for %d personal values: none found", scanned, len(needles))
}

// logFiles are the kiosk's log files in dataDir: the rotating logs and the
// audit log.
func logFiles(t *testing.T, dataDir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dataDir, "logs", "*"))
	if err != nil {
		t.Fatal(err)
	}
	return append(files, filepath.Join(dataDir, "audit.log"))
}
