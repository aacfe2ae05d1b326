package client_test

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"testing"

	"govkiosk/sync/client"
)

func mustKey(t *testing.T, c *client.Credentials) ed25519.PublicKey {
	k, err := base64.StdEncoding.DecodeString(c.CatalogKey)
	if err != nil {
		t.Fatal(err)
	}
	return ed25519.PublicKey(k)
}

func sha256Of(b []byte) []byte { s := sha256.Sum256(b); return s[:] }
