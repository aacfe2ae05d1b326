package docscan

import (
	"embed"
	"fmt"
	"path"
)

// simFrames are desk photos of test pages as a 1600×1200 document camera
// sees them, turned and slightly oblique; TestSimulatorFrames regenerates
// them with -write-frames and checks that each flattens into a page.
//
//go:embed simframes/*.jpg
var simFrames embed.FS

// SimulatorFrames returns the bundled desk photos, for demo mode.
func SimulatorFrames() ([][]byte, error) {
	entries, err := simFrames.ReadDir("simframes")
	if err != nil {
		return nil, fmt.Errorf("docscan: simulator frames: %w", err)
	}
	var frames [][]byte
	for _, e := range entries {
		n := path.Join("simframes", e.Name())
		b, err := simFrames.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("docscan: simulator frame %s: %w", n, err)
		}
		frames = append(frames, b)
	}
	return frames, nil
}
