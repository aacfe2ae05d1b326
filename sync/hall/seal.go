package hall

import (
	"crypto/ecdh"
	"fmt"

	"golang.org/x/crypto/blake2b"
	"golang.org/x/crypto/nacl/box"
	"golang.org/x/crypto/nacl/secretbox"
	"golang.org/x/crypto/salsa20/salsa"
)

// opener opens sealed boxes (libsodium's crypto_box_seal, what terminals
// make with box.SealAnonymous) addressed to the hall's seal key.
//
// It does what box.OpenAnonymous does, with the private key parsed once:
// box.OpenAnonymous goes through curve25519.X25519, which parses the private
// key with crypto/ecdh on every call and so computes its public key again —
// a second scalar multiplication on the hall's hottest path, half of the
// CPU time of ingest. TestOpenerMatchesOpenAnonymous and
// FuzzOpenSealed hold the two to the same answers.
type opener struct {
	priv *ecdh.PrivateKey
	pub  [32]byte
}

func newOpener(k *secretKeys) (*opener, error) {
	priv, err := ecdh.X25519().NewPrivateKey(k.SealPrivate[:])
	if err != nil {
		return nil, fmt.Errorf("seal key: %w", err)
	}
	return &opener{priv: priv, pub: k.SealPublic}, nil
}

var hsalsaZeros [16]byte

// open returns the plaintext of a sealed box, or false if it does not open.
// It is stricter than box.OpenAnonymous in one case: an ephemeral key of
// low order, which makes the shared key all zero (and the box readable by
// anyone), is refused.
func (o *opener) open(sealed []byte) ([]byte, bool) {
	if len(sealed) < box.AnonymousOverhead {
		return nil, false
	}
	ephemeral, err := ecdh.X25519().NewPublicKey(sealed[:32])
	if err != nil {
		return nil, false
	}
	shared, err := o.priv.ECDH(ephemeral)
	if err != nil {
		return nil, false
	}
	var key [32]byte
	copy(key[:], shared)
	salsa.HSalsa20(&key, &hsalsaZeros, &key, &salsa.Sigma)

	// The nonce is blake2b-192(ephemeral public key ‖ recipient public key).
	h, err := blake2b.New(24, nil)
	if err != nil {
		return nil, false
	}
	h.Write(sealed[:32])
	h.Write(o.pub[:])
	var nonce [24]byte
	copy(nonce[:], h.Sum(nil))
	return secretbox.Open(nil, sealed[32:], &nonce, &key)
}
