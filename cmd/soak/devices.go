package main

import (
	"context"
	crand "crypto/rand"
	"errors"
	"fmt"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/drivers/printer"
	"govkiosk/drivers/scanner"
	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
	"govkiosk/kiosk"
	"govkiosk/sync/client"
)

// devices are the terminal's simulated ID-card reader, receipt printer and
// scanner, each driven through its real driver over a pseudo-terminal.
type devices struct {
	lines    []*sim.Line
	simCard  *sim.IDCardReader
	simPrint *sim.Printer
	simScan  *sim.SerialScanner
	reader   *idcard.Reader
	printer  *printer.Printer
	scanner  *scanner.Scanner
	ports    []transport.Port
	stop     context.CancelFunc
	cards    []sim.Card
}

func openDevices(dir string) (*devices, error) {
	d := &devices{}
	fail := func(err error) (*devices, error) { d.Close(); return nil, fmt.Errorf("devices: %w", err) }
	ctx, cancel := context.WithCancel(context.Background())
	d.stop = cancel
	idLine, err := sim.NewLine(115200)
	if err != nil {
		return fail(err)
	}
	d.lines = append(d.lines, idLine)
	d.simCard = sim.NewIDCardReader(idLine)
	go d.simCard.Serve(ctx)
	prLine, err := sim.NewLine(115200)
	if err != nil {
		return fail(err)
	}
	d.lines = append(d.lines, prLine)
	if d.simPrint, err = sim.NewPrinter(prLine, sim.PrinterOptions{Dots: printer.Paper58.Dots}); err != nil {
		return fail(err)
	}
	if d.simScan, err = sim.NewSerialScanner(9600); err != nil {
		return fail(err)
	}
	d.lines = append(d.lines, d.simScan.Line)
	open := func(path string, baud int) (transport.Port, error) {
		p, err := transport.OpenSerial(transport.SerialConfig{Name: path, Baud: baud, ReadTimeout: 100 * time.Millisecond})
		if err == nil {
			d.ports = append(d.ports, p)
		}
		return p, err
	}
	p, err := open(idLine.Path, 115200)
	if err != nil {
		return fail(err)
	}
	d.reader = idcard.New(p, idcard.Options{})
	if p, err = open(prLine.Path, 115200); err != nil {
		return fail(err)
	}
	d.printer = printer.New(p, &printer.Options{Paper: printer.Paper58})
	sp, err := transport.OpenSerial(transport.SerialConfig{Name: d.simScan.Path, Baud: 9600, ReadTimeout: 100 * time.Millisecond})
	if err != nil {
		return fail(err)
	}
	if d.scanner, err = scanner.New(ctx, sp, scanner.Options{Mode: scanner.ModeSerial, IdleTimeout: 300 * time.Millisecond}); err != nil {
		sp.Close()
		return fail(err)
	}
	for _, name := range []string{"resident-young", "resident-elderly", "foreigner", "hmt-permit"} {
		if c, ok := sim.CardByName(name); ok {
			d.cards = append(d.cards, c)
		}
	}
	if len(d.cards) == 0 {
		return fail(errors.New("no fixture cards"))
	}
	return d, nil
}

func (d *devices) Close() error {
	if d.stop != nil {
		d.stop()
	}
	if d.scanner != nil {
		d.scanner.Close()
	}
	for _, p := range d.ports {
		p.Close()
	}
	if d.simPrint != nil {
		d.simPrint.Close()
	}
	for _, l := range d.lines {
		l.Close()
	}
	return nil
}

func (d *devices) health() []client.DeviceHealth {
	return []client.DeviceHealth{{Name: "idcard", Kind: "idcard", State: "ok"},
		{Name: "printer", Kind: "printer", State: "ok"}, {Name: "scanner", Kind: "scanner", State: "ok"}}
}

// readCard has a citizen place a card and reads it; asked to, the citizen
// pulls the card away mid-read first, and places it again.
func (t *terminal) readCard(ctx context.Context, d *devices, left int) (*kiosk.Identity, error) {
	c := d.cards[int(t.randFloat()*float64(len(d.cards)))]
	d.simCard.Place(c)
	defer d.simCard.Remove()
	if t.want("card_pulled", left) {
		d.simCard.SetFault(sim.FaultReadFails)
		id, err := d.reader.ReadCard(ctx)
		d.simCard.SetFault(sim.FaultNone)
		switch {
		case err == nil:
			t.violation("card pulled mid-read, yet the read returned %s", id.MaskedName())
		case idcard.UserMessage(err) == "":
			t.violation("card pulled mid-read: no message for the citizen: %v", err)
		}
		t.event("card_pulled", fmt.Sprint(err))
	}
	var err error
	for range 3 {
		var id *kiosk.Identity
		if id, err = d.reader.ReadCard(ctx); err == nil {
			return id, nil
		}
	}
	return nil, err
}

// printReceipt prints the receipt of an acknowledged case; asked to, the
// roll runs out in the middle and staff load a new one before the reprint.
func (t *terminal) printReceipt(ctx context.Context, d *devices, c *kiosk.Case, it *kiosk.Item, left int) {
	doc := printer.ReceiptFromCase(c, it, printer.Hall{Name: "清河市政务服务中心", Phone: "0000-12345"}).Document()
	if t.want("printer_paper_out", left) {
		d.simPrint.LoadPaper(120) // 15 mm: ends inside the receipt
		err := d.printer.Print(ctx, doc)
		if !errors.Is(err, printer.ErrPaperOut) {
			t.event("paper_out_unreported", fmt.Sprint(err))
		}
		if _, err := t.st.CaseByNumber(ctx, c.Number); err != nil {
			t.violation("receipt torn and case %s not in the store: %v", c.Number, err)
		}
		t.event("printer_paper_out", fmt.Sprint(err))
		d.simPrint.LoadPaper(0)
	}
	if err := d.printer.Print(ctx, doc); err != nil {
		t.event("print_error", err.Error())
	}
}

// scanReceipt has the citizen scan the receipt's QR code at the progress
// screen; asked to, the scanner first sends line noise.
func (t *terminal) scanReceipt(ctx context.Context, d *devices, number string, left int) {
	drain := func() {
		for {
			select {
			case <-d.scanner.Events():
			default:
				return
			}
		}
	}
	drain()
	if t.want("scanner_garbage", left) {
		if err := d.simScan.Garbage(crand.Reader, 24); err == nil {
			t.event("scanner_garbage", "")
		}
	}
	for try := 0; try < 3; try++ {
		if err := d.simScan.Scan(printer.CaseQRPrefix + number); err != nil {
			t.event("scan_error", err.Error())
			return
		}
		deadline := time.After(2 * time.Second)
	read:
		for {
			select {
			case ev, ok := <-d.scanner.Events():
				if !ok {
					t.event("scan_error", "scanner closed")
					return
				}
				if ev.Err != nil {
					continue
				}
				r := scanner.Classify(ev.Scan.Code)
				if r.Class != scanner.ClassCaseNumber {
					break read // rejected (noise glued to the code): the citizen scans again
				}
				if r.Value != number {
					t.violation("scanned receipt of %s, read as %s", number, r.Value)
				}
				if _, err := t.st.CaseByNumber(ctx, r.Value); err != nil {
					t.violation("scanned case %s not in the store: %v", r.Value, err)
				}
				return
			case <-deadline:
				break read
			case <-ctx.Done():
				return
			}
		}
	}
	t.event("scan_error", "receipt QR not read in 3 tries")
}
