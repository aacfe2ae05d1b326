// Package printer drives ESC/POS receipt printers (58 mm and 80 mm thermal
// printers with a GB18030 Chinese font) over a transport.Port: a serial
// port, the USB printer class device /dev/usb/lp0, or raw TCP port 9100.
//
// A print job is a Document, a short list of blocks (text lines, separators,
// QR codes, CODE128 barcodes, feeds, a cut) that Encode turns into ESC/POS
// bytes. Renderers build the documents the kiosk prints (受理回执, certificate
// pages, queue tickets, the technician's test page) from plain structs.
// Printer checks the real-time status (DLE EOT) before and during a job and
// turns paper out, cover open and offline into typed errors with a message
// for citizens and a hint for technicians.
//
// The byte layouts follow Epson's ESC/POS Application Programming Guide
// (reference.epson-biz.com, "ESC/POS Command Reference") and the Chinese
// printer manuals that extend it with FS & (SPRT SP series, HPRT TP80K,
// Sureprint SP91, SNBC BTP-R880NP); each command's constant below names
// its entry. They were checked against public encoders: mike42/escpos-php
// (Printer::qrCode, Printer::cut) and python-escpos (escpos/constants.py).
package printer

import (
	"fmt"
	"strconv"
	"strings"
)

// Paper is a roll width. Columns count Font A cells (12×24 dots; a Chinese
// character takes two), Dots the printable width at 203 dpi.
type Paper struct {
	Name    string
	Columns int
	Dots    int
}

var (
	// Paper58 is 58 mm roll: 48 mm printable, 384 dots, 32 columns.
	Paper58 = Paper{Name: "58mm", Columns: 32, Dots: 384}
	// Paper80 is 80 mm roll: 72 mm printable, 576 dots, 48 columns.
	Paper80 = Paper{Name: "80mm", Columns: 48, Dots: 576}
)

// PaperByName returns the paper for "58", "58mm", "80" or "80mm".
func PaperByName(s string) (Paper, error) {
	switch strings.TrimSuffix(strings.ToLower(strings.TrimSpace(s)), "mm") {
	case "58":
		return Paper58, nil
	case "80":
		return Paper80, nil
	}
	return Paper{}, fmt.Errorf("printer: paper %q: want 58 or 80 (mm)", s)
}

func (p Paper) String() string { return p.Name }

// Document is one print job. Blocks print top to bottom; a job normally
// ends with a Cut.
type Document struct {
	Blocks []Block
}

// Add appends blocks and returns d, so documents read top to bottom:
// doc.Add(printer.Title("受理回执"), printer.Separator{}).
func (d *Document) Add(b ...Block) *Document {
	d.Blocks = append(d.Blocks, b...)
	return d
}

// Block is one element of a Document: Text, Separator, QR, Barcode, Feed
// or Cut.
type Block interface{ block() }

// Align is the horizontal alignment of a line, QR code or barcode.
type Align uint8

const (
	AlignLeft Align = iota
	AlignCenter
	AlignRight
)

// Style is how a Text block prints. Width and Height magnify characters
// (GS ! n): 0 and 1 are normal size, 2 double; every ESC/POS printer we
// support does 1-2, Epson TM and most Chinese printers up to 8. A wider
// size divides the columns a line holds, so text wraps sooner.
type Style struct {
	Bold          bool
	Width, Height int
	Align         Align
}

// Double is double width and height.
const Double = 2

func (st Style) width() int  { return clampMul(st.Width) }
func (st Style) height() int { return clampMul(st.Height) }

func clampMul(n int) int { return min(max(n, 1), 8) }

// Text prints Text wrapped at the paper width by display width (a Chinese
// character is two columns). A "\n" starts a new line; an empty Text
// prints a blank line. Control characters are dropped, so text from a
// catalogue or a form can never smuggle a printer command in. Indent is a
// hanging indent: continuation lines start that many columns in (at most
// half the line).
type Text struct {
	Text   string
	Style  Style
	Indent int
}

// Separator prints a full-width line of Char ('-' when zero).
type Separator struct {
	Char byte
}

// QRLevel is a QR error-correction level.
type QRLevel uint8

const (
	QRLevelL QRLevel = iota // 7 %
	QRLevelM                // 15 %
	QRLevelQ                // 25 %
	QRLevelH                // 30 %
)

// QR prints a QR code, model 2, with the printer's own QR generator. Module
// is the size of one module in dots (1-16); 0 picks the largest of 6 or
// less that fits the paper.
type QR struct {
	Data   string
	Module int
	Level  QRLevel
	Align  Align
}

// Barcode prints a CODE128 barcode in code set B (printable ASCII).
// Height is in dots (0: 64), Module the narrow bar width in dots (2-6,
// 0: 2); HRI prints the human-readable text below it.
type Barcode struct {
	Data   string
	Height int
	Module int
	HRI    bool
	Align  Align
}

// Feed prints whatever is pending and feeds Lines blank lines (1 when 0).
type Feed struct {
	Lines int
}

// Cut feeds the paper to the cutter and cuts. Full cuts through; the
// default partial cut leaves a hinge so the receipt does not drop.
type Cut struct {
	Full bool
}

func (Text) block()      {}
func (Separator) block() {}
func (QR) block()        {}
func (Barcode) block()   {}
func (Feed) block()      {}
func (Cut) block()       {}

// Title is centred, bold, double-size text.
func Title(s string) Text {
	return Text{Text: s, Style: Style{Bold: true, Width: Double, Height: Double, Align: AlignCenter}}
}

// Labeled is "label：value" with continuation lines indented under the
// value, the layout of a form.
func Labeled(label, value string) Text {
	return Text{Text: label + "：" + value, Indent: DisplayWidth(label) + 2}
}

// Numbered is a numbered list entry, "1. text", continuation lines under text.
func Numbered(n int, s string) Text {
	p := strconv.Itoa(n) + ". "
	return Text{Text: p + s, Indent: len(p)}
}

// Line is plain left-aligned text.
func Line(s string) Text { return Text{Text: s} }

// Centered is centred text.
func Centered(s string) Text { return Text{Text: s, Style: Style{Align: AlignCenter}} }

// Bold is bold left-aligned text.
func Bold(s string) Text { return Text{Text: s, Style: Style{Bold: true}} }
