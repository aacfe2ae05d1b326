package hall

import (
	"bytes"
	"crypto/rand"
	"testing"

	"golang.org/x/crypto/nacl/box"
)

func testOpener(t testing.TB) (*opener, *[32]byte, *[32]byte) {
	t.Helper()
	pub, priv, err := box.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	o, err := newOpener(&secretKeys{SealPublic: *pub, SealPrivate: *priv})
	if err != nil {
		t.Fatal(err)
	}
	return o, pub, priv
}

func TestOpenerMatchesOpenAnonymous(t *testing.T) {
	o, pub, priv := testOpener(t)
	for _, msg := range [][]byte{nil, []byte("{}"), payload(2000), bytes.Repeat([]byte{0}, 70000)} {
		sealed, err := box.SealAnonymous(nil, msg, pub, rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := o.open(sealed)
		want, wantOK := box.OpenAnonymous(nil, sealed, pub, priv)
		if !ok || !wantOK || !bytes.Equal(got, want) || !bytes.Equal(got, msg) {
			t.Errorf("%d-byte message: opener %v, OpenAnonymous %v", len(msg), ok, wantOK)
		}
		// Any flipped bit anywhere makes both refuse.
		for _, i := range []int{0, 31, 32, 47, 48, len(sealed) - 1} {
			if i >= len(sealed) {
				continue
			}
			bad := bytes.Clone(sealed)
			bad[i] ^= 1
			if _, ok := o.open(bad); ok {
				t.Errorf("%d-byte message with bit flipped at %d opened", len(msg), i)
			}
		}
	}
	if _, ok := o.open(make([]byte, box.AnonymousOverhead-1)); ok {
		t.Error("short box opened")
	}
	// Sealed to another key.
	otherPub, _, _ := box.GenerateKey(rand.Reader)
	sealed, _ := box.SealAnonymous(nil, []byte("{}"), otherPub, rand.Reader)
	if _, ok := o.open(sealed); ok {
		t.Error("box sealed to another key opened")
	}
}

// FuzzOpenSealed holds the hall's opener to box.OpenAnonymous on arbitrary
// bytes: whatever one opens, the other opens to the same plaintext. The one
// allowed difference is an ephemeral key of low order, which the opener
// refuses.
func FuzzOpenSealed(f *testing.F) {
	o, pub, priv := testOpener(f)
	sealed, _ := box.SealAnonymous(nil, []byte(`{"name":"张三"}`), pub, rand.Reader)
	f.Add(sealed)
	f.Add(make([]byte, 48))
	f.Fuzz(func(t *testing.T, data []byte) {
		got, ok := o.open(data)
		want, wantOK := box.OpenAnonymous(nil, data, pub, priv)
		if ok && (!wantOK || !bytes.Equal(got, want)) {
			t.Fatalf("opener opened what OpenAnonymous did not, or differently")
		}
		if wantOK && !ok {
			t.Logf("OpenAnonymous opened a box the opener refused (low-order ephemeral key %x)", data[:32])
		}
	})
}
