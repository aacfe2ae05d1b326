// Package config is the terminal's configuration: one TOML file
// (/etc/govkiosk/kiosk.toml by default, --config FILE on every binary)
// overlaid on DefaultConfig, validated with errors that name the field. An
// unknown key is an error: a typo must never be silently ignored.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// DefaultPath is where the .deb installs the configuration.
const DefaultPath = "/etc/govkiosk/kiosk.toml"

// Config is the whole configuration. Field names are the file's keys.
type Config struct {
	TerminalID  string   `toml:"terminal_id"`
	HallURL     string   `toml:"hall_url"`
	DataDir     string   `toml:"data_dir"`
	IdleTimeout Duration `toml:"idle_timeout"`
	Language    string   `toml:"language"`
	ElderlyMode bool     `toml:"elderly_mode"`
	// Retention is how long delivered cases stay on the terminal for
	// progress queries; their personal part is deleted on delivery.
	Retention   Duration `toml:"retention"`
	HideCursor  bool     `toml:"hide_cursor"`
	Orientation string   `toml:"orientation"`
	// HallName and HallPhone are printed on receipts and tickets.
	HallName  string `toml:"hall_name"`
	HallPhone string `toml:"hall_phone"`

	IDCard  Device  `toml:"idcard"`
	Printer Printer `toml:"printer"`
	Scanner Scanner `toml:"scanner"`
	DocScan DocScan `toml:"docscan"`
}

// Device is a device's connection.
type Device struct {
	// Transport is serial, hid, usblp, tcp or none.
	Transport string `toml:"transport"`
	Port      string `toml:"port"` // /dev/ttyUSB0, /dev/usb/lp0, host:9100
	Baud      int    `toml:"baud"`
	Vendor    string `toml:"vendor"`  // HID vendor id, hex
	Product   string `toml:"product"` // HID product id, hex
}

// Printer is the receipt printer.
type Printer struct {
	Device
	Width int `toml:"width"` // paper width in mm: 58 or 80
}

// Scanner is the barcode scanner.
type Scanner struct {
	Device
	Mode string `toml:"mode"` // serial, keyboard, pos
}

// DocScan is the capture of paper materials: a SANE document scanner and
// a document camera (高拍仪). Identity documents, photos and licences go to
// the camera when there is one; documents and forms to the scanner.
type DocScan struct {
	// Scanner is a SANE device name (scanimage -L), e.g. fujitsu:fi-7160:1
	// or test:0; "" for none.
	Scanner string `toml:"scanner"`
	// Resolution is the scanner's dpi; pages are archived at 150 dpi.
	Resolution int `toml:"resolution"`
	// WidthMM and HeightMM bound the scan area; 0 is the whole glass.
	WidthMM  int `toml:"width_mm"`
	HeightMM int `toml:"height_mm"`
	// SANEConfigDir is SANE_CONFIG_DIR for scanimage; "" is /etc/sane.d.
	SANEConfigDir string `toml:"sane_config_dir"`
	// Camera is a V4L2 node (/dev/video0), "simulator", or "" for none.
	Camera       string `toml:"camera"`
	CameraWidth  int    `toml:"camera_width"`
	CameraHeight int    `toml:"camera_height"`
	// Timeout bounds one scan or one camera still.
	Timeout Duration `toml:"timeout"`
	// MaxPageKB is the hall's limit for one page (provincial spec: 90).
	MaxPageKB int `toml:"max_page_kb"`
}

// Duration is a time.Duration written as "90s", "30m", "720h".
type Duration struct{ time.Duration }

// UnmarshalText parses a Go duration, with d for days allowed ("30d").
func (d *Duration) UnmarshalText(b []byte) error {
	s := string(b)
	if strings.HasSuffix(s, "d") {
		var n int
		if _, err := fmt.Sscanf(s, "%dd", &n); err != nil || fmt.Sprintf("%dd", n) != s {
			return fmt.Errorf("%q is not a duration (e.g. 90s, 30m, 30d)", s)
		}
		d.Duration = time.Duration(n) * 24 * time.Hour
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration (e.g. 90s, 30m, 30d)", s)
	}
	d.Duration = v
	return nil
}

// MarshalText writes the duration back.
func (d Duration) MarshalText() ([]byte, error) {
	if d.Duration%(24*time.Hour) == 0 && d.Duration > 0 {
		return []byte(fmt.Sprintf("%dd", d.Duration/(24*time.Hour))), nil
	}
	return []byte(d.Duration.String()), nil
}

// DefaultConfig is the configuration before any file: the devices of a
// typical hall kiosk on its USB-serial adapters.
func DefaultConfig() Config {
	return Config{
		DataDir:     "/var/lib/govkiosk",
		IdleTimeout: Duration{90 * time.Second},
		Language:    "zh",
		Retention:   Duration{30 * 24 * time.Hour},
		Orientation: "portrait",
		HallName:    "政务服务中心",
		HallPhone:   "12345",
		IDCard:      Device{Transport: "serial", Port: "/dev/ttyUSB0", Baud: 115200},
		Printer:     Printer{Device: Device{Transport: "serial", Port: "/dev/ttyUSB1", Baud: 115200}, Width: 80},
		Scanner:     Scanner{Device: Device{Transport: "serial", Port: "/dev/ttyACM0", Baud: 9600}, Mode: "serial"},
		DocScan:     DocScan{Resolution: 300, CameraWidth: 2592, CameraHeight: 1944, Timeout: Duration{60 * time.Second}, MaxPageKB: 90},
	}
}

// FieldError names the key at fault.
type FieldError struct {
	Field string
	What  string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.What }

// Errors lists every problem of a file.
type Errors []error

func (es Errors) Error() string {
	var b strings.Builder
	for i, e := range es {
		if i > 0 {
			b.WriteString("\n")
		}
		b.WriteString(e.Error())
	}
	return b.String()
}

// Parse overlays data (TOML) on DefaultConfig and validates the result.
func Parse(data []byte) (Config, error) {
	c := DefaultConfig()
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(&c)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			return c, fmt.Errorf("line %d: %s", pe.Position.Line, pe.Message)
		}
		return c, err
	}
	var es Errors
	for _, k := range md.Undecoded() {
		es = append(es, &FieldError{Field: k.String(), What: "unknown key (a typo?)"})
	}
	if err := c.Validate(); err != nil {
		var ves Errors
		if errors.As(err, &ves) {
			es = append(es, ves...)
		} else {
			es = append(es, err)
		}
	}
	if len(es) > 0 {
		return c, es
	}
	return c, nil
}

// Load reads and parses a file.
func Load(path string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return DefaultConfig(), err
	}
	c, err := Parse(data)
	if err != nil {
		return c, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

var terminalIDRE = regexp.MustCompile(`^[A-Z0-9]{2,12}$`)

// Validate checks every field and returns Errors naming each bad one.
func (c *Config) Validate() error {
	var es Errors
	bad := func(field, format string, args ...any) {
		es = append(es, &FieldError{Field: field, What: fmt.Sprintf(format, args...)})
	}
	if c.TerminalID != "" && !terminalIDRE.MatchString(c.TerminalID) {
		bad("terminal_id", "%q: want 2-12 of A-Z 0-9 (it starts every case number)", c.TerminalID)
	}
	if c.HallURL != "" {
		u, err := url.Parse(c.HallURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad("hall_url", "%q is not an http(s) URL", c.HallURL)
		}
	}
	if c.DataDir == "" || !strings.HasPrefix(c.DataDir, "/") && !strings.HasPrefix(c.DataDir, ".") {
		bad("data_dir", "%q: want an absolute path", c.DataDir)
	}
	if c.IdleTimeout.Duration < 30*time.Second || c.IdleTimeout.Duration > 30*time.Minute {
		bad("idle_timeout", "%v: want between 30s and 30m", c.IdleTimeout.Duration)
	}
	if c.Language != "zh" && c.Language != "en" {
		bad("language", "%q: want zh or en", c.Language)
	}
	if c.Retention.Duration < 0 || c.Retention.Duration > 366*24*time.Hour {
		bad("retention", "%v: want between 0 and 366d", c.Retention.Duration)
	}
	if c.Orientation != "portrait" && c.Orientation != "landscape" {
		bad("orientation", "%q: want portrait or landscape", c.Orientation)
	}
	c.IDCard.validate("idcard", []string{"serial", "hid", "none"}, bad)
	c.Printer.validate("printer", []string{"serial", "usblp", "tcp", "none"}, bad)
	if c.Printer.Width != 58 && c.Printer.Width != 80 {
		bad("printer.width", "%d: want 58 or 80 (mm)", c.Printer.Width)
	}
	c.Scanner.validate("scanner", []string{"serial", "hid", "none"}, bad)
	if c.Scanner.Mode != "serial" && c.Scanner.Mode != "keyboard" && c.Scanner.Mode != "pos" {
		bad("scanner.mode", "%q: want serial, keyboard or pos", c.Scanner.Mode)
	}
	c.DocScan.validate(bad)
	if len(es) > 0 {
		return es
	}
	return nil
}

func (d *DocScan) validate(bad func(string, string, ...any)) {
	if d.Resolution < 100 || d.Resolution > 600 {
		bad("docscan.resolution", "%d: want 100-600 dpi", d.Resolution)
	}
	if d.WidthMM < 0 || d.WidthMM > 500 || d.HeightMM < 0 || d.HeightMM > 500 {
		bad("docscan.width_mm", "%dx%d mm: want 0-500 each (0 is the whole glass)", d.WidthMM, d.HeightMM)
	}
	if d.SANEConfigDir != "" && !strings.HasPrefix(d.SANEConfigDir, "/") {
		bad("docscan.sane_config_dir", "%q: want an absolute path", d.SANEConfigDir)
	}
	if d.Camera != "" && d.Camera != "simulator" && !strings.HasPrefix(d.Camera, "/dev/video") {
		bad("docscan.camera", "%q: want /dev/videoN, simulator, or empty for none", d.Camera)
	}
	if d.CameraWidth < 320 || d.CameraWidth > 10000 || d.CameraHeight < 240 || d.CameraHeight > 10000 {
		bad("docscan.camera_width", "%dx%d: want the camera's still size, e.g. 2592x1944", d.CameraWidth, d.CameraHeight)
	}
	if d.Timeout.Duration < 5*time.Second || d.Timeout.Duration > 5*time.Minute {
		bad("docscan.timeout", "%v: want between 5s and 5m", d.Timeout.Duration)
	}
	// The hall takes at most 4 MiB a request; a page must leave room for
	// the rest of its case.
	if d.MaxPageKB < 20 || d.MaxPageKB > 1024 {
		bad("docscan.max_page_kb", "%d: want 20-1024 (the provincial spec is 90)", d.MaxPageKB)
	}
}

func (d *Device) validate(table string, transports []string, bad func(string, string, ...any)) {
	ok := false
	for _, t := range transports {
		ok = ok || d.Transport == t
	}
	if !ok {
		bad(table+".transport", "%q: want one of %s", d.Transport, strings.Join(transports, ", "))
		return
	}
	switch d.Transport {
	case "serial":
		if !strings.HasPrefix(d.Port, "/") {
			bad(table+".port", "%q: want a device path like /dev/ttyUSB0", d.Port)
		}
		switch d.Baud {
		case 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200, 230400:
		default:
			bad(table+".baud", "%d is not a standard baud rate", d.Baud)
		}
	case "hid":
		if !isHex16(d.Vendor) {
			bad(table+".vendor", "%q: want a 4-digit hex USB vendor id, e.g. 0483", d.Vendor)
		}
		if !isHex16(d.Product) {
			bad(table+".product", "%q: want a 4-digit hex USB product id", d.Product)
		}
	case "usblp":
		if !strings.HasPrefix(d.Port, "/dev/usb/lp") {
			bad(table+".port", "%q: want /dev/usb/lpN", d.Port)
		}
	case "tcp":
		if !strings.Contains(d.Port, ":") {
			bad(table+".port", "%q: want host:port, e.g. 10.0.0.9:9100", d.Port)
		}
	}
}

var hex16RE = regexp.MustCompile(`^[0-9a-fA-F]{4}$`)

func isHex16(s string) bool { return hex16RE.MatchString(s) }

// PortSpec is the device's port as transport.Open names it.
func (d *Device) PortSpec() string {
	switch d.Transport {
	case "hid":
		return "hid:" + d.Vendor + ":" + d.Product
	case "tcp":
		return "tcp:" + d.Port
	}
	return d.Port
}

// Encode writes the configuration as TOML.
func (c *Config) Encode() ([]byte, error) {
	var b bytes.Buffer
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
