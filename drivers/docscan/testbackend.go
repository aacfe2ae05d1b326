package docscan

import (
	"fmt"
	"os"
	"path/filepath"
)

// TestBackendConfig writes a SANE configuration directory enabling only
// SANE's own test backend (a real SANE device that needs no hardware) and
// returns the environment that points scanimage at it. Demo mode and tests
// use it so the same code path runs everywhere. Its devices (test:0,
// test:1) scan a 200×200 mm grid, not the backend's default solid black,
// so a scan is a page with content; --test-picture overrides it per scan.
func TestBackendConfig(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("docscan: SANE config dir: %w", err)
	}
	files := map[string]string{
		"dll.conf": "test\n",
		"test.conf": "number_of_devices 2\nmode Gray\ndepth 8\nresolution 150.0\n" +
			"test-picture \"Grid\"\ngeometry_min 0.0\ngeometry_max 200.0\ngeometry_quant 1.0\n" +
			"tl_x 0.0\ntl_y 0.0\nbr_x 200.0\nbr_y 200.0\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return nil, fmt.Errorf("docscan: SANE config: %w", err)
		}
	}
	return []string{"SANE_CONFIG_DIR=" + dir}, nil
}
