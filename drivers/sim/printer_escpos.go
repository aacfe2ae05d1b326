package sim

import (
	"fmt"
	"strings"

	"github.com/boombuler/barcode"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// escpos is the simulated printer's mechanism: it parses the ESC/POS byte
// stream, keeps the modes, lays printed lines, QR codes and barcodes out
// on the paper, answers real-time status requests and cuts jobs. It does
// no I/O, so the same code runs over a pty, in tests and under the fuzzer.
//
// Command lengths follow Epson's ESC/POS reference; commands the kiosk
// never sends are parsed far enough to skip their parameters, so an
// unknown command costs a note in the job, never a desynchronised stream.
// Memory is bounded: the longest command held whole is GS ( k (64 KiB);
// bigger payloads (raster images) are skipped as they stream past.
type escpos struct {
	dots int
	dev  *deviceState

	pending []byte // an incomplete command, waiting for more bytes
	skip    int    // bytes of a long command still to skip

	// modes (ESC @ resets them)
	chinese             bool
	bold, strike        bool
	wmul, hmul          int
	align               int
	lineSpacing         int
	bcHeight, bcModule  int
	hri                 int
	qrModule, qrLevel   int
	qrData              []byte
	lineAlign, lineDots int
	line                []glyph
	gb                  gbDecoder
	job                 jobBuilder
	done                []parsedJob
	answers             []byte
	discarded           int
}

// deviceState is what the operator (or a test) sets on the printer.
type deviceState struct {
	paperOut, coverOpen, offline, cutterError, nearEnd, feedButton bool
	paperLeft                                                      int // dots on the roll; < 0 is endless
	nearEndDots                                                    int
}

// stopped reports a condition under which the printer goes offline and
// discards print data, as a real one does at paper end or cover open.
func (d *deviceState) stopped() bool {
	return d.paperOut || d.coverOpen || d.offline || d.cutterError
}

func (d *deviceState) nearEndNow() bool {
	return d.nearEnd || d.paperOut || (d.paperLeft >= 0 && d.paperLeft < d.nearEndDots)
}

// stopReason names the condition for a job cut short.
func (d *deviceState) stopReason() string {
	switch {
	case d.coverOpen:
		return "cover open"
	case d.paperOut:
		return "paper out"
	case d.cutterError:
		return "cutter error"
	case d.offline:
		return "offline"
	}
	return ""
}

// glyph is one printed character cell.
type glyph struct {
	r          rune
	wide, bold bool // wide: a two-column (Chinese) cell
	wmul, hmul int
}

func (g glyph) width() int {
	if g.wide {
		return 24 * g.wmul
	}
	return 12 * g.wmul
}

type elemKind int

const (
	elemText elemKind = iota
	elemFeed
	elemQR
	elemBarcode
)

// element is one thing on the paper, h dots tall.
type element struct {
	kind   elemKind
	h      int
	align  int
	glyphs []glyph
	code   barcode.Barcode // QR or CODE128 at one pixel a module
	module int
	barH   int
	hri    int
	text   string // what the .txt shows
	blank  bool   // a feed that is an empty printed line
}

type jobBuilder struct {
	elems   []element
	lines   []string
	unknown []string
	dots    int
}

func (j *jobBuilder) empty() bool { return len(j.elems) == 0 && len(j.lines) == 0 }

// parsedJob is a finished job, before it is drawn.
type parsedJob struct {
	jobBuilder
	complete bool
	fault    string
}

// Limits that keep a hostile stream from holding unbounded memory.
const (
	maxJobDots   = 40000 // 5 m of paper: a job without a cut is closed here
	maxNotes     = 32
	maxNULSearch = 256
	lineSpacing  = 30  // ESC 2 default, about 1/6 inch: 30 dots on most 203 dpi printers
	cutterFeed   = 96  // head to blade, 12 mm: fed before every cut
	hriHeight    = 24  // Font B HRI characters and their gap
	defaultDots  = 384 // 58 mm paper
)

func newESCPOS(dots int, dev *deviceState) *escpos {
	if dots <= 0 {
		dots = defaultDots
	}
	m := &escpos{dots: dots, dev: dev}
	m.reset()
	return m
}

// reset is ESC @ and power-on: Chinese printers start in Chinese mode.
func (m *escpos) reset() {
	m.chinese = true
	m.bold, m.strike = false, false
	m.wmul, m.hmul = 1, 1
	m.align, m.lineAlign = 0, 0
	m.lineSpacing = lineSpacing
	m.bcHeight, m.bcModule, m.hri = 162, 3, 0
	m.qrModule, m.qrLevel = 3, 0
	m.qrData = nil
	m.line, m.lineDots = m.line[:0], 0
}

// write feeds bytes from the host.
func (m *escpos) write(p []byte) {
	if m.skip > 0 {
		k := min(m.skip, len(p))
		m.skip -= k
		p = p[k:]
	}
	m.pending = append(m.pending, p...)
	i := 0
	for i < len(m.pending) {
		if m.skip > 0 {
			k := min(m.skip, len(m.pending)-i)
			m.skip -= k
			i += k
			continue
		}
		n := m.step(m.pending[i:])
		if n == 0 {
			break
		}
		i += n
	}
	m.pending = append(m.pending[:0], m.pending[i:]...)
}

// step handles the command at the start of b and returns how many bytes
// it took, or 0 when b ends inside it.
func (m *escpos) step(b []byte) int {
	c := b[0]
	if c == 0x10 {
		return m.realtime(b)
	}
	n := m.command(b)
	if n > 0 && m.dev.stopped() {
		m.discarded += n
	}
	return n
}

func (m *escpos) command(b []byte) int {
	c := b[0]
	switch {
	case c >= 0x20 && c < 0x7f:
		m.put(glyph{r: rune(c)})
		return 1
	case c >= 0x80:
		return m.multibyte(b)
	}
	switch c {
	case 0x0a: // LF
		m.printLine()
	case 0x09: // HT: next tab stop, every 8 columns
		col := m.lineDots / 12
		for i := col; i < (col/8+1)*8; i++ {
			m.put(glyph{r: ' '})
		}
	case 0x0c: // FF: in standard mode, prints the buffer
		if len(m.line) > 0 {
			m.printLine()
		}
	case 0x1b:
		return m.esc(b)
	case 0x1c:
		return m.fs(b)
	case 0x1d:
		return m.gs(b)
	}
	return 1 // CR, CAN, NUL and other controls print nothing
}

// multibyte decodes a GB18030 character in Chinese mode, or a code page
// 437 character outside it. A lead byte without a valid trail prints '?'
// and takes only itself, so a command after it is still seen.
func (m *escpos) multibyte(b []byte) int {
	if !m.chinese {
		m.put(glyph{r: charmap.CodePage437.DecodeByte(b[0])})
		return 1
	}
	if b[0] == 0x80 || b[0] == 0xff {
		m.put(glyph{r: '?', wide: true})
		return 1
	}
	if len(b) < 2 {
		return 0
	}
	switch t := b[1]; {
	case t >= 0x40 && t <= 0xfe && t != 0x7f:
		m.put(glyph{r: m.gb.decode(b[:2]), wide: true})
		return 2
	case t >= 0x30 && t <= 0x39:
		if len(b) < 4 {
			return 0
		}
		if b[2] >= 0x81 && b[2] <= 0xfe && b[3] >= 0x30 && b[3] <= 0x39 {
			m.put(glyph{r: m.gb.decode(b[:4]), wide: true})
			return 4
		}
	}
	m.put(glyph{r: '?', wide: true})
	return 1
}

type gbDecoder struct{}

func (gbDecoder) decode(seq []byte) rune {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(seq)
	if err != nil || len(out) == 0 {
		return '?'
	}
	r := []rune(string(out))
	if len(r) != 1 {
		return '?'
	}
	return r[0]
}

// put adds a character to the line buffer; a full line prints first, as
// the printer wraps a line longer than the paper.
func (m *escpos) put(g glyph) {
	g.bold, g.wmul, g.hmul = m.bold || m.strike, m.wmul, m.hmul
	if len(m.line) == 0 {
		m.lineAlign = m.align
	}
	if m.lineDots+g.width() > m.dots && len(m.line) > 0 {
		m.printLine()
		m.lineAlign = m.align
	}
	if g.width() > m.dots {
		return
	}
	m.line = append(m.line, g)
	m.lineDots += g.width()
}

// printLine prints the line buffer and feeds one line: an empty buffer
// feeds a blank line.
func (m *escpos) printLine() {
	if m.dev.stopped() {
		m.line, m.lineDots = m.line[:0], 0
		return
	}
	cellH := 24
	var sb strings.Builder
	for _, g := range m.line {
		cellH = max(cellH, 24*g.hmul)
		sb.WriteRune(g.r)
	}
	h := max(m.lineSpacing, cellH+6)
	el := element{kind: elemText, h: h, align: m.lineAlign, glyphs: append([]glyph(nil), m.line...),
		text: strings.TrimRight(sb.String(), " ")}
	m.line, m.lineDots = m.line[:0], 0
	if len(el.glyphs) == 0 {
		el.kind, el.blank = elemFeed, true
	}
	m.emit(el)
}

// feed advances the paper by dots, printing the buffer first.
func (m *escpos) feed(dots int) {
	if len(m.line) > 0 {
		h := m.lineSpacing
		m.printLine()
		dots -= h
	}
	if dots <= 0 || m.dev.stopped() {
		return
	}
	m.emit(element{kind: elemFeed, h: dots})
}

// emit puts an element on the paper, using up the roll. When the roll
// ends inside it, the element is cut short, the printer stops at paper
// end and the job ends incomplete: what printed is what the citizen holds.
func (m *escpos) emit(el element) {
	if m.dev.stopped() {
		return
	}
	if d := m.dev; d.paperLeft >= 0 && el.h > d.paperLeft {
		el.h = d.paperLeft
		d.paperLeft = 0
		d.paperOut = true
		m.add(el)
		m.endJob(false, "paper out")
		return
	}
	if m.dev.paperLeft >= 0 {
		m.dev.paperLeft -= el.h
	}
	m.add(el)
	if m.job.dots > maxJobDots {
		m.endJob(false, "no cut within 5 m of paper")
	}
}

func (m *escpos) add(el element) {
	if el.h <= 0 {
		return
	}
	j := &m.job
	j.dots += el.h
	if el.kind != elemFeed || el.blank {
		j.lines = append(j.lines, el.text)
	}
	if n := len(j.elems); el.kind == elemFeed && n > 0 && j.elems[n-1].kind == elemFeed {
		j.elems[n-1].h += el.h
		return
	}
	j.elems = append(j.elems, el)
}

func (m *escpos) note(format string, args ...any) {
	if len(m.job.unknown) >= maxNotes {
		return
	}
	m.job.unknown = append(m.job.unknown, fmt.Sprintf(format, args...))
}

// endJob closes the job in progress: at a cut (complete) or when a fault
// stopped it.
func (m *escpos) endJob(complete bool, fault string) {
	m.done = append(m.done, parsedJob{jobBuilder: m.job, complete: complete, fault: fault})
	m.job = jobBuilder{}
}

// interrupt ends a job in progress when the printer stops (cover opened,
// paper pulled): what printed so far is a torn receipt.
func (m *escpos) interrupt() {
	m.line, m.lineDots = m.line[:0], 0
	if !m.job.empty() {
		m.endJob(false, m.dev.stopReason())
	}
}

// statusByte answers DLE EOT n with the bits of Epson's tables: bits 1
// and 4 always on, 0 and 7 always off.
//
//	n = 1: bit 3 offline
//	n = 2: bit 2 cover open, bit 3 FEED button, bit 5 stopped at paper end, bit 6 error
//	n = 3: bit 3 autocutter error
//	n = 4: bits 2-3 paper near end, bits 5-6 paper end
func (m *escpos) statusByte(n byte) (byte, bool) {
	d := m.dev
	b := byte(0x12)
	switch n {
	case 1:
		if d.stopped() {
			b |= 0x08
		}
	case 2:
		if d.coverOpen {
			b |= 0x04
		}
		if d.feedButton {
			b |= 0x08
		}
		if d.paperOut {
			b |= 0x20
		}
		if d.cutterError {
			b |= 0x40
		}
	case 3:
		if d.cutterError {
			b |= 0x08
		}
	case 4:
		if d.nearEndNow() {
			b |= 0x0c
		}
		if d.paperOut {
			b |= 0x60
		}
	default:
		return 0, false
	}
	return b, true
}

// cut feeds the paper to the blade and cuts: the job is complete.
func (m *escpos) cut(extra int) {
	if m.dev.stopped() {
		return
	}
	if len(m.line) > 0 {
		m.printLine()
	}
	m.emit(element{kind: elemFeed, h: cutterFeed + extra})
	if m.dev.stopped() {
		return // the roll ended on the way to the blade: endJob is done
	}
	m.endJob(true, "")
}

// flush closes a job left without a cut, for a parse of a whole capture.
func (m *escpos) flush() {
	if len(m.line) > 0 {
		m.printLine()
	}
	if !m.job.empty() {
		m.endJob(false, "no cut")
	}
}
