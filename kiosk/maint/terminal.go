package maint

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"govkiosk/drivers/transport"
	"govkiosk/kiosk"
	"govkiosk/kiosk/config"
	"govkiosk/kiosk/logging"
	"govkiosk/sync/client"
)

// Terminal is the technician's work on this terminal that needs neither
// the running devices nor the uploader: the PIN, enrolment, the device
// ports in the configuration, logs. The maintenance screens (through the
// app) use it; every change it makes is audit-logged.
type Terminal struct {
	// ConfigPath is the configuration file; "" (demo mode) means there is
	// none to change.
	ConfigPath string
	Config     config.Config
	Clock      kiosk.Clock
	// Who names the technician in the audit log.
	Who string
	// USBRoots are where removable drives are mounted; default /media and
	// /run/media (udisks mounts at /media/USER/LABEL or /run/media/USER/LABEL).
	USBRoots []string
	// PINParams are the PIN hash's costs; zero means DefaultParams (tests
	// use cheap ones).
	PINParams Params

	pinOnce sync.Once
	pin     *PIN
}

// AuditLog is the audit log's path in the data directory.
func (t *Terminal) AuditLog() string { return filepath.Join(t.Config.DataDir, "audit.log") }

// Audit appends one event to the audit log; an audit that cannot be
// written is reported, not hidden.
func (t *Terminal) Audit(action string, detail map[string]string) error {
	if detail == nil {
		detail = map[string]string{}
	}
	if _, ok := detail["who"]; !ok {
		detail["who"] = t.Who
	}
	return config.Audit(t.AuditLog(), action, detail)
}

// PIN is the terminal's technician PIN, audited into the audit log.
func (t *Terminal) PIN() *PIN {
	t.pinOnce.Do(func() {
		t.pin = Open(t.Config.DataDir, Options{Clock: t.Clock, Params: t.PINParams,
			Audit: func(a string, d map[string]string) { t.Audit(a, d) }})
	})
	return t.pin
}

// Enroll trades a one-time code from the hall at hall_url for the
// terminal's credentials, saved in data_dir readable only by its owner.
func (t *Terminal) Enroll(ctx context.Context, code, name string) (*client.Credentials, error) {
	if t.Config.HallURL == "" {
		return nil, errors.New("hall_url is not set in the configuration: set it first (kioskctl config set hall_url https://…)")
	}
	code = strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(code), "-", ""))
	creds, err := client.Enroll(ctx, nil, t.Config.HallURL, code, name)
	if err != nil {
		t.Audit("enroll_failed", map[string]string{"hall_url": t.Config.HallURL, "err": err.Error()})
		return nil, err
	}
	if err := os.MkdirAll(t.Config.DataDir, 0o700); err != nil {
		return nil, err
	}
	if err := creds.Save(t.Config.DataDir); err != nil {
		return nil, fmt.Errorf("enrolled as %s but could not save the credentials: %w", creds.TerminalID, err)
	}
	t.Audit("enroll", map[string]string{"terminal_id": creds.TerminalID, "hall_url": t.Config.HallURL})
	return creds, nil
}

// Port is a serial port or HID device present on the terminal.
type Port struct {
	Kind  string // serial or hid
	Path  string // /dev/ttyUSB0, or hid:VVVV:PPPP
	Label string
}

// Discover lists the serial ports and HID devices present. A HID listing
// that fails (no hidraw access) leaves the serial ports listed.
func Discover() ([]Port, error) {
	serial, err := transport.ListSerial()
	if err != nil {
		return nil, fmt.Errorf("list serial ports: %w", err)
	}
	var out []Port
	for _, p := range serial {
		out = append(out, Port{Kind: "serial", Path: p.Path, Label: strings.TrimSpace(p.Product + " " + p.Driver)})
	}
	hids, _ := transport.ListHID(0, 0)
	for _, h := range hids {
		out = append(out, Port{Kind: "hid", Path: fmt.Sprintf("hid:%04x:%04x", h.VendorID, h.ProductID),
			Label: strings.TrimSpace(h.Manufacturer + " " + h.Product)})
	}
	return out, nil
}

// DevicePorts is each device's configured port.
func (t *Terminal) DevicePorts() map[string]string {
	c := t.Config
	show := func(d config.Device) string {
		if d.Transport == "none" {
			return "—"
		}
		return d.PortSpec()
	}
	return map[string]string{"idcard": show(c.IDCard), "printer": show(c.Printer.Device), "scanner": show(c.Scanner.Device)}
}

// SetDevicePort points device (idcard, printer, scanner) at p in the
// configuration: one validated, atomic, archived and audited write. It
// takes effect when the kiosk restarts.
func (t *Terminal) SetDevicePort(device string, p Port) error {
	if t.ConfigPath == "" {
		return errors.New("no configuration file (demo mode): nothing to change")
	}
	switch device {
	case "idcard", "printer", "scanner":
	default:
		return fmt.Errorf("unknown device %q", device)
	}
	var kvs []config.KeyValue
	switch p.Kind {
	case "serial":
		if _, err := os.Stat(p.Path); err != nil {
			return fmt.Errorf("port %s: %w", p.Path, err)
		}
		kvs = []config.KeyValue{{Key: device + ".transport", Value: "serial"}, {Key: device + ".port", Value: p.Path}}
		if device == "scanner" && t.Config.Scanner.Mode != "serial" {
			kvs = append(kvs, config.KeyValue{Key: "scanner.mode", Value: "serial"})
		}
	case "hid":
		var vid, pid string
		if _, err := fmt.Sscanf(p.Path, "hid:%4s:%4s", &vid, &pid); err != nil {
			return fmt.Errorf("HID device %q: want hid:VVVV:PPPP", p.Path)
		}
		if device == "printer" {
			return errors.New("a receipt printer is not a HID device: choose its serial port or /dev/usb/lp*")
		}
		kvs = []config.KeyValue{{Key: device + ".transport", Value: "hid"}, {Key: device + ".vendor", Value: vid}, {Key: device + ".product", Value: pid}}
		if device == "scanner" && t.Config.Scanner.Mode == "serial" {
			kvs = append(kvs, config.KeyValue{Key: "scanner.mode", Value: "keyboard"})
		}
	default:
		return fmt.Errorf("unknown port kind %q", p.Kind)
	}
	if _, err := config.SetKeys(t.ConfigPath, kvs, t.Who, t.AuditLog(), t.Clock.Now()); err != nil {
		return err
	}
	c, err := config.Load(t.ConfigPath)
	if err != nil {
		return err
	}
	t.Config.IDCard, t.Config.Printer, t.Config.Scanner = c.IDCard, c.Printer, c.Scanner
	return nil
}

// RecentLogs is the last n lines of the newest log file.
func (t *Terminal) RecentLogs(n int) ([]string, error) {
	dir := logging.Dir(t.Config.DataDir)
	names, err := filepath.Glob(filepath.Join(dir, "*.log"))
	if err != nil || len(names) == 0 {
		return nil, err
	}
	newest, newestAt := "", time.Time{}
	for _, name := range names {
		if fi, err := os.Stat(name); err == nil && fi.ModTime().After(newestAt) {
			newest, newestAt = name, fi.ModTime()
		}
	}
	f, err := os.Open(newest)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		lines = append(lines, sc.Text())
		if len(lines) > n {
			lines = lines[1:]
		}
	}
	return lines, sc.Err()
}

// USBDirs are the folders of mounted removable drives.
func (t *Terminal) USBDirs() []string {
	roots := t.USBRoots
	if roots == nil {
		roots = []string{"/media", "/run/media"}
	}
	var out []string
	for _, root := range roots {
		for _, pattern := range []string{"*/*", "*"} {
			dirs, _ := filepath.Glob(filepath.Join(root, pattern))
			for _, d := range dirs {
				if fi, err := os.Stat(d); err == nil && fi.IsDir() && isMountPoint(d) {
					out = append(out, d)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// isMountPoint: a drive's folder is on another device than its parent.
func isMountPoint(dir string) bool {
	a, errA := os.Stat(dir)
	b, errB := os.Stat(filepath.Dir(dir))
	if errA != nil || errB != nil {
		return false
	}
	return deviceOf(a) != deviceOf(b)
}

// ExportLogs copies the logs into dir (whole or not at all) and audits it.
func (t *Terminal) ExportLogs(dir string) (string, int, error) {
	out, n, err := logging.Export(t.Config.DataDir, dir, t.Clock.Now().Format("20060102-150405"))
	if err != nil {
		t.Audit("logs_export_failed", map[string]string{"dir": dir, "err": err.Error()})
		return "", 0, err
	}
	t.Audit("logs_export", map[string]string{"dir": out, "files": fmt.Sprint(n)})
	return out, n, nil
}

func deviceOf(fi os.FileInfo) uint64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev)
	}
	return 0
}
