package transport

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Open opens a port named the way configuration and kioskctl name them:
//
//	/dev/ttyUSB0, /dev/pts/3   serial port at baud
//	/dev/usb/lp0               USB printer class device file
//	tcp:10.0.0.9:9100          raw TCP
//	hid:0483:5750              first HID device with that vendor:product (hex),
//	                           raw reports (framing nil) or a byte stream
func Open(spec string, baud int, readTimeout time.Duration, framing *ReportFraming) (Port, error) {
	switch {
	case strings.HasPrefix(spec, "tcp:"):
		return DialTCP(strings.TrimPrefix(spec, "tcp:"), 3*time.Second, readTimeout)
	case strings.HasPrefix(spec, "hid:"):
		vid, pid, err := ParseHIDID(strings.TrimPrefix(spec, "hid:"))
		if err != nil {
			return nil, err
		}
		return OpenHID(HIDConfig{VendorID: vid, ProductID: pid, Framing: framing, ReadTimeout: readTimeout})
	case strings.HasPrefix(spec, "/dev/usb/lp"):
		return OpenFile(spec, readTimeout)
	case spec == "":
		return nil, fmt.Errorf("no port given")
	}
	return OpenSerial(SerialConfig{Name: spec, Baud: baud, ReadTimeout: readTimeout})
}

// ParseHIDID parses "0483:5750" (hexadecimal vendor and product).
func ParseHIDID(s string) (vendor, product uint16, err error) {
	v, p, ok := strings.Cut(s, ":")
	if !ok {
		return 0, 0, fmt.Errorf("HID id %q: want VENDOR:PRODUCT in hex, e.g. 0483:5750", s)
	}
	vv, err1 := strconv.ParseUint(v, 16, 16)
	pp, err2 := strconv.ParseUint(p, 16, 16)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("HID id %q: want VENDOR:PRODUCT in hex, e.g. 0483:5750", s)
	}
	return uint16(vv), uint16(pp), nil
}
