package idcard_test

import (
	"context"
	"testing"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/drivers/sim"
)

// BenchmarkCardRead times a full read (find, select, read base) over a
// pseudo-terminal at 115200 baud against the paced simulator with no
// processing delay, and reports it as a ratio of the time its bytes need on
// the wire (10 bits a byte, both directions). Target: ≤ 1.15.
func BenchmarkCardRead(b *testing.B) {
	const baud = 115200
	r := newRig(b, baud)
	c := card(b, "resident-young")
	r.sim.Place(c)
	ctx := context.Background()
	text, _ := c.Text()
	cmd := len(idcard.EncodeCommand(idcard.CmdFind, nil))
	wireBytes := 3*cmd + // find, select, read
		len(idcard.EncodeResponse([3]byte{}, make([]byte, 4))) +
		len(idcard.EncodeResponse([3]byte{}, make([]byte, 8))) +
		len(idcard.EncodeResponse([3]byte{}, make([]byte, 4+len(text)+idcard.PhotoSize)))
	wire := time.Duration(wireBytes) * sim.ByteTime(baud)
	for b.Loop() {
		if _, err := r.reader.ReadCard(ctx); err != nil {
			b.Fatal(err)
		}
	}
	per := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(wire.Microseconds())/1000, "wire-ms")
	b.ReportMetric(float64(per)/float64(wire), "x-wire")
}
