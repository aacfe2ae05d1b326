package kiosk_test

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"govkiosk/assets"
	"govkiosk/kiosk"
	"govkiosk/kiosk/kiosktest"
)

func TestSnapshotRoundTrip(t *testing.T) {
	base, err := kiosk.ParseCatalog(assets.SampleCatalog)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []*kiosk.Catalog{base, kiosktest.Synthetic(base, 7, 3)} {
		snap, err := c.MarshalSnapshot()
		if err != nil {
			t.Fatal(err)
		}
		got, err := kiosk.UnmarshalSnapshot(snap)
		if err != nil {
			t.Fatal(err)
		}
		// gob decodes an empty slice as nil, which means the same here.
		if diff := cmp.Diff(c, got, cmpopts.EquateEmpty(), cmpopts.IgnoreUnexported(kiosk.Catalog{})); diff != "" {
			t.Fatalf("snapshot does not round-trip (-want +got):\n%s", diff)
		}
		if it := got.Item(c.Items[len(c.Items)-1].Code); it == nil {
			t.Error("index not rebuilt")
		}
		// Every truncation of a snapshot is refused, never a panic.
		for n := 0; n < len(snap); n += 1 + n/50 {
			if _, err := kiosk.UnmarshalSnapshot(snap[:n]); !errors.Is(err, kiosk.ErrSnapshotFormat) {
				t.Fatalf("snapshot cut at %d: err = %v", n, err)
			}
		}
		for _, bad := range [][]byte{nil, {0}, snap[:len(snap)/2], append([]byte{99}, snap[1:]...)} {
			if _, err := kiosk.UnmarshalSnapshot(bad); err == nil {
				t.Errorf("bad snapshot of %d bytes accepted", len(bad))
			} else if len(bad) < 2 && !errors.Is(err, kiosk.ErrSnapshotFormat) {
				t.Errorf("err = %v", err)
			}
		}
	}
}
