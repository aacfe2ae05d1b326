package printer_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/boombuler/barcode/qr"

	"govkiosk/drivers/printer"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// prelude is what every job starts with: ESC @ (initialise), FS & (Chinese mode).
var prelude = []byte{0x1b, 0x40, 0x1c, 0x26}

// Each block's bytes, as the Epson reference lays them out.
func TestEncodeBlockLayouts(t *testing.T) {
	tests := []struct {
		name  string
		block printer.Block
		want  []byte
	}{
		{"plain ASCII line", printer.Line("OK"), []byte("OK\n")},
		{"Chinese in GB18030", printer.Line("受理"), []byte{0xca, 0xdc, 0xc0, 0xed, '\n'}},
		{"four-byte GB18030", printer.Line("㐀"), []byte{0x81, 0x39, 0xee, 0x39, '\n'}},
		{"ESC a 1 centres", printer.Centered("A"), []byte{0x1b, 'a', 1, 'A', '\n'}},
		{"ESC a 2 right-aligns", printer.Text{Text: "A", Style: printer.Style{Align: printer.AlignRight}}, []byte{0x1b, 'a', 2, 'A', '\n'}},
		{"ESC E 1 is bold", printer.Bold("A"), []byte{0x1b, 'E', 1, 'A', '\n'}},
		{"GS ! 0x10 is double width", printer.Text{Text: "A", Style: printer.Style{Width: 2}}, []byte{0x1d, '!', 0x10, 'A', '\n'}},
		{"GS ! 0x01 is double height", printer.Text{Text: "A", Style: printer.Style{Height: 2}}, []byte{0x1d, '!', 0x01, 'A', '\n'}},
		{"GS ! 0x33 is four times", printer.Text{Text: "A", Style: printer.Style{Width: 4, Height: 4}}, []byte{0x1d, '!', 0x33, 'A', '\n'}},
		{"title: centre, bold, double size", printer.Title("A"), []byte{0x1b, 'a', 1, 0x1b, 'E', 1, 0x1d, '!', 0x11, 'A', '\n'}},
		{"separator fills the 32 columns", printer.Separator{Char: '='}, append(bytes.Repeat([]byte("="), 32), '\n')},
		{"hanging indent is spaces", printer.Text{Text: "abcdefghij klmnopqrstuvwxyz01234 56789", Indent: 4},
			[]byte("abcdefghij klmnopqrstuvwxyz01234\n    56789\n")},
		{"ESC d n feeds lines", printer.Feed{Lines: 3}, []byte{0x1b, 'd', 3}},
		{"GS V B 0 is a partial cut after feeding to the blade", printer.Cut{}, []byte{0x1d, 'V', 'B', 0}},
		{"GS V A 0 is a full cut", printer.Cut{Full: true}, []byte{0x1d, 'V', 'A', 0}},
		{"QR model 2, size, level, store, print (GS ( k) in a quiet zone (ESC J)", printer.QR{Data: "GKCASE:1", Module: 4, Level: printer.QRLevelM}, []byte{
			0x1b, 'J', 16, // 4 modules of white above
			0x1d, '(', 'k', 4, 0, 0x31, 0x41, 0x32, 0, // fn 65: model 2
			0x1d, '(', 'k', 3, 0, 0x31, 0x43, 4, // fn 67: module 4 dots
			0x1d, '(', 'k', 3, 0, 0x31, 0x45, 0x31, // fn 69: level M
			0x1d, '(', 'k', 11, 0, 0x31, 0x50, 0x30, 'G', 'K', 'C', 'A', 'S', 'E', ':', '1', // fn 80: store 8 bytes
			0x1d, '(', 'k', 3, 0, 0x31, 0x51, 0x30, // fn 81: print
			0x1b, 'J', 16, // and below
		}},
		{"CODE128 set B with HRI (GS h, GS w, GS H, GS k 73)", printer.Barcode{Data: "A{1", Height: 50, Module: 3, HRI: true}, []byte{
			0x1d, 'h', 50, 0x1d, 'w', 3, 0x1d, 'H', 2,
			0x1d, 'k', 73, 6, '{', 'B', 'A', '{', '{', '1',
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := printer.Encode((&printer.Document{}).Add(tt.block), printer.Paper58)
			if err != nil {
				t.Fatal(err)
			}
			want := append(append([]byte{}, prelude...), tt.want...)
			if !bytes.Equal(got, want) {
				t.Errorf("Encode(%#v)\n got % x\nwant % x", tt.block, got, want)
			}
		})
	}
}

// Style commands go out only when the style changes.
func TestEncodeSendsModesOnlyWhenTheyChange(t *testing.T) {
	doc := (&printer.Document{}).Add(printer.Bold("a"), printer.Bold("b"), printer.Line("c"))
	got, err := printer.Encode(doc, printer.Paper58)
	if err != nil {
		t.Fatal(err)
	}
	want := append(append([]byte{}, prelude...), 0x1b, 'E', 1, 'a', '\n', 'b', '\n', 0x1b, 'E', 0, 'c', '\n')
	if !bytes.Equal(got, want) {
		t.Errorf("got % x\nwant % x", got, want)
	}
}

func TestEncodeRejectsWhatCannotPrint(t *testing.T) {
	tests := []struct {
		name  string
		block printer.Block
		paper printer.Paper
		want  string
	}{
		{"empty QR", printer.QR{}, printer.Paper58, "no data"},
		{"QR too big for 58 mm at the asked size", printer.QR{Data: strings.Repeat("x", 300), Module: 8}, printer.Paper58, "does not fit"},
		{"QR beyond version 40", printer.QR{Data: strings.Repeat("x", 2400), Level: printer.QRLevelM}, printer.Paper80, "does not fit a QR code"},
		{"QR data with a DLE", printer.QR{Data: "a\x10\x04\x01"}, printer.Paper58, "DLE"},
		{"barcode with Chinese", printer.Barcode{Data: "编号1"}, printer.Paper58, "printable ASCII"},
		{"barcode wider than the paper", printer.Barcode{Data: strings.Repeat("9", 20)}, printer.Paper58, "does not fit"},
		{"barcode module out of range", printer.Barcode{Data: "1", Module: 9}, printer.Paper58, "want 2-6"},
		{"nil block", nil, printer.Paper58, "nil block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := printer.Encode((&printer.Document{}).Add(tt.block), tt.paper)
			if !errors.Is(err, printer.ErrDocument) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Encode = %v, want ErrDocument saying %q", err, tt.want)
			}
		})
	}
}

// A QR code without a module size takes the largest (up to 6 dots) that
// fits the paper.
func TestEncodeQRModuleFitsPaper(t *testing.T) {
	data := strings.Repeat("x", 300) // version 13 at level M: 69 modules
	for _, tt := range []struct {
		paper  printer.Paper
		module byte
	}{{printer.Paper58, 5}, {printer.Paper80, 6}} {
		got, err := printer.Encode((&printer.Document{}).Add(printer.QR{Data: data, Level: printer.QRLevelM}), tt.paper)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(got, []byte{0x1d, '(', 'k', 3, 0, 0x31, 0x43})
		if i < 0 || got[i+7] != tt.module {
			t.Errorf("%s: module size %d, want %d", tt.paper, got[i+7], tt.module)
		}
	}
	got, _ := printer.Encode((&printer.Document{}).Add(printer.QR{Data: strings.Repeat("x", 1000), Level: printer.QRLevelL}), printer.Paper58)
	if i := bytes.Index(got, []byte{0x1d, '(', 'k', 3, 0, 0x31, 0x43}); i < 0 || got[i+7] != 3 {
		t.Errorf("a version 22 code (105 modules) on 384 dots should get module 3")
	}
}

// The QR capacity table agrees with a QR encoder: at each level, the
// largest byte string of a version still fits that version.
func TestQRCapacityTableMatchesEncoder(t *testing.T) {
	levels := []qr.ErrorCorrectionLevel{qr.L, qr.M, qr.Q, qr.H}
	for l, lv := range levels {
		for _, v := range []int{1, 2, 5, 10} {
			n := printer.QRByteCapacity(printer.QRLevel(l), v)
			for _, size := range []int{n, n + 1} {
				code, err := qr.Encode(strings.Repeat("a", size), lv, qr.Unicode)
				if err != nil {
					t.Fatal(err)
				}
				got := (code.Bounds().Dx() - 17) / 4
				if (size == n && got != v) || (size == n+1 && got != v+1) {
					t.Errorf("level %v: %d bytes make version %d; table says version %d holds %d", lv, size, got, v, n)
				}
			}
		}
	}
}

var (
	hall = printer.Hall{Name: "清河市政务服务中心", Phone: "0999-86010000"}
	// testReceipt is the receipt in testdata/receipt-58mm.escpos.
	testReceipt = printer.Receipt{
		Hall: hall, CaseNumber: "QH0001-20261125-000007-K", ItemName: "居住证申领", MaskedName: "张*三",
		SubmittedAt:  time.Date(2026, 11, 25, 10, 23, 0, 0, time.FixedZone("CST", 8*3600)),
		PromisedDate: "2026-12-04",
		Received:     []string{"居民身份证（电子证照）", "近期一寸免冠彩色照片（已扫描）"},
		Missing:      []string{"房屋租赁合同或房产证明（原件及复印件1份）", "就业或就学证明（1份）"},
		CollectAt:    "清河市民中心公安户政窗口", Address: "清河市望江路188号市民中心一楼A区",
		CollectHours: "周一至周五 9:00-12:00，13:30-17:00；周六 9:00-12:00", Phone: "0999-86011010",
	}
)

// The exact bytes of a receipt, recorded in testdata/: any change to the
// encoder or the layout shows up here as a reviewable diff. go test
// -update rewrites the file.
func TestReceiptGoldenBytes(t *testing.T) {
	for _, paper := range []printer.Paper{printer.Paper58, printer.Paper80} {
		got, err := printer.Encode(testReceipt.Document(), paper)
		if err != nil {
			t.Fatal(err)
		}
		golden(t, filepath.Join("testdata", "receipt-"+paper.Name+".escpos"), got)
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		i := 0
		for i < len(got) && i < len(want) && got[i] == want[i] {
			i++
		}
		t.Errorf("%s: differs at byte %d of %d (want %d)\n got …% x…\nwant …% x…", path, i, len(got), len(want),
			window(got, i), window(want, i))
	}
}

func window(b []byte, i int) []byte {
	return b[max(0, i-8):min(len(b), i+16)]
}

func ExampleEncode() {
	doc := (&printer.Document{}).Add(printer.Title("取号"), printer.Cut{})
	b, _ := printer.Encode(doc, printer.Paper58)
	fmt.Printf("% x\n", b)
	// Output: 1b 40 1c 26 1b 61 01 1b 45 01 1d 21 11 c8 a1 ba c5 0a 1d 56 42 00
}
