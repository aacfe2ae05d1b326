package hall

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"govkiosk/kiosk"
)

// prepareCatalog turns a catalogue document into the signed version-th
// version: the "version" field is set, the document is re-encoded compactly
// with keys in order, validated with kiosk.ParseCatalog exactly as
// terminals will parse it, hashed and signed. The result's Doc is what
// GET /v1/catalog/{version} serves, byte for byte.
func (s *Server) prepareCatalog(doc []byte, version int64) (CatalogVersion, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(doc, &fields); err != nil || fields == nil {
		if _, perr := kiosk.ParseCatalog(doc); perr != nil {
			return CatalogVersion{}, perr
		}
		return CatalogVersion{}, fmt.Errorf("catalogue is not a JSON object")
	}
	fields["version"] = json.RawMessage(fmt.Sprint(version))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fields); err != nil {
		return CatalogVersion{}, fmt.Errorf("encode catalogue: %w", err)
	}
	out := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
	cat, err := kiosk.ParseCatalog(out)
	if err != nil {
		return CatalogVersion{}, err
	}
	sum := sha256.Sum256(out)
	v := CatalogVersion{
		Version:     version,
		Doc:         out,
		SHA256:      hex.EncodeToString(sum[:]),
		Signature:   ed25519.Sign(s.keys.Signing, out),
		PublishedAt: s.cfg.Clock.Now(),
	}
	for _, it := range cat.Items {
		v.ItemCodes = append(v.ItemCodes, it.Code)
	}
	return v, nil
}

// Publish validates doc, gives it the next version number, signs it and
// stores it; terminals pick it up from the manifest. The "version" in doc is
// ignored. An invalid catalogue returns the *kiosk.CatalogError naming every
// problem, and nothing is published.
func (s *Server) Publish(ctx context.Context, doc []byte) (CatalogVersion, error) {
	// Another admin or hall instance may take the number between reading
	// the latest version and storing ours; PutCatalog refuses to overwrite,
	// and we sign again with the next number.
	for attempt := 0; attempt < 5; attempt++ {
		latest, err := s.store.LatestCatalog(ctx)
		if err != nil {
			return CatalogVersion{}, fmt.Errorf("publish: %w", err)
		}
		v, err := s.prepareCatalog(doc, latest.Version+1)
		if err != nil {
			return CatalogVersion{}, err
		}
		err = s.store.PutCatalog(ctx, v)
		if errors.Is(err, ErrVersionExists) {
			continue
		}
		if err != nil {
			return CatalogVersion{}, fmt.Errorf("publish: %w", err)
		}
		s.noteVersion(v.Version)
		for _, code := range v.ItemCodes {
			s.items.Store(code, true)
		}
		s.log.Info("catalogue published", "version", v.Version, "items", len(v.ItemCodes), "sha256", v.SHA256)
		return v, nil
	}
	return CatalogVersion{}, errors.New("publish: other publishers kept taking the next version; try again")
}

func (s *Server) noteVersion(v int64) {
	for {
		cur := s.latestVersion.Load()
		if v <= cur || s.latestVersion.CompareAndSwap(cur, v) {
			return
		}
	}
}

// versionKnown reports whether version has been published, asking the
// store only for versions newer than any seen: versions only grow, and
// "hall admin publish" runs in another process.
func (s *Server) versionKnown(ctx context.Context, version int64) (bool, error) {
	if version < 1 {
		return false, nil
	}
	if version <= s.latestVersion.Load() {
		return true, nil
	}
	latest, err := s.store.LatestCatalog(ctx)
	if err != nil {
		return false, err
	}
	s.noteVersion(latest.Version)
	return version <= latest.Version, nil
}

// itemKnown reports whether any published version has the item code. Only
// known codes are cached: a code published later by another process is
// found in the store.
func (s *Server) itemKnown(ctx context.Context, code string) (bool, error) {
	if _, ok := s.items.Load(code); ok {
		return true, nil
	}
	ok, err := s.store.ItemKnown(ctx, code)
	if ok {
		s.items.Store(code, true)
	}
	return ok, err
}
