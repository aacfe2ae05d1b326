package scanner_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"govkiosk/drivers/scanner"
)

// Valid case numbers (kiosk.FormatCaseNumber): the check character is the
// last one.
const (
	caseA = "QH0001-20261125-000042-P"
	caseB = "HZ330106-20260302-000981-0"
)

// An e-ID-like token: 96 random-looking bytes, base64url without padding.
var eidToken = base64.RawURLEncoding.EncodeToString([]byte(strings.Repeat("\x8f\xa2gov\xfe\x01kiosk\xc3", 8)))

func TestClassify(t *testing.T) {
	stdToken := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("\xfb\xef\xbegov kiosk\x00", 6)))
	tests := []struct {
		name   string
		code   string
		class  scanner.Class
		value  string
		format string
	}{
		{"receipt QR", "GKCASE:" + caseA, scanner.ClassCaseNumber, caseA, "receipt"},
		{"receipt QR in lower case", "gkcase:" + strings.ToLower(caseB), scanner.ClassCaseNumber, caseB, "receipt"},
		{"receipt QR with surrounding spaces", "  GKCASE:" + caseA + " ", scanner.ClassCaseNumber, caseA, "receipt"},
		{"bare case number", caseA, scanner.ClassCaseNumber, caseA, "bare"},
		{"bare case number in lower case", strings.ToLower(caseA), scanner.ClassCaseNumber, caseA, "bare"},
		{"receipt link", "https://zwfw.example.gov.cn/q/" + caseA, scanner.ClassCaseNumber, caseA, "link"},
		{"receipt link in QR alphanumeric upper case", "HTTPS://ZWFW.EXAMPLE.GOV.CN/Q/" + caseA, scanner.ClassCaseNumber, caseA, "link"},
		{"receipt link with query and trailing slash", "http://hall.local:8080/kiosk/q/" + caseB + "/?src=receipt#x", scanner.ClassCaseNumber, caseB, "link"},
		{"e-ID base64url", eidToken, scanner.ClassEID, eidToken, "base64url"},
		{"e-ID base64 with padding", stdToken, scanner.ClassEID, stdToken, "base64"},
		{"EAN-13 with the right check digit", "6901234567892", scanner.ClassBarcode, "6901234567892", "EAN-13"},
		{"numeric barcode", "20261125", scanner.ClassBarcode, "20261125", "numeric"},
		{"Code 128 text", "ABC-123/x", scanner.ClassBarcode, "ABC-123/x", "ascii"},
		{"hex digest is a barcode, not an e-ID", strings.Repeat("9f86d081884c7d65", 4), scanner.ClassBarcode, strings.Repeat("9f86d081884c7d65", 4), "ascii"},
		{"long number is a barcode, not an e-ID", strings.Repeat("1234567890", 7), scanner.ClassBarcode, strings.Repeat("1234567890", 7), "numeric"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := scanner.Classify(tt.code)
			if r.Class != tt.class || r.Value != tt.value || r.Format != tt.format || r.Message != "" || r.Reason != "" {
				t.Errorf("Classify = %+v, want %v %q (%s)", r, tt.class, tt.value, tt.format)
			}
		})
	}
}

func TestClassifyRejects(t *testing.T) {
	tests := []struct {
		name   string
		code   string
		reason string
	}{
		{"empty", "", "empty"},
		{"spaces only", "   ", "only spaces"},
		{"invalid UTF-8", "QH\xff\xfe", "UTF-8"},
		{"control character", "6901234567892\x1d10ABC", "control"},
		{"tab suffix", caseA + "\t", "control"},
		{"DEL", "abc\x7f", "control"},
		{"C1 control", "abc\u0085", "control"},
		{"bidi override", "GKCASE:\u202e" + caseA, "format character"},
		{"zero-width space", caseA + "\u200b", "format character"},
		{"receipt prefix with a bad check character", "GKCASE:QH0001-20261125-000007-K", "invalid case number"},
		{"receipt prefix with nothing after", "GKCASE:", "invalid case number"},
		{"bare case number with a bad check character", "QH0001-20261125-000042-Q", "check character"},
		{"receipt link with a bad number", "https://zwfw.example.gov.cn/q/QH0001-20261125-000042-Q", "invalid case number"},
		{"other link", "https://weixin.qq.com/r/abcdEFGH", "does not end in /q/"},
		{"payment link", "HTTPS://QR.ALIPAY.COM/FKX01234", "does not end in /q/"},
		{"non-http scheme", "ftp://example.com/q/" + caseA, "not an http(s)"},
		{"link without host", "https:///q/" + caseA, "not an http(s)"},
		{"EAN-13 with a wrong check digit", "6901234567891", "EAN-13"},
		{"Chinese text", "张三 身份证", "not a receipt code"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := scanner.Classify(tt.code)
			if r.Class != scanner.ClassRejected || r.Value != "" || !strings.Contains(r.Reason, tt.reason) {
				t.Errorf("Classify = %+v, want rejected for %q", r, tt.reason)
			}
			if r.Message != "无法识别该二维码，请出示办件回执上的二维码" {
				t.Errorf("message = %q", r.Message)
			}
		})
	}
}

// The e-ID rule needs all of its parts; each near miss falls to another class.
func TestClassifyEIDNearMisses(t *testing.T) {
	tests := []struct {
		name string
		code string
		want scanner.Class
	}{
		{"one character short", eidToken[:scanner.EIDMinLen-1], scanner.ClassBarcode},
		{"mixed base64 and base64url alphabets", "+" + eidToken[1:70] + "/", scanner.ClassBarcode},
		{"three padding characters", eidToken[:69] + "===", scanner.ClassBarcode},
		{"no digits", strings.Repeat("AbcdEfgh", 9), scanner.ClassBarcode},
		{"no upper case", strings.Repeat("abcd1234", 9), scanner.ClassBarcode},
		{"length impossible for base64", eidToken[:65], scanner.ClassBarcode},
		{"non-canonical trailing bits", eidToken[:66] + "B", scanner.ClassBarcode},
		{"padding in the middle", eidToken[:40] + "==" + eidToken[40:68], scanner.ClassBarcode},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if r := scanner.Classify(tt.code); r.Class != tt.want {
				t.Errorf("Classify(%q) = %+v, want %v", tt.code, r, tt.want)
			}
		})
	}
}

func TestClassifyReasonNeverQuotesTheCode(t *testing.T) {
	for _, code := range []string{"6901234567891", "https://weixin.qq.com/r/secret", "GKCASE:QH0001-20261125-000007-K", "张三 身份证"} {
		if r := scanner.Classify(code); strings.Contains(r.Reason, code) || strings.Contains(r.Reason, "secret") || strings.Contains(r.Reason, "张三") {
			t.Errorf("reason %q quotes the code", r.Reason)
		}
	}
}
