package sim

import (
	"fmt"
	"strings"

	"github.com/boombuler/barcode/code128"
	"github.com/boombuler/barcode/qr"
)

// The ESC/POS command set, command by command: how many bytes each takes
// and what it does to the simulated printer. Lengths and meanings follow
// Epson's ESC/POS Command Reference; FS commands follow the Chinese
// printer manuals (SPRT, HPRT, Sureprint).

// realtime handles DLE commands, which the printer executes at once even
// while offline (Epson: DLE EOT, DLE ENQ, DLE DC4).
func (m *escpos) realtime(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case 0x04: // DLE EOT n
		if len(b) < 3 {
			return 0
		}
		if a, ok := m.statusByte(b[2]); ok {
			m.answers = append(m.answers, a)
		} else {
			m.note("DLE EOT %d: no such status (no answer)", b[2])
		}
		return 3
	case 0x05: // DLE ENQ n: recover from an error
		if len(b) < 3 {
			return 0
		}
		return 3
	case 0x14: // DLE DC4 fn …: pulse, power-off, clear buffer
		if len(b) < 3 {
			return 0
		}
		if b[2] == 8 {
			return need(b, 10)
		}
		return need(b, 5)
	}
	m.note("DLE %#02x: unknown", b[1])
	return 1
}

// need returns n when b holds n bytes, else 0 (wait for more).
func need(b []byte, n int) int {
	if len(b) < n {
		return 0
	}
	return n
}

// skipLong takes a command of total bytes, of which b holds the start:
// whatever b has now is consumed and the rest skipped as it arrives.
func (m *escpos) skipLong(b []byte, total int) int {
	if total <= len(b) {
		return total
	}
	m.skip = total - len(b)
	return len(b)
}

// esc handles ESC commands (1B xx).
func (m *escpos) esc(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '@':
		m.reset()
		return 2
	case '2':
		m.lineSpacing = lineSpacing
		return 2
	case 'L', 'S', 'i', 'm', 'v', '<': // page/standard mode, cuts of old models, paper sensor
		if b[1] == 'i' || b[1] == 'm' {
			m.cut(0)
		}
		return 2
	case 'p': // ESC p m t1 t2: drawer kick
		return need(b, 5)
	case '$', '\\': // ESC $ nL nH, ESC \ nL nH: print positions
		return need(b, 4)
	case 'W': // page mode area
		return need(b, 10)
	case 'c': // ESC c 3/4/5 n: paper sensors, panel buttons
		return need(b, 4)
	case 'D': // ESC D n1 … nk NUL: tab stops
		return m.untilNUL(b, 2, 33)
	case '*': // ESC * m nL nH d…: bit image
		if len(b) < 5 {
			return 0
		}
		k := int(b[3]) | int(b[4])<<8
		if b[2] == 32 || b[2] == 33 {
			k *= 3
		}
		m.note("ESC * bit image: not drawn")
		return m.skipLong(b, 5+k)
	case '&': // ESC & y c1 c2 [x d1…d(y·x)]…: user-defined characters
		return m.userChars(b)
	case '(': // ESC ( fn pL pH …
		if len(b) < 5 {
			return 0
		}
		m.note("ESC ( %c: not simulated", b[2])
		return m.skipLong(b, 5+(int(b[3])|int(b[4])<<8))
	}
	if len(b) < 3 {
		return 0
	}
	n := b[2]
	switch b[1] {
	case '!': // ESC ! n: bit 3 bold, bit 4 double height, bit 5 double width
		m.bold = n&0x08 != 0
		m.hmul, m.wmul = 1+int(n>>4&1), 1+int(n>>5&1)
	case 'E':
		m.bold = n&1 != 0
	case 'G':
		m.strike = n&1 != 0
	case '3':
		m.lineSpacing = int(n)
	case 'a':
		if a := int(n) % 48; a <= 2 && (n <= 2 || (n >= 48 && n <= 50)) {
			m.align = a
		}
	case 'd':
		m.feed(int(n) * m.lineSpacing)
	case 'J':
		m.feed(int(n))
	case ' ', '-', '=', '?', 'M', 'R', 'T', 'U', 'V', 'e', 'K', 'r', 't', 'u', '{', '%':
		// spacing, underline, peripheral, fonts, code pages, rotation:
		// known, and no effect on what the simulator draws
	default:
		m.note("ESC %#02x: unknown, skipped 2 bytes", b[1])
		return 2
	}
	return 3
}

// userChars skips ESC & y c1 c2 and the definitions that follow.
func (m *escpos) userChars(b []byte) int {
	if len(b) < 5 {
		return 0
	}
	y, c1, c2 := int(b[2]), int(b[3]), int(b[4])
	i := 5
	for c := c1; c <= c2; c++ {
		if len(b) <= i {
			return 0
		}
		i += 1 + y*int(b[i])
	}
	m.note("ESC & user-defined characters: not drawn")
	if i > len(b) {
		return 0 // at most 95 × (1 + 3·12) bytes: held whole
	}
	return i
}

// untilNUL takes a command whose parameters end with NUL, looking at most
// max bytes past from; without a NUL there, only the command's first from
// bytes are taken.
func (m *escpos) untilNUL(b []byte, from, max int) int {
	for i := from; i < len(b) && i < from+max; i++ {
		if b[i] == 0 {
			return i + 1
		}
	}
	if len(b) < from+max {
		return 0
	}
	m.note("command %x without its NUL", b[:from])
	return from
}

// fs handles FS commands (1C xx): the Chinese-printer extensions.
func (m *escpos) fs(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '&':
		m.chinese = true
		return 2
	case '.':
		m.chinese = false
		return 2
	case 0x0e, 0x14, 'J', 'K', 'G', 0x0f, 0x12: // FS SO/DC4 Chinese double width, vertical, …
		return 2
	case '!', '-', 'C', 'W', 'I', 'i': // Chinese print mode, underline, code system, quadruple, rotation
		return need(b, 3)
	case 'S', 'p': // FS S n1 n2 spacing; FS p n m NV image
		return need(b, 4)
	case '2': // FS 2 c1 c2 d1…d72: user-defined Chinese character
		return need(b, 76)
	case '(': // FS ( fn pL pH …
		if len(b) < 5 {
			return 0
		}
		m.note("FS ( %c: not simulated", b[2])
		return m.skipLong(b, 5+(int(b[3])|int(b[4])<<8))
	}
	m.note("FS %#02x: unknown, skipped 2 bytes", b[1])
	return 2
}

// gs handles GS commands (1D xx).
func (m *escpos) gs(b []byte) int {
	if len(b) < 2 {
		return 0
	}
	switch b[1] {
	case '(':
		return m.gsParen(b)
	case 'V':
		if len(b) < 3 {
			return 0
		}
		switch b[2] {
		case 0, 1, 48, 49:
			m.cut(0)
			return 3
		}
		if len(b) < 4 {
			return 0
		}
		if b[2] == 65 || b[2] == 66 {
			m.cut(int(b[3]))
		} else {
			m.cut(0)
		}
		return 4
	case 'k':
		return m.barcodeCmd(b)
	case 'v': // GS v 0 m xL xH yL yH d…: raster image
		if len(b) < 8 {
			return 0
		}
		k := (int(b[4]) | int(b[5])<<8) * (int(b[6]) | int(b[7])<<8)
		m.note("GS v 0 raster image: not drawn")
		return m.skipLong(b, 8+k)
	case '*': // GS * x y d…: downloaded bit image, x·y·8 bytes
		if len(b) < 4 {
			return 0
		}
		return m.skipLong(b, 4+int(b[2])*int(b[3])*8)
	case '8': // GS 8 L p1 p2 p3 p4 …: long form of GS ( L
		if len(b) < 7 {
			return 0
		}
		k := int(b[3]) | int(b[4])<<8 | int(b[5])<<16 | int(b[6])<<24
		m.note("GS 8 %c: not simulated", b[2])
		return m.skipLong(b, 7+k)
	case ':', 'c':
		return 2
	case '$', 'L', 'P', 'W', '\\':
		return need(b, 4)
	case '^', 'z':
		return need(b, 5)
	case 'g':
		return need(b, 6)
	}
	if len(b) < 3 {
		return 0
	}
	n := b[2]
	switch b[1] {
	case '!': // GS ! n: width bits 4-7, height bits 0-3, each 1-8 times
		m.wmul, m.hmul = 1+int(n>>4&7), 1+int(n&7)
	case 'h':
		if n > 0 {
			m.bcHeight = int(n)
		}
	case 'w':
		if n >= 1 && n <= 6 {
			m.bcModule = int(n)
		}
	case 'H':
		m.hri = int(n) % 48 & 3
	case 'r': // GS r n: transmit status, in turn with the data (not real time)
		switch n {
		case 1, 49: // paper sensor: bits 0-1 near end, bits 2-3 paper end
			var a byte
			if m.dev.nearEndNow() {
				a |= 0x03
			}
			if m.dev.paperOut {
				a |= 0x0c
			}
			m.answers = append(m.answers, a)
		case 2, 50: // drawer kick connector: low
			m.answers = append(m.answers, 0)
		}
	case 'a':
		if n != 0 {
			m.note("GS a %d: automatic status back not simulated", n)
		}
	case 'B', 'E', 'I', 'T', 'b', 'f', '/', 'C':
		// reverse, emphasis variants, printer ID, print position, smoothing,
		// HRI font, defined image: no effect on the drawing
	default:
		m.note("GS %#02x: unknown, skipped 2 bytes", b[1])
		return 2
	}
	return 3
}

// gsParen handles GS ( x pL pH …; GS ( k with cn = 49 is QR Code.
func (m *escpos) gsParen(b []byte) int {
	if len(b) < 5 {
		return 0
	}
	total := 5 + (int(b[3]) | int(b[4])<<8)
	if b[2] != 'k' {
		m.note("GS ( %c: not simulated", b[2])
		return m.skipLong(b, total)
	}
	if len(b) < total {
		return 0 // at most 64 KiB: held whole
	}
	p := b[5:total]
	if len(p) < 2 || p[0] != 49 {
		m.note("GS ( k: 2D symbol cn=%d not simulated", firstOr(p, 0))
		return total
	}
	switch fn, args := p[1], p[2:]; fn {
	case 65, 67, 69:
		if len(args) > 0 {
			switch v := int(args[0]); {
			case fn == 65 && v != 50:
				m.note("GS ( k: QR model %d: printed as model 2", v-48)
			case fn == 67 && v >= 1 && v <= 16:
				m.qrModule = v
			case fn == 69 && v >= 48 && v <= 51:
				m.qrLevel = v - 48
			}
		}
	case 80:
		if len(args) >= 1 {
			m.qrData = append(m.qrData[:0], args[1:]...)
		}
	case 81:
		m.printQR()
	default:
		m.note("GS ( k: QR function %d not simulated", fn)
	}
	return total
}

func firstOr(p []byte, d byte) byte {
	if len(p) == 0 {
		return d
	}
	return p[0]
}

var qrLevels = [4]qr.ErrorCorrectionLevel{qr.L, qr.M, qr.Q, qr.H}

func (m *escpos) printQR() {
	if len(m.qrData) == 0 || m.dev.stopped() {
		return
	}
	data := string(m.qrData)
	code, err := qr.Encode(data, qrLevels[m.qrLevel], qr.Auto)
	if err != nil {
		m.note("QR code not printed: %v", err)
		return
	}
	side := code.Bounds().Dx() * m.qrModule
	if side > m.dots {
		m.note("QR code %d dots wide does not fit the paper: not printed", side)
		return
	}
	if len(m.line) > 0 {
		m.printLine()
	}
	m.emit(element{kind: elemQR, h: side, align: m.align, code: code, module: m.qrModule, text: "[QR] " + data})
}

// barcodeCmd handles GS k: m 0-6 end with NUL, m 65-79 carry a length.
func (m *escpos) barcodeCmd(b []byte) int {
	if len(b) < 3 {
		return 0
	}
	kind := b[2]
	if kind <= 6 {
		n := m.untilNUL(b, 3, maxNULSearch)
		if n > 3 {
			m.note("GS k %d: barcode system not simulated", kind)
		}
		return n
	}
	if len(b) < 4 {
		return 0
	}
	total := 4 + int(b[3])
	if len(b) < total {
		return 0
	}
	if kind != 73 {
		m.note("GS k %d: barcode system not simulated", kind)
		return total
	}
	m.printCode128(b[4:total])
	return total
}

// printCode128 draws GS k 73 data: "{A", "{B" or "{C" first, "{{" for a
// literal '{', and in code set C each byte is a pair of digits.
func (m *escpos) printCode128(data []byte) {
	if m.dev.stopped() {
		return
	}
	text, err := code128Text(data)
	if err != nil {
		m.note("CODE128 not printed: %v", err)
		return
	}
	code, err := code128.Encode(text)
	if err != nil {
		m.note("CODE128 not printed: %v", err)
		return
	}
	if w := code.Bounds().Dx() * m.bcModule; w > m.dots {
		m.note("CODE128 %d dots wide does not fit the paper: not printed", w)
		return
	}
	if len(m.line) > 0 {
		m.printLine()
	}
	h := m.bcHeight
	if m.hri&1 != 0 {
		h += hriHeight
	}
	if m.hri&2 != 0 {
		h += hriHeight
	}
	m.emit(element{kind: elemBarcode, h: h, align: m.align, code: code, module: m.bcModule, barH: m.bcHeight,
		hri: m.hri, text: "[CODE128] " + text})
}

func code128Text(data []byte) (string, error) {
	if len(data) < 2 || data[0] != '{' || data[1] < 'A' || data[1] > 'C' {
		return "", fmt.Errorf("data must start with {A, {B or {C")
	}
	var sb strings.Builder
	set := data[1]
	for i := 2; i < len(data); i++ {
		c := data[i]
		if c == '{' && i+1 < len(data) {
			i++
			switch next := data[i]; next {
			case '{':
				sb.WriteByte('{')
			case 'A', 'B', 'C':
				set = next
			}
			continue // FNC1-4 and SHIFT carry no text
		}
		switch {
		case set == 'C' && c <= 99:
			fmt.Fprintf(&sb, "%02d", c)
		case set == 'C':
			return "", fmt.Errorf("code set C value %d", c)
		case c >= 0x20 && c < 0x7f:
			sb.WriteByte(c)
		}
	}
	if sb.Len() == 0 {
		return "", fmt.Errorf("no data")
	}
	return sb.String(), nil
}
