package idcard_test

import (
	"errors"
	"testing"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport/transporttest"
)

// FuzzReadFrame feeds arbitrary bytes to the frame reader: it must return a
// frame that decodes, or a typed error, never panic or loop.
func FuzzReadFrame(f *testing.F) {
	f.Add(idcard.EncodeResponse([3]byte{0, 0, 0x90}, []byte{1, 2, 3}))
	f.Add([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x41, 0x45})
	f.Add([]byte{0x00, 0xAA, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0xFF, 0xFF})
	f.Add([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		pb := &transporttest.Playback{Ops: []transporttest.IO{{R: data}}}
		frame, _, err := idcard.ReadFrame(pb, time.Now())
		if err != nil {
			if !errors.Is(err, idcard.ErrMute) && !errors.Is(err, idcard.ErrTorn) && !errors.Is(err, idcard.ErrLength) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if _, err := idcard.DecodeFrame(frame); err != nil && !errors.Is(err, idcard.ErrChecksum) {
			t.Fatalf("ReadFrame returned a frame DecodeFrame rejects: %v", err)
		}
	})
}

// FuzzDecodeText: any 256 bytes decode to an identity or ErrText.
func FuzzDecodeText(f *testing.F) {
	for _, c := range sim.Cards() {
		b, err := c.Text()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) != idcard.TextSize {
			b = append(b, make([]byte, idcard.TextSize)...)[:idcard.TextSize]
		}
		id, err := idcard.DecodeText(b)
		if err != nil {
			if !errors.Is(err, idcard.ErrText) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		if id.Name == "" || id.IDNumber == "" || len(id.BirthDate) != 10 {
			t.Fatalf("accepted an incomplete card: %+v", id)
		}
	})
}
