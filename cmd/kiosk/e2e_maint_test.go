package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"govkiosk/internal/xdrive"
)

// maintenance drives maintenance mode in the real binary: five taps in the
// top-left corner (which would end a citizen's session) bring the PIN
// screen (a fresh terminal asks for a new PIN, twice), the menu, and
// 退出维护 back to the attract screen; each step is in the audit log.
//
// Coordinates are the 1080×1920 portrait layout's: the PIN keypad's keys,
// and the footer (退出维护 left, 确定 right; the menu's 退出维护 across).
// The footer's colours are read clear of the labels, which move when the
// window has grown a little wider (as the 办理完成 screen makes it).
func maintenance(t *testing.T, d *xdrive.Driver, dataDir string) {
	t.Helper()
	const light = 0xDFE7F3 // the buttons other than 确定 and the menu's 退出维护
	keys := map[rune][2]int{
		'1': {349, 400}, '2': {539, 400}, '3': {729, 400},
		'4': {349, 504}, '5': {539, 504}, '6': {729, 504},
		'7': {349, 608}, '8': {539, 608}, '9': {729, 608},
		'0': {539, 712},
	}
	for range 5 {
		d.Click(d.Kiosk, 40, 40)
	}
	d.WaitFor("the PIN screen", xdrive.Px{X: 120, Y: 1875, RGB: light}, xdrive.Px{X: 650, Y: 1875, RGB: xdrive.Blue}, xdrive.Px{X: 349, Y: 380, RGB: light})
	for range 2 { // the new PIN, then again
		for _, r := range "482915" {
			d.Click(d.Kiosk, keys[r][0], keys[r][1])
		}
		d.Click(d.Kiosk, 807, 1875) // 确定
	}
	d.WaitFor("the maintenance menu", xdrive.Px{X: 120, Y: 1875, RGB: xdrive.Blue}, xdrive.Px{X: 650, Y: 1875, RGB: xdrive.Blue})
	d.Click(d.Kiosk, 540, 1875) // 退出维护
	d.WaitHome("the attract screen again, no card")
	if err := d.Err(); err != nil {
		t.Fatal(err)
	}

	audit, err := os.ReadFile(filepath.Join(dataDir, "audit.log"))
	if err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{"maintenance_gesture", "pin_set", "maintenance_exit"} {
		if !strings.Contains(string(audit), `"action":"`+action+`"`) {
			t.Errorf("audit log lacks %s:\n%s", action, audit)
		}
	}
}
