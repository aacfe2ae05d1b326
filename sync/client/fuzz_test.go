package client_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"testing"

	"govkiosk/sync/client"
)

// FuzzVerifyCatalog: whatever manifest and bytes arrive, the verifier
// accepts only a document signed by the pinned key, and never panics.
func FuzzVerifyCatalog(f *testing.F) {
	pub, priv, _ := ed25519.GenerateKey(nil)
	doc := []byte(`{"version":1,"items":[{"code":"339900-RS-GG-0001"}]}`)
	sum := sha256.Sum256(doc)
	sig := base64.StdEncoding.EncodeToString(ed25519.Sign(priv, doc))
	f.Add(hex.EncodeToString(sum[:]), sig, doc)
	f.Add("", "", []byte{})
	f.Add("zz", "!!", []byte("{}"))
	f.Fuzz(func(t *testing.T, sha, signature string, body []byte) {
		err := client.VerifyCatalog(pub, client.Manifest{Version: 1, SHA256: sha, Signature: signature}, body)
		if err == nil {
			s, _ := base64.StdEncoding.DecodeString(signature)
			if !ed25519.Verify(pub, body, s) {
				t.Fatal("accepted a document the key did not sign")
			}
			return
		}
		if !errors.Is(err, client.ErrCatalogSignature) {
			t.Fatalf("untyped error %v", err)
		}
	})
}
