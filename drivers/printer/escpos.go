package printer

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// ESC/POS control codes.
const (
	lf  = 0x0a
	dle = 0x10
	eot = 0x04
	esc = 0x1b
	fs  = 0x1c
	gs  = 0x1d
)

// The commands the encoder emits. References: Epson ESC/POS Command
// Reference (reference.epson-biz.com/modules/ref_escpos), entry by entry.
var (
	// ESC @ (1B 40): initialize printer. Clears the print buffer and resets
	// alignment, emphasis and character size to their defaults.
	cmdInit = []byte{esc, '@'}
	// FS & (1C 26): select Kanji/Chinese character mode. On Chinese
	// printers (SPRT SP series §4.2.8, Sureprint SP91 "Set Chinese
	// character mode", HPRT TP80K) every byte ≥ 0x81 then starts a
	// two-byte GB2312/GBK/GB18030 code printed as a 24×24 glyph.
	cmdChinese = []byte{fs, '&'}
)

// ESC a n (1B 61 n): select justification, n = 0 left, 1 centre, 2 right.
// Effective only at the beginning of a line, which is where we send it.
func cmdAlign(a Align) []byte { return []byte{esc, 'a', byte(a)} }

// ESC E n (1B 45 n): turn emphasized (bold) mode on (n&1 = 1) or off.
func cmdBold(on bool) []byte { return []byte{esc, 'E', b2i(on)} }

// GS ! n (1D 21 n): select character size; bits 4-7 are width-1, bits 0-3
// height-1 (0x00 normal, 0x10 double width, 0x01 double height, 0x11 both).
func cmdSize(st Style) []byte {
	return []byte{gs, '!', byte(st.width()-1)<<4 | byte(st.height()-1)}
}

// ESC d n (1B 64 n): print the buffer and feed n lines.
func cmdFeed(n int) []byte { return []byte{esc, 'd', byte(n)} }

// GS V m n (1D 56 m n), function B: feed to the cutting position plus n
// dots and cut; m = 65 ('A') full cut, 66 ('B') partial cut. Function B
// is used rather than A (GS V 0/1) because A cuts where the paper stands,
// leaving the last lines of the receipt on the printer's side of the
// blade (mike42/escpos-php Printer::cut sends the same).
func cmdCut(full bool) []byte {
	if full {
		return []byte{gs, 'V', 'A', 0}
	}
	return []byte{gs, 'V', 'B', 0}
}

// DLE EOT n (10 04 n): transmit real-time status, n = 1 printer, 2
// offline cause, 3 error cause, 4 roll paper sensor. The printer answers
// one byte at once, even while offline; see DecodeStatus.
func cmdStatus(n byte) []byte { return []byte{dle, eot, n} }

// GS ( k pL pH cn fn [params] (1D 28 6B …): 2D symbols; cn = 49 ('1') is
// QR Code. The five functions a QR code needs, in the order Epson's
// reference gives them (and mike42/escpos-php Printer::qrCode sends):
//
//	fn 65 (165) select model:  GS ( k 04 00 31 41 n1 n2  n1 = 50 model 2, n2 = 0
//	fn 67 (167) module size:   GS ( k 03 00 31 43 n      n = 1-16 dots
//	fn 69 (169) error level:   GS ( k 03 00 31 45 n      n = 48 L, 49 M, 50 Q, 51 H
//	fn 80 (180) store data:    GS ( k pL pH 31 50 30 d1…dk  pL+256·pH = k+3
//	fn 81 (181) print symbol:  GS ( k 03 00 31 51 30
func appendQR(b []byte, data string, module int, level QRLevel) []byte {
	b = append(b, gs, '(', 'k', 4, 0, '1', 'A', '2', 0)
	b = append(b, gs, '(', 'k', 3, 0, '1', 'C', byte(module))
	b = append(b, gs, '(', 'k', 3, 0, '1', 'E', '0'+byte(level))
	n := len(data) + 3
	b = append(b, gs, '(', 'k', byte(n), byte(n>>8), '1', 'P', '0')
	b = append(b, data...)
	return append(b, gs, '(', 'k', 3, 0, '1', 'Q', '0')
}

// Barcode commands:
//
//	GS h n (1D 68 n)  bar height in dots, 1-255
//	GS w n (1D 77 n)  module width, 2-6 dots
//	GS H n (1D 48 n)  HRI characters: 0 none, 2 below
//	GS k m n d1…dn (1D 6B 49 n …)  m = 73 CODE128; the data starts with a
//	    code set selector "{B", and a literal '{' is sent as "{{" (Epson's
//	    GS k notes; Citizen PD-22 and Hwasung HMK-081 manuals show the same).
func appendBarcode(b []byte, data string, height, module int, hri bool) []byte {
	h := byte(0)
	if hri {
		h = 2
	}
	b = append(b, gs, 'h', byte(height), gs, 'w', byte(module), gs, 'H', h)
	esc := strings.ReplaceAll(data, "{", "{{")
	b = append(b, gs, 'k', 73, byte(len(esc)+2), '{', 'B')
	return append(b, esc...)
}

// code128Modules is the width of a code set B symbol in modules: start,
// data and check characters of 11 modules each, and a 13-module stop.
func code128Modules(data string) int {
	return 11*(len(data)+2) + 13
}

// Defaults of the document blocks.
const (
	defaultQRModule      = 6
	defaultBarcodeHeight = 64
	defaultBarcodeModule = 2
)

// ErrDocument is wrapped by Encode errors: a block that cannot print on
// this paper (too wide, too long, characters a symbology cannot carry).
var ErrDocument = errors.New("printer: document")

// Encode turns doc into the ESC/POS bytes for paper: ESC @, FS &, then the
// blocks, text in GB18030.
func Encode(doc *Document, paper Paper) ([]byte, error) {
	var e encoder
	return e.encode(doc, paper)
}

// encoder keeps the printer's modes as they stand, to send a mode command
// only when it changes, and the offsets where a job can be split: between
// whole commands, never inside a GB18030 character or a command's
// parameters, where a DLE EOT would be taken as data.
type encoder struct {
	out    []byte
	splits []int
	gb     transform.Transformer
	style  Style
	paper  Paper
}

func (e *encoder) encode(doc *Document, paper Paper) ([]byte, error) {
	if paper.Columns <= 0 || paper.Dots <= 0 {
		return nil, fmt.Errorf("%w: paper %+v has no width", ErrDocument, paper)
	}
	e.paper, e.style = paper, Style{}
	e.gb = simplifiedchinese.GB18030.NewEncoder()
	e.out, e.splits = append(e.out[:0], cmdInit...), e.splits[:0]
	e.out = append(e.out, cmdChinese...)
	for i, b := range doc.Blocks {
		if err := e.block(b); err != nil {
			return nil, fmt.Errorf("%w: block %d (%T): %v", ErrDocument, i, b, err)
		}
		e.splits = append(e.splits, len(e.out))
	}
	return e.out, nil
}

func (e *encoder) block(b Block) error {
	switch b := b.(type) {
	case Text:
		cols := e.paper.Columns / b.Style.width()
		indent := min(max(b.Indent, 0), cols/2)
		for i, line := range WrapIndent(b.Text, cols, indent) {
			e.setStyle(b.Style)
			if i > 0 && line != "" {
				for range indent {
					e.out = append(e.out, ' ')
				}
			}
			e.text(line)
			e.out = append(e.out, lf)
			e.splits = append(e.splits, len(e.out))
		}
	case Separator:
		c := b.Char
		if c < 0x21 || c > 0x7e {
			c = '-'
		}
		e.setStyle(Style{})
		for range e.paper.Columns {
			e.out = append(e.out, c)
		}
		e.out = append(e.out, lf)
	case QR:
		return e.qr(b)
	case Barcode:
		return e.barcode(b)
	case Feed:
		n := b.Lines
		if n <= 0 {
			n = 1
		}
		e.out = append(e.out, cmdFeed(min(n, 255))...)
	case Cut:
		e.out = append(e.out, cmdCut(b.Full)...)
	case nil:
		return errors.New("nil block")
	default:
		return fmt.Errorf("unknown block type")
	}
	return nil
}

func (e *encoder) setStyle(st Style) {
	if st.Align != e.style.Align {
		e.out = append(e.out, cmdAlign(st.Align)...)
	}
	if st.Bold != e.style.Bold {
		e.out = append(e.out, cmdBold(st.Bold)...)
	}
	if st.width() != e.style.width() || st.height() != e.style.height() {
		e.out = append(e.out, cmdSize(st)...)
	}
	e.style = st
}

// text appends s in GB18030. Wrap has dropped control characters, and no
// GB18030 trail byte is below 0x30, so the bytes hold no command.
func (e *encoder) text(s string) {
	if isASCII(s) {
		e.out = append(e.out, s...)
		return
	}
	e.gb.Reset()
	src := []byte(s)
	for {
		e.out = slices.Grow(e.out, 4*len(src)+16)
		nDst, nSrc, err := e.gb.Transform(e.out[len(e.out):cap(e.out)], src, true)
		e.out = e.out[:len(e.out)+nDst]
		src = src[nSrc:]
		if err != transform.ErrShortDst {
			// GB18030 encodes every Unicode scalar value; anything the
			// transformer still refuses (invalid UTF-8) is dropped.
			return
		}
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

func (e *encoder) qr(q QR) error {
	if q.Data == "" {
		return errors.New("QR code with no data")
	}
	if q.Level > QRLevelH {
		return fmt.Errorf("QR level %d: want L, M, Q or H", q.Level)
	}
	if strings.IndexByte(q.Data, dle) >= 0 {
		// A DLE EOT inside the data would be answered as a status request
		// (Epson notes real-time commands are executed even inside other
		// commands' data) and the stray answer confused with the next.
		return errors.New("QR data holds a DLE (0x10) byte")
	}
	modules := qrModules(len(q.Data), q.Level)
	if modules == 0 {
		return fmt.Errorf("QR data of %d bytes does not fit a QR code at level %d", len(q.Data), q.Level)
	}
	size := q.Module
	switch {
	case size == 0:
		size = defaultQRModule
		for size > 1 && size*modules > e.paper.Dots {
			size--
		}
	case size < 1 || size > 16:
		return fmt.Errorf("QR module size %d: want 1-16", size)
	}
	if size*modules > e.paper.Dots {
		return fmt.Errorf("QR code %d dots wide does not fit %s paper (%d dots)", size*modules, e.paper, e.paper.Dots)
	}
	e.setStyle(Style{Align: q.Align})
	// The printer draws the symbol flush against the lines above and
	// below it; ISO/IEC 18004 wants a quiet zone of 4 modules, or phone
	// scanners fail. ESC J n (1B 4A n) feeds n dots.
	quiet := byte(4 * size)
	e.out = append(e.out, esc, 'J', quiet)
	e.out = appendQR(e.out, q.Data, size, q.Level)
	e.out = append(e.out, esc, 'J', quiet)
	return nil
}

func (e *encoder) barcode(bc Barcode) error {
	if bc.Data == "" {
		return errors.New("barcode with no data")
	}
	for i := 0; i < len(bc.Data); i++ {
		if c := bc.Data[i]; c < 0x20 || c > 0x7e {
			return fmt.Errorf("barcode data byte %#x: CODE128 set B carries printable ASCII only", c)
		}
	}
	h, m := bc.Height, bc.Module
	if h == 0 {
		h = defaultBarcodeHeight
	}
	if m == 0 {
		m = defaultBarcodeModule
	}
	if h < 1 || h > 255 {
		return fmt.Errorf("barcode height %d: want 1-255 dots", h)
	}
	if m < 2 || m > 6 {
		return fmt.Errorf("barcode module %d: want 2-6 dots", m)
	}
	if n := len(bc.Data) + strings.Count(bc.Data, "{") + 2; n > 255 {
		return fmt.Errorf("barcode data of %d bytes: at most 253", len(bc.Data))
	}
	if w := code128Modules(bc.Data) * m; w > e.paper.Dots {
		return fmt.Errorf("barcode %d dots wide does not fit %s paper (%d dots)", w, e.paper, e.paper.Dots)
	}
	e.setStyle(Style{Align: bc.Align})
	e.out = appendBarcode(e.out, bc.Data, h, m, bc.HRI)
	return nil
}

func b2i(b bool) byte {
	if b {
		return 1
	}
	return 0
}
