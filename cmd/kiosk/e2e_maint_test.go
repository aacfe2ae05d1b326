package main

import (
	"os"
	"path/filepath"
	"strings"
)

// maintenance drives maintenance mode in the real binary: five taps in the
// top-left corner end the citizen's session and bring the PIN screen (a
// fresh terminal asks for a new PIN, twice), the menu, and 退出维护 back
// to the attract screen; each step is in the audit log.
//
// Coordinates are the 1080×1920 portrait layout's: the PIN keypad's keys,
// and the footer (退出维护 left, 确定 right; the menu's 退出维护 across).
func (e *e2e) maintenance(dataDir string) {
	e.t.Helper()
	const (
		blue  = 0x1B4F9C // 确定, 退出维护 on the menu
		light = 0xDFE7F3 // the other buttons
	)
	keys := map[rune][2]int{
		'1': {349, 400}, '2': {539, 400}, '3': {729, 400},
		'4': {349, 504}, '5': {539, 504}, '6': {729, 504},
		'7': {349, 608}, '8': {539, 608}, '9': {729, 608},
		'0': {539, 712},
	}
	for range 5 {
		e.click(e.kiosk, 40, 40)
	}
	e.waitFor("the PIN screen", px{272, 1875, light}, px{807, 1875, blue}, px{349, 380, light})
	for range 2 { // the new PIN, then again
		for _, r := range "482915" {
			e.click(e.kiosk, keys[r][0], keys[r][1])
		}
		e.click(e.kiosk, 807, 1875) // 确定
	}
	e.waitFor("the maintenance menu", px{272, 1875, blue}, px{807, 1875, blue})
	e.click(e.kiosk, 540, 1875) // 退出维护
	e.waitFor("the attract screen again, no card", px{278, 480, blue}, px{800, 52, blue})

	audit, err := os.ReadFile(filepath.Join(dataDir, "audit.log"))
	if err != nil {
		e.t.Fatal(err)
	}
	for _, action := range []string{"maintenance_gesture", "pin_set", "maintenance_exit"} {
		if !strings.Contains(string(audit), `"action":"`+action+`"`) {
			e.t.Errorf("audit log lacks %s:\n%s", action, audit)
		}
	}
}
