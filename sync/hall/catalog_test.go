package hall

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"govkiosk/assets"
	"govkiosk/kiosk"
)

// fetchVerified gets the manifest and the version it names and checks both
// as a terminal does: the hash and the signature with the catalog_key from
// enrolment.
func fetchVerified(t *testing.T, tm *terminal) (manifestResponse, []byte) {
	t.Helper()
	status, _, body := tm.get("/v1/catalog/manifest", nil)
	if status != http.StatusOK {
		t.Fatalf("manifest: %d %s", status, body)
	}
	var m manifestResponse
	mustUnmarshal(t, body, &m)
	status, hdr, doc := tm.get("/v1/catalog/"+strconv.FormatInt(m.Version, 10), nil)
	if status != http.StatusOK {
		t.Fatalf("catalogue %d: %d %s", m.Version, status, doc)
	}
	sum := sha256.Sum256(doc)
	if hex.EncodeToString(sum[:]) != m.SHA256 {
		t.Errorf("sha256 of the served bytes %x, manifest says %s", sum, m.SHA256)
	}
	if hdr.Get("ETag") != `"`+m.SHA256+`"` {
		t.Errorf("ETag %q, want the quoted sha256", hdr.Get("ETag"))
	}
	sig, err := base64.StdEncoding.DecodeString(m.Signature)
	if err != nil || !ed25519.Verify(ed25519.PublicKey(tm.catalogKey), doc, sig) {
		t.Errorf("signature does not verify with the enrolment catalog_key (%v)", err)
	}
	cat, err := kiosk.ParseCatalog(doc)
	if err != nil {
		t.Fatalf("served catalogue does not parse: %v", err)
	}
	if cat.Version != m.Version {
		t.Errorf("document version %d, manifest %d", cat.Version, m.Version)
	}
	return m, doc
}

func TestNewHallPublishesSampleCatalogAsVersion1(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	m, doc := fetchVerified(t, tm)
	if m.Version != 1 {
		t.Fatalf("version %d, want 1", m.Version)
	}
	sample, _ := kiosk.ParseCatalog(assets.SampleCatalog)
	served, _ := kiosk.ParseCatalog(doc)
	if len(served.Items) != len(sample.Items) || len(served.Documents) != len(sample.Documents) {
		t.Errorf("served %d items, %d documents; sample has %d, %d", len(served.Items), len(served.Documents), len(sample.Items), len(sample.Documents))
	}
}

func TestCatalogETagAnswers304(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	m, _ := fetchVerified(t, tm)
	etag := `"` + m.SHA256 + `"`
	for _, path := range []string{"/v1/catalog/1", "/v1/catalog/manifest"} {
		for _, inm := range []string{etag, `W/` + etag, `"other", ` + etag} {
			status, _, body := tm.get(path, http.Header{"If-None-Match": {inm}})
			if status != http.StatusNotModified || len(body) != 0 {
				t.Errorf("%s If-None-Match %s: %d with %d bytes, want 304 and no body", path, inm, status, len(body))
			}
		}
		if status, _, _ := tm.get(path, http.Header{"If-None-Match": {`"stale"`}}); status != http.StatusOK {
			t.Errorf("%s with a stale ETag: %d, want 200", path, status)
		}
	}
	for _, path := range []string{"/v1/catalog/2", "/v1/catalog/0", "/v1/catalog/latest", "/v1/catalog/-1"} {
		if status, _, body := tm.get(path, nil); status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", path, status)
		} else {
			errorOf(t, body)
		}
	}
}

func TestPublishMakesNextImmutableVersion(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	_, v1 := fetchVerified(t, tm)

	// The admin's file says version 7 and adds an item; the hall numbers it.
	var doc map[string]any
	if err := json.Unmarshal(assets.SampleCatalog, &doc); err != nil {
		t.Fatal(err)
	}
	doc["version"] = 7
	items := doc["items"].([]any)
	item := cloneJSON(t, items[0]).(map[string]any)
	item["code"] = "339900-GA-GG-9001"
	doc["items"] = append(items, item)
	file, _ := json.MarshalIndent(doc, "", "  ")
	v, err := h.Publish(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	if v.Version != 2 {
		t.Fatalf("published version %d, want 2", v.Version)
	}
	m, v2 := fetchVerified(t, tm)
	if m.Version != 2 || !bytes.Contains(v2, []byte(`"version":2`)) {
		t.Errorf("manifest version %d, doc version field: %v", m.Version, bytes.Contains(v2, []byte(`"version":2`)))
	}
	if status, _, again := tm.get("/v1/catalog/1", nil); status != http.StatusOK || !bytes.Equal(again, v1) {
		t.Error("version 1 changed after publishing version 2")
	}
	// A case may now use the new item.
	c := tm.newCase(100)
	c.ItemCode, c.CatalogVersion = "339900-GA-GG-9001", 2
	if rs := tm.upload(c); rs[0].Result != ResultApplied {
		t.Errorf("case with the newly published item: %+v", rs[0])
	}
}

func TestPublishRefusesInvalidCatalog(t *testing.T) {
	h := newTestHall(t)
	for _, doc := range []string{
		`{"version":1,"items":[]}`,
		`[1,2,3]`,
		`{"items":`,
		strings.Replace(string(assets.SampleCatalog), `"departments"`, `"departmentz"`, 1),
	} {
		_, err := h.Publish(context.Background(), []byte(doc))
		var ce *kiosk.CatalogError
		if !errors.As(err, &ce) {
			t.Errorf("publish %.30q: error %v, want a *kiosk.CatalogError", doc, err)
		}
	}
	if v, err := h.Store().LatestCatalog(context.Background()); err != nil || v.Version != 1 {
		t.Errorf("latest version %d after refused publishes, want 1 (%v)", v.Version, err)
	}
}

func TestPublishFromAnotherProcessIsSeen(t *testing.T) {
	// "hall admin publish" opens the same file while the hall serves.
	h := newTestHall(t)
	tm := h.enroll("T")
	admin, err := Open(context.Background(), Config{DB: h.db, Logger: quietLogger()})
	if err != nil {
		t.Fatal(err)
	}
	doc := strings.Replace(string(assets.SampleCatalog), `"339900-GA-GG-0001"`, `"339900-GA-GG-0999"`, 1)
	if _, err := admin.Publish(context.Background(), []byte(doc)); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	if m, _ := fetchVerified(t, tm); m.Version != 2 {
		t.Errorf("manifest version %d, want 2", m.Version)
	}
	c := tm.newCase(100)
	c.ItemCode, c.CatalogVersion = "339900-GA-GG-0999", 2
	if rs := tm.upload(c); rs[0].Result != ResultApplied {
		t.Errorf("case with an item published by another process: %+v", rs[0])
	}
}

func cloneJSON(t *testing.T, v any) any {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestCatalogServedGzipped: a terminal that accepts gzip gets the document
// compressed, and what it unpacks is exactly the signed bytes; one that
// asks for a range gets the plain bytes it can resume.
func TestCatalogServedGzipped(t *testing.T) {
	h := newTestHall(t)
	tm := h.enroll("T")
	_, doc := fetchVerified(t, tm)
	req, _ := http.NewRequest(http.MethodGet, h.http.URL+"/v1/catalog/1", nil)
	req.Header.Set("Authorization", "Bearer "+tm.token)
	req.Header.Set("Accept-Encoding", "gzip") // set by hand: the transport leaves the body compressed
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("status %d, Content-Encoding %q; want 200 gzip", resp.StatusCode, resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(plain, doc) {
		t.Fatal("the gzipped document does not unpack to the signed bytes")
	}
	if len(raw)*2 > len(doc) {
		t.Errorf("compressed %d bytes to %d; want at least half saved", len(doc), len(raw))
	}
	if status, _, _ := tm.get("/v1/catalog/1", http.Header{"If-None-Match": {resp.Header.Get("ETag")}}); status != http.StatusNotModified {
		t.Errorf("If-None-Match with the gzip ETag: %d, want 304", status)
	}
	if status, _, part := tm.get("/v1/catalog/1", http.Header{"Range": {"bytes=0-9"}}); status != http.StatusPartialContent || !bytes.Equal(part, doc[:10]) {
		t.Errorf("range request: %d %q, want 206 with the plain document's first bytes", status, part)
	}
}
