package transport

import (
	"os"
	"path/filepath"
	"testing"
)

// A fake /sys/class/tty: a USB adapter, a real 8250 UART, a phantom 8250
// port and a virtual console.
func TestListSerial(t *testing.T) {
	root := t.TempDir()
	sys := filepath.Join(root, "class/tty")
	mk := func(p string) string {
		p = filepath.Join(root, p)
		if err := os.MkdirAll(p, 0o755); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write := func(p, s string) {
		if err := os.WriteFile(filepath.Join(root, p), []byte(s+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		if err := os.Symlink(filepath.Join(root, target), filepath.Join(root, name)); err != nil {
			t.Fatal(err)
		}
	}
	mk("drivers/ftdi_sio")
	mk("drivers/serial8250")
	mk("devices/usb1/1-1/1-1:1.0/ttyUSB0")
	write("devices/usb1/1-1/idVendor", "0403")
	write("devices/usb1/1-1/idProduct", "6001")
	write("devices/usb1/1-1/product", "FT232R USB UART")
	link("drivers/ftdi_sio", "devices/usb1/1-1/1-1:1.0/ttyUSB0/driver")
	mk("devices/platform/serial8250/s0")
	mk("devices/platform/serial8250/s1")
	link("drivers/serial8250", "devices/platform/serial8250/s0/driver")
	link("drivers/serial8250", "devices/platform/serial8250/s1/driver")
	for name, dev := range map[string]string{"ttyUSB0": "devices/usb1/1-1/1-1:1.0/ttyUSB0", "ttyS0": "devices/platform/serial8250/s0", "ttyS1": "devices/platform/serial8250/s1"} {
		mk("class/tty/" + name)
		link(dev, "class/tty/"+name+"/device")
	}
	write("class/tty/ttyS0/type", "4")
	write("class/tty/ttyS1/type", "0")
	mk("class/tty/tty1")

	got, err := listSerial(sys, "/dev")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("ports = %+v", got)
	}
	if got[0].Path != "/dev/ttyS0" || got[0].Driver != "serial8250" {
		t.Errorf("ttyS0 = %+v", got[0])
	}
	if got[1].Path != "/dev/ttyUSB0" || got[1].USB != "0403:6001" || got[1].Product != "FT232R USB UART" || got[1].Driver != "ftdi_sio" {
		t.Errorf("ttyUSB0 = %+v", got[1])
	}
}
