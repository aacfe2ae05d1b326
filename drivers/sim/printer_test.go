package sim_test

import (
	"bytes"
	"context"
	"flag"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"govkiosk/drivers/printer"
	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
)

var (
	updatePrinter = flag.Bool("update-printer", false, "rewrite the printer simulator's golden files in testdata/")
	printerPNGDir = flag.String("printer-png", "", "also copy the rendered receipt and ticket PNGs into this directory")
)

const goldenReceipt = "../printer/testdata/receipt-58mm.escpos"

// The simulator's reading of the recorded receipt bytes (the golden file
// of package printer): one complete job, every command known, the lines
// in testdata/printer-receipt-58mm.txt.
func TestParseRecordedReceipt(t *testing.T) {
	data, err := os.ReadFile(goldenReceipt)
	if err != nil {
		t.Fatal(err)
	}
	jobs, answers := sim.ParseESCPOS(data, 384)
	if len(jobs) != 1 || !jobs[0].Complete || len(jobs[0].Unknown) > 0 || len(answers) > 0 {
		t.Fatalf("jobs = %+v, answers % x", jobs, answers)
	}
	got := strings.Join(jobs[0].Lines, "\n") + "\n"
	path := filepath.Join("testdata", "printer-receipt-58mm.txt")
	if *updatePrinter {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update-printer creates it)", err)
	}
	if got != string(want) {
		t.Errorf("parsed receipt differs from %s:\n%s", path, got)
	}
	// Fed a byte at a time, as a slow line delivers it, the parse is the same.
	dev := sim.NewESCPOSForTest(384)
	for i := range data {
		dev.Write(data[i : i+1])
	}
	if byByte := dev.Jobs(); len(byByte) != 1 || !slices.Equal(byByte[0].Lines, jobs[0].Lines) {
		t.Errorf("byte-at-a-time parse differs: %+v", byByte)
	}
}

// DLE EOT answers, bit for bit as Epson's tables give them.
func TestStatusAnswers(t *testing.T) {
	query := []byte{0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 3, 0x10, 4, 4}
	tests := []struct {
		name string
		set  func(p *sim.Printer)
		want []byte
	}{
		{"ready", func(*sim.Printer) {}, []byte{0x12, 0x12, 0x12, 0x12}},
		{"paper out", func(p *sim.Printer) { p.SetPaperOut(true) }, []byte{0x1a, 0x32, 0x12, 0x7e}},
		{"cover open", func(p *sim.Printer) { p.SetCoverOpen(true) }, []byte{0x1a, 0x16, 0x12, 0x12}},
		{"offline", func(p *sim.Printer) { p.SetOffline(true) }, []byte{0x1a, 0x12, 0x12, 0x12}},
		{"cutter jam", func(p *sim.Printer) { p.SetCutterError(true) }, []byte{0x1a, 0x52, 0x1a, 0x12}},
		{"near end", func(p *sim.Printer) { p.SetPaperNearEnd(true) }, []byte{0x12, 0x12, 0x12, 0x1e}},
		{"feed button", func(p *sim.Printer) { p.SetFeedButton(true) }, []byte{0x12, 0x1a, 0x12, 0x12}},
		{"a short roll trips the near-end sensor", func(p *sim.Printer) { p.LoadPaper(100) }, []byte{0x12, 0x12, 0x12, 0x1e}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line, sp := startPrinter(t, sim.PrinterOptions{})
			tt.set(sp)
			if _, err := line.Write(query); err != nil {
				t.Fatal(err)
			}
			got := make([]byte, 4)
			if n, err := transport.ReadFull(line, got, time.Now().Add(5*time.Second)); err != nil {
				t.Fatalf("read %d answers: %v", n, err)
			}
			if !bytes.Equal(got, tt.want) {
				t.Errorf("answers % x, want % x", got, tt.want)
			}
		})
	}
}

// startPrinter returns the driver's end of a line with a simulated printer
// on the other.
func startPrinter(t *testing.T, opts sim.PrinterOptions) (transport.Port, *sim.Printer) {
	t.Helper()
	line, err := sim.NewLine(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { line.Close() })
	sp, err := sim.NewPrinter(line, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sp.Close() })
	port, err := transport.OpenSerial(transport.SerialConfig{Name: line.Path, Baud: 115200})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { port.Close() })
	return port, sp
}

// Commands the kiosk never sends are skipped whole, with a note, and the
// text after them prints.
func TestParserSkipsUnknownCommandsSafely(t *testing.T) {
	cut := "\x1dVB\x00"
	tests := []struct {
		name    string
		stream  string
		note    string // in Job.Unknown; "" when the command is known
		answers string
	}{
		{"code page select is known", "\x1bt\x11OK\n" + cut, "", ""},
		{"unknown ESC takes two bytes", "\x1b\x01OK\n" + cut, "ESC 0x01", ""},
		{"raster image skipped by its size", "\x1dv0\x00\x02\x00\x03\x00" + "\x0a\x1b\x1d\x00\x10\x04" + "OK\n" + cut, "raster", ""},
		{"bit image skipped by its size", "\x1b*\x21\x02\x00" + strings.Repeat("\x10\x04\x01", 2) + "OK\n" + cut, "bit image", ""},
		{"GS ( L graphics skipped by its length", "\x1d(L\x03\x000p\x0aOK\n" + cut, "GS ( L", ""},
		{"EAN13 barcode ends at NUL", "\x1dk\x02123456789012\x00OK\n" + cut, "barcode system", ""},
		{"PDF417 is another 2D symbol", "\x1d(k\x03\x000Q0OK\n" + cut, "cn=48", ""},
		{"user-defined characters skipped", "\x1b&\x03\x41\x42\x02abcdef\x01xyz" + "OK\n" + cut, "user-defined", ""},
		{"DLE EOT 7 is no request: no answer", "\x10\x04\x07OK\n" + cut, "no such status", ""},
		{"GS r 1 answers the paper sensor in turn", "\x1dr\x01OK\n" + cut, "", "\x00"},
		{"a lead byte before a command prints ? and keeps the command", "\x81\x1bE\x01OK\n" + cut, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jobs, answers := sim.ParseESCPOS([]byte(tt.stream), 384)
			if len(jobs) != 1 || !jobs[0].Complete {
				t.Fatalf("jobs = %+v", jobs)
			}
			j := jobs[0]
			if last := j.Lines[len(j.Lines)-1]; !strings.HasSuffix(last, "OK") {
				t.Errorf("last line %q, want OK after the skipped command; lines %q", last, j.Lines)
			}
			if tt.note == "" && len(j.Unknown) > 0 || tt.note != "" && !strings.Contains(strings.Join(j.Unknown, "|"), tt.note) {
				t.Errorf("notes %q, want %q", j.Unknown, tt.note)
			}
			if string(answers) != tt.answers {
				t.Errorf("answers % x, want % x", answers, tt.answers)
			}
		})
	}
}

// While stopped the printer throws print data away but still answers
// status; after the fault clears it prints again.
func TestStoppedPrinterDiscardsDataAndAnswersStatus(t *testing.T) {
	port, sp := startPrinter(t, sim.PrinterOptions{})
	sp.SetCoverOpen(true)
	job := "\x1b@\x1c&lost\n\x1dVB\x00"
	port.Write([]byte(job + "\x10\x04\x02"))
	got := make([]byte, 1)
	if _, err := transport.ReadFull(port, got, time.Now().Add(5*time.Second)); err != nil || got[0] != 0x16 {
		t.Fatalf("DLE EOT 2 with the cover open = % x, %v; want 16", got, err)
	}
	if sp.Discarded() != len(job) || len(sp.Jobs()) != 0 {
		t.Errorf("discarded %d bytes of %d, %d jobs", sp.Discarded(), len(job), len(sp.Jobs()))
	}
	sp.SetCoverOpen(false)
	port.Write([]byte("\x1b@kept\n\x1dVB\x00"))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	jobs, err := sp.WaitJobs(ctx, 1)
	if err != nil || !slices.Equal(jobs[0].Lines, []string{"kept"}) {
		t.Errorf("after closing the cover: %+v, %v", jobs, err)
	}
}

// Opening the cover mid-job tears the job where it stands.
func TestCoverOpenedMidJobTearsIt(t *testing.T) {
	port, sp := startPrinter(t, sim.PrinterOptions{})
	port.Write([]byte("\x1b@first line\n\x10\x04\x01"))
	transport.ReadFull(port, make([]byte, 1), time.Now().Add(5*time.Second)) // the line is printed
	sp.SetCoverOpen(true)
	jobs := sp.Jobs()
	if len(jobs) != 1 || jobs[0].Complete || jobs[0].Fault != "cover open" || !slices.Equal(jobs[0].Lines, []string{"first line"}) {
		t.Errorf("jobs = %+v", jobs)
	}
}

// Print a receipt and a ticket through the driver and look at the images:
// paper-wide, ink in the QR code's place, a text file beside each.
func TestRendersJobsToPNGAndText(t *testing.T) {
	dir := t.TempDir()
	port, sp := startPrinter(t, sim.PrinterOptions{Dir: dir})
	drv := printer.New(port, nil)
	ctx := context.Background()
	receipt := printer.Receipt{
		Hall: printer.Hall{Name: "清河市政务服务中心", Phone: "0999-86010000"}, CaseNumber: "QH0001-20261125-000007-K",
		ItemName: "居住证申领", MaskedName: "张*三", SubmittedAt: time.Date(2026, 11, 25, 10, 23, 0, 0, time.UTC),
		PromisedDate: "2026-12-04", Received: []string{"居民身份证（电子证照）", "近期一寸免冠彩色照片（已扫描）"},
		Missing:   []string{"房屋租赁合同或房产证明（原件及复印件1份）"},
		CollectAt: "清河市民中心公安户政窗口", Address: "清河市望江路188号市民中心一楼A区",
		CollectHours: "周一至周五 9:00-12:00，13:30-17:00", Phone: "0999-86011010",
	}
	ticket := printer.Ticket{Hall: receipt.Hall, Number: "A023", Window: "婚姻登记处", ItemName: "婚姻登记预约",
		IssuedAt: time.Date(2026, 11, 25, 9, 5, 0, 0, time.UTC), Waiting: 5}
	for _, doc := range []*printer.Document{receipt.Document(), ticket.Document()} {
		if err := drv.Print(ctx, doc); err != nil {
			t.Fatal(err)
		}
	}
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	jobs, err := sp.WaitJobs(wctx, 2)
	if err != nil {
		t.Fatal(err)
	}
	if sp.LastPNG() != jobs[1].PNG {
		t.Errorf("LastPNG = %q, want the ticket %q", sp.LastPNG(), jobs[1].PNG)
	}
	for i, name := range []string{"printer-receipt.png", "printer-ticket.png"} {
		j := jobs[i]
		img := readPNG(t, j.PNG)
		if b := img.Bounds(); b.Dx() != 384 || b.Dy() != j.Dots {
			t.Errorf("%s is %v, want 384 × %d", j.PNG, b, j.Dots)
		}
		text, err := os.ReadFile(j.TXT)
		if err != nil || !strings.Contains(string(text), j.Lines[1]) {
			t.Errorf("%s: %v\n%s", j.TXT, err, text)
		}
		if *printerPNGDir != "" {
			data, _ := os.ReadFile(j.PNG)
			if err := os.WriteFile(filepath.Join(*printerPNGDir, name), data, 0o644); err != nil {
				t.Error(err)
			}
		}
	}
	// The QR code sits centred under the case number: its finder pattern
	// makes the middle of the paper dark there.
	img := readPNG(t, jobs[0].PNG)
	if ink(img, image.Rect(120, 190, 264, 300)) < 0.3 {
		t.Errorf("no QR code in the middle of the receipt (ink %.2f)", ink(img, image.Rect(120, 190, 264, 300)))
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// ink is the share of dark dots in r.
func ink(img image.Image, r image.Rectangle) float64 {
	dark := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c, _, _, _ := img.At(x, y).RGBA(); c < 0x8000 {
				dark++
			}
		}
	}
	return float64(dark) / float64(r.Dx()*r.Dy())
}
