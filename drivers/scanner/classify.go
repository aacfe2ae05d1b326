package scanner

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"govkiosk/kiosk"
)

// Class is what a scanned code is to the kiosk.
type Class int

const (
	// ClassRejected: nothing the kiosk can use; show Result.Message.
	ClassRejected Class = iota
	// ClassCaseNumber: the QR code of one of our receipts; Result.Value is
	// the normalised case number, to query progress with.
	ClassCaseNumber
	// ClassEID: an electronic identity code (电子身份证, 网证) shown on a
	// phone; Result.Value is the opaque token, to verify with the issuer.
	ClassEID
	// ClassBarcode: a plain barcode; Result.Value is its text.
	ClassBarcode
)

func (c Class) String() string {
	switch c {
	case ClassCaseNumber:
		return "case-number"
	case ClassEID:
		return "e-id"
	case ClassBarcode:
		return "barcode"
	}
	return "rejected"
}

// MessageUnrecognised is what the citizen sees when a code is rejected.
const MessageUnrecognised = "无法识别该二维码，请出示办件回执上的二维码"

// ReceiptPrefix starts the content of the QR code printed on our receipts.
const ReceiptPrefix = "GKCASE:"

// EIDMinLen is the shortest code taken for an e-ID token.
const EIDMinLen = 64

// Result is a classified code.
type Result struct {
	Class Class
	// Value: the case number (normalised), the e-ID token, or the barcode
	// text; empty when rejected.
	Value string
	// Format says which rule matched: "receipt" (GKCASE:), "bare" or "link"
	// for a case number; "base64" or "base64url" for an e-ID; "EAN-13",
	// "numeric" or "ascii" for a barcode.
	Format string
	// Reason says in English why a code was rejected, for logs. It never
	// quotes the code.
	Reason string
	// Message is for the citizen (zh-CN) when the code was rejected.
	Message string
}

// Classify says what a scanned code is. The rules, in order:
//
//  1. Rejected: empty; not valid UTF-8; any control or format character
//     (C0, DEL, C1, and Cf such as zero-width and bidi overrides, which
//     could make a code display as something else). Spaces around the code
//     are then dropped.
//  2. Case number, from our receipt QR: "GKCASE:" (any case) and a number;
//     or a link (http or https) whose path ends in /q/<number>, with an
//     optional trailing slash (/Q/ too: a QR code in alphanumeric mode,
//     the densest for a link, holds upper case only); or a bare number. The number must pass
//     kiosk.ParseCaseNumber, check character included: a code that says it
//     is ours but does not check is rejected, never read as something
//     else; so is a bare code of the case-number shape. Only the number is taken from a link; the kiosk never opens it.
//     Any other link is rejected, so a citizen scanning a payment or
//     chat-app QR is told to show the receipt.
//  3. e-ID: at least EIDMinLen characters, all of the base64 alphabet
//     (A–Z a–z 0–9 + /) or all of the base64url one (A–Z a–z 0–9 - _),
//     not mixed, with at most two '=' of padding at the end; containing
//     upper case, lower case and digits (an encrypted or signed token
//     always does; hex digests and long numbers do not); and decoding as
//     canonical base64 or base64url. The token is opaque here: whether it is
//     a real e-ID only its issuer's verification service can say.
//  4. Barcode: printable ASCII. Thirteen digits are taken for an EAN-13 and
//     must carry the right check digit (a misread otherwise).
//  5. Anything else (text in Chinese, for instance) is rejected.
func Classify(code string) Result {
	if code == "" {
		return reject("empty code")
	}
	if !utf8.ValidString(code) {
		return reject("not valid UTF-8")
	}
	for i, r := range code {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return reject(fmt.Sprintf("control or format character U+%04X at byte %d", r, i))
		}
	}
	s := strings.Trim(code, " ")
	if s == "" {
		return reject("only spaces")
	}
	if len(s) >= len(ReceiptPrefix) && strings.EqualFold(s[:len(ReceiptPrefix)], ReceiptPrefix) {
		return caseNumber(s[len(ReceiptPrefix):], "receipt")
	}
	if strings.Contains(s, "://") {
		return caseLink(s)
	}
	if n, err := kiosk.ParseCaseNumber(s); err == nil {
		return Result{Class: ClassCaseNumber, Value: n, Format: "bare"}
	}
	if caseShape.MatchString(s) {
		return reject("a case number with a wrong check character (misread or mistyped)")
	}
	if format, ok := eidToken(s); ok {
		return Result{Class: ClassEID, Value: s, Format: format}
	}
	return barcode(s)
}

// caseShape is the shape of a case number without its check (see
// kiosk.ParseCaseNumber), so that a misread one is rejected rather than
// taken for a barcode.
var caseShape = regexp.MustCompile(`^(?i)[A-Z0-9]{2,12}-[0-9]{8}-[0-9]{6,12}-[0-9A-Z]$`)

func reject(reason string) Result {
	return Result{Class: ClassRejected, Reason: reason, Message: MessageUnrecognised}
}

func caseNumber(s, format string) Result {
	n, err := kiosk.ParseCaseNumber(s)
	if err != nil {
		return reject(format + " code with an invalid case number (shape or check character)")
	}
	return Result{Class: ClassCaseNumber, Value: n, Format: format}
}

func caseLink(s string) Result {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return reject("a link that is not an http(s) receipt link")
	}
	parts := strings.Split(strings.TrimSuffix(u.EscapedPath(), "/"), "/")
	if len(parts) < 2 || !strings.EqualFold(parts[len(parts)-2], "q") {
		return reject("a link whose path does not end in /q/<case number>")
	}
	return caseNumber(parts[len(parts)-1], "link")
}

func eidToken(s string) (string, bool) {
	if len(s) < EIDMinLen {
		return "", false
	}
	body := strings.TrimRight(s, "=")
	pad := len(s) - len(body)
	if pad > 2 {
		return "", false
	}
	var std, urlsafe, upper, lower, digit bool
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c >= 'A' && c <= 'Z':
			upper = true
		case c >= 'a' && c <= 'z':
			lower = true
		case c >= '0' && c <= '9':
			digit = true
		case c == '+' || c == '/':
			std = true
		case c == '-' || c == '_':
			urlsafe = true
		default:
			return "", false
		}
	}
	if (std && urlsafe) || !upper || !lower || !digit {
		return "", false
	}
	enc, format := base64.StdEncoding, "base64"
	if urlsafe {
		enc, format = base64.URLEncoding, "base64url"
	}
	if pad == 0 {
		enc = enc.WithPadding(base64.NoPadding)
	}
	if _, err := enc.Strict().DecodeString(s); err != nil {
		return "", false
	}
	return format, true
}

func barcode(s string) Result {
	digits := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7E {
			return reject("text that is not a receipt code, an e-ID code or a barcode")
		}
		if c < '0' || c > '9' {
			digits = false
		}
	}
	switch {
	case !digits:
		return Result{Class: ClassBarcode, Value: s, Format: "ascii"}
	case len(s) == 13 && !eanCheckOK(s):
		return reject("13 digits with a wrong EAN-13 check digit (misread?)")
	case len(s) == 13:
		return Result{Class: ClassBarcode, Value: s, Format: "EAN-13"}
	}
	return Result{Class: ClassBarcode, Value: s, Format: "numeric"}
}

// eanCheckOK verifies the last digit of an EAN-13 (GS1 General
// Specifications §7.9): weights 1 and 3 alternate from the left over the
// first twelve digits, and the check digit tops the sum up to a multiple
// of ten.
func eanCheckOK(s string) bool {
	sum := 0
	for i := 0; i < 12; i++ {
		d := int(s[i] - '0')
		if i%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return (10-sum%10)%10 == int(s[12]-'0')
}
