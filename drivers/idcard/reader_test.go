package idcard_test

import (
	"context"
	"errors"
	"flag"
	"testing"
	"time"

	"govkiosk/drivers/idcard"
	"govkiosk/drivers/sim"
	"govkiosk/drivers/transport"
	"govkiosk/drivers/transport/transporttest"
	"govkiosk/kiosk"
)

var update = flag.Bool("update", false, "rewrite the recordings in testdata/replay from the simulator")

var now = time.Date(2026, 11, 25, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// rig is a reader driver talking to the simulator over a real pseudo-terminal.
type rig struct {
	sim    *sim.IDCardReader
	reader *idcard.Reader
	port   transport.Port
}

func newRig(t testing.TB, baud int) *rig {
	t.Helper()
	line, err := sim.NewLine(baud)
	if err != nil {
		t.Fatal(err)
	}
	s := sim.NewIDCardReader(line)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Serve(ctx); close(done) }()
	port, err := transport.OpenSerial(transport.SerialConfig{Name: line.Path, Baud: baud})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		port.Close()
		cancel()
		<-done // the simulator goroutine must end: no leak
		line.Close()
	})
	opts := idcard.Options{CommandTimeout: 500 * time.Millisecond, ReadTimeout: time.Second, Clock: kiosk.NewManualClock(now)}
	return &rig{sim: s, reader: idcard.New(port, opts), port: port}
}

func card(t testing.TB, name string) sim.Card {
	c, ok := sim.CardByName(name)
	if !ok {
		t.Fatalf("no fixture card %s", name)
	}
	return c
}

func TestReadEveryFixtureCard(t *testing.T) {
	r := newRig(t, 115200)
	ctx := context.Background()
	tests := []struct {
		card string
		want func(*testing.T, *kiosk.Identity, error)
	}{
		{"resident-elderly", valid(kiosk.CardResident, "林清河", "汉", "长期")},
		{"resident-young", valid(kiosk.CardResident, "赵一诺", "回", "2039-08-01")},
		{"hmt-permit", valid(kiosk.CardHMT, "陈港生", "", "2029-03-01")},
		{"foreigner", valid(kiosk.CardForeigner, "SMITH JOHN", "USA", "2031-06-01")},
		{"expired", func(t *testing.T, id *kiosk.Identity, err error) {
			var exp kiosk.ErrCardExpired
			if !errors.As(err, &exp) || idcard.UserMessage(err) != exp.Message() {
				t.Errorf("expired card: %v", err)
			}
		}},
		{"bad-check-digit", func(t *testing.T, id *kiosk.Identity, err error) {
			var ie *kiosk.IDError
			var ic *idcard.InvalidCardError
			if !errors.As(err, &ie) || ie.Rule != kiosk.RuleCheckDigit || !errors.As(err, &ic) || ic.Identity.Name != "周立新" {
				t.Errorf("bad check digit: %v", err)
			}
		}},
		{"garbled", func(t *testing.T, id *kiosk.Identity, err error) {
			if !errors.Is(err, idcard.ErrText) || id != nil {
				t.Errorf("garbled: %v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.card, func(t *testing.T) {
			c := card(t, tt.card)
			r.sim.Place(c)
			id, err := r.reader.ReadCard(ctx)
			tt.want(t, id, err)
			if err == nil && string(id.Photo) != string(c.Photo()) {
				t.Error("photo bytes differ from the card's")
			}
		})
	}
}

func valid(ct kiosk.CardType, name, nation, until string) func(*testing.T, *kiosk.Identity, error) {
	return func(t *testing.T, id *kiosk.Identity, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		if id.CardType != ct || id.Name != name || id.Nation != nation || id.ValidUntil != until || len(id.Photo) != idcard.PhotoSize {
			t.Errorf("read %+v", id)
		}
	}
}

func TestNoCardAndFaults(t *testing.T) {
	r := newRig(t, 115200)
	ctx := context.Background()
	var se *idcard.StatusError
	if _, err := r.reader.ReadCard(ctx); !errors.As(err, &se) || !se.NoCard() || idcard.UserMessage(err) != "请将身份证平放在感应区" {
		t.Fatalf("no card: %v", err)
	}
	r.sim.Place(card(t, "resident-young"))
	tests := []struct {
		fault sim.IDCardFault
		want  error
	}{
		{sim.FaultMute, idcard.ErrMute},
		{sim.FaultTorn, idcard.ErrTorn},
		{sim.FaultChecksum, idcard.ErrChecksum},
	}
	for _, tt := range tests {
		r.sim.SetFault(tt.fault)
		if _, err := r.reader.ReadCard(ctx); !errors.Is(err, tt.want) {
			t.Errorf("fault %d: err = %v, want %v", tt.fault, err, tt.want)
		}
		r.sim.SetFault(sim.FaultNone)
		transport.Drain(r.port, 1<<16) // what a torn or late answer left behind
	}
	r.sim.SetFault(sim.FaultReadFails)
	if _, err := r.reader.ReadCard(ctx); !errors.As(err, &se) || se.Code() != idcard.SWReadFailed {
		t.Errorf("card moved mid-read: %v", err)
	}
	// Noise between frames is skipped, counted, and the read succeeds.
	r.sim.SetFault(sim.FaultNoise)
	before := r.reader.Skipped
	if id, err := r.reader.ReadCard(ctx); err != nil || id.Name != "赵一诺" || r.reader.Skipped <= before {
		t.Errorf("noisy line: %v, skipped %d", err, r.reader.Skipped-before)
	}
	r.sim.SetFault(sim.FaultNone)
	if id, err := r.reader.ReadCard(ctx); err != nil || id.Name != "赵一诺" {
		t.Errorf("after the faults: %v", err)
	}
}

func TestSAMIDAndReset(t *testing.T) {
	r := newRig(t, 115200)
	ctx := context.Background()
	id, err := r.reader.SAMID(ctx)
	if err != nil || id != "05.01-20135310-0123456789-1234567890" {
		t.Errorf("SAMID = %q, %v", id, err)
	}
	if err := r.reader.Reset(ctx); err != nil {
		t.Error(err)
	}
}

// The recorded traffic of a full read (find, select, read) replays against
// the driver byte for byte: the driver's frames must not drift.
func TestReplayRecordedRead(t *testing.T) {
	const file = "testdata/replay/resident-young.json"
	if *update {
		r := newRig(t, 115200)
		rec := &transporttest.Recorder{Port: r.port}
		r.sim.Place(card(t, "resident-young"))
		rd := idcard.New(rec, idcard.Options{Clock: kiosk.NewManualClock(now)})
		if _, err := rd.ReadCard(context.Background()); err != nil {
			t.Fatal(err)
		}
		if err := transporttest.Save(file, "find, select, read base of the resident-young fixture card, recorded from the simulator", rec.Ops); err != nil {
			t.Fatal(err)
		}
	}
	pb, err := transporttest.Load(file)
	if err != nil {
		t.Fatal(err)
	}
	rd := idcard.New(pb, idcard.Options{Clock: kiosk.NewManualClock(now)})
	id, err := rd.ReadCard(context.Background())
	if err != nil || id.IDNumber != "339900199507214564" || id.Address != "清河市白石镇新村路16号" {
		t.Fatalf("replay: %+v, %v", id, err)
	}
	if err := pb.Close(); err != nil {
		t.Error(err)
	}
}

func TestFindCommandBytes(t *testing.T) {
	got := idcard.EncodeCommand(idcard.CmdFind, nil)
	want := []byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x03, 0x20, 0x01, 0x22}
	if string(got) != string(want) {
		t.Errorf("find = % x, want % x", got, want)
	}
	// The published "read failed" answer: AA AA AA 96 69 00 04 00 00 41 45.
	body, err := idcard.DecodeFrame([]byte{0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00, 0x04, 0x00, 0x00, 0x41, 0x45})
	if err != nil || body[2] != idcard.SWReadFailed {
		t.Errorf("decode published frame: % x, %v", body, err)
	}
}

// TestLateAnswerNotTakenForTheNext: a SAM that answers after the driver
// gave up (a loaded machine, a slow module) must not shift every later
// answer by one. The soak found this: one late "find" answer (SW 9F) was
// read as the answer to "select", and every command after it got the
// previous one's answer.
func TestLateAnswerNotTakenForTheNext(t *testing.T) {
	r := newRig(t, 115200)
	r.sim.Place(card(t, "resident-young"))
	r.sim.SetDelay(700 * time.Millisecond) // the command timeout is 500 ms
	ctx := context.Background()
	if err := r.reader.Find(ctx); !errors.Is(err, idcard.ErrMute) {
		t.Fatalf("find with a slow SAM: %v, want ErrMute", err)
	}
	r.sim.SetDelay(0)
	if err := r.reader.Select(ctx); err != nil {
		t.Fatalf("select after a late answer: %v", err)
	}
	if _, _, err := r.reader.ReadBase(ctx); err != nil {
		t.Fatalf("read after a late answer: %v", err)
	}
}

// TestAnswerLaterThanTheSettleIsRecovered: an answer later still than the
// quiet period the driver waits for after a failed command arrives in the
// next command's exchange. The 200-terminal soak found a terminal stuck for
// good that way: "select" got find's 9F, then "find" got select's 90 (a
// success for find), then "select" got find's 9F again, every cycle, without
// a timeout to notice. An answer that belongs to another command must put
// the driver back in step.
func TestAnswerLaterThanTheSettleIsRecovered(t *testing.T) {
	r := newRig(t, 115200)
	r.sim.Place(card(t, "resident-young"))
	r.sim.SetDelay(1200 * time.Millisecond) // past the timeout and the 500 ms settle after it
	ctx := context.Background()
	if err := r.reader.Find(ctx); !errors.Is(err, idcard.ErrMute) {
		t.Fatalf("find with a slow SAM: %v, want ErrMute", err)
	}
	r.sim.SetDelay(0)
	var last error
	for cycle := 0; cycle < 4; cycle++ {
		if last = r.reader.Find(ctx); last != nil {
			continue
		}
		if last = r.reader.Select(ctx); last != nil {
			continue
		}
		if _, _, last = r.reader.ReadBase(ctx); last == nil {
			return // back in step
		}
	}
	t.Fatalf("still out of step after 4 read cycles: %v", last)
}
