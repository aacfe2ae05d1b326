package printer_test

import (
	"fmt"
	"testing"

	"govkiosk/drivers/printer"
)

// BenchmarkEncodeReceipt encodes a 40-line Chinese receipt with a QR
// code. Target: ≤ 1 ms.
func BenchmarkEncodeReceipt(b *testing.B) {
	r := testReceipt
	for len(r.Received)+len(r.Missing) < 20 {
		r.Received = append(r.Received, fmt.Sprintf("材料%d：申请表（原件及复印件各一份，需本人签字确认）", len(r.Received)))
	}
	doc := r.Document()
	data, err := printer.Encode(doc, printer.Paper58)
	if err != nil {
		b.Fatal(err)
	}
	if lines := countLF(data); lines < 40 {
		b.Fatalf("receipt has %d lines, want ≥ 40", lines)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := printer.Encode(doc, printer.Paper58); err != nil {
			b.Fatal(err)
		}
	}
}

func countLF(b []byte) int {
	n := 0
	for _, c := range b {
		if c == '\n' {
			n++
		}
	}
	return n
}
