package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"govkiosk/kiosk"
	"govkiosk/kiosk/store"
)

func fixtureDoc(t testing.TB, version int64) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/catalog/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	m["version"] = version
	out, _ := json.Marshal(m)
	return out
}

func TestInstallCatalogVersions(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	if _, err := s.ActiveCatalog(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("empty store: %v", err)
	}
	for _, v := range []int64{1, 2, 3} {
		if _, err := s.InstallCatalog(ctx, fixtureDoc(t, v)); err != nil {
			t.Fatal(err)
		}
	}
	cat, err := s.ActiveCatalog(ctx)
	if err != nil || cat.Version != 3 {
		t.Fatalf("active = %v, %v", cat, err)
	}
	list, _ := s.Catalogs(ctx)
	if len(list) != 2 || list[0].Version != 3 || list[0].State != "active" || list[1].Version != 2 || list[1].State != "previous" {
		t.Errorf("installed = %+v", list)
	}
	for _, v := range []int64{3, 2} {
		if _, err := s.InstallCatalog(ctx, fixtureDoc(t, v)); !errors.Is(err, store.ErrCatalogNotNewer) {
			t.Errorf("version %d over 3: %v", v, err)
		}
	}
	if err := s.RollbackCatalog(ctx); err != nil {
		t.Fatal(err)
	}
	if cat, _ := s.ActiveCatalog(ctx); cat.Version != 2 {
		t.Errorf("after rollback active = %d", cat.Version)
	}
	if err := s.RollbackCatalog(ctx); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second rollback: %v", err)
	}
}

// A broken catalogue installs nothing and leaves the active one in place.
func TestInstallBrokenCatalogKeepsActive(t *testing.T) {
	s, _ := openStore(t, store.Options{})
	ctx := context.Background()
	if _, err := s.InstallCatalog(ctx, fixtureDoc(t, 1)); err != nil {
		t.Fatal(err)
	}
	broken, err := os.ReadFile("../testdata/catalog/broken-flow-no-identify.json")
	if err != nil {
		t.Fatal(err)
	}
	var ce *kiosk.CatalogError
	if _, err := s.InstallCatalog(ctx, broken); !errors.As(err, &ce) {
		t.Fatalf("broken install: %v", err)
	}
	if cat, err := s.ActiveCatalog(ctx); err != nil || cat.Version != 1 {
		t.Errorf("active after broken install = %v, %v", cat, err)
	}
}
