package search_test

import (
	"os"
	"sync"
	"testing"

	"govkiosk/kiosk"
	"govkiosk/kiosk/search"
)

func fixture(t testing.TB) *kiosk.Catalog {
	t.Helper()
	data, err := os.ReadFile("../testdata/catalog/valid.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := kiosk.ParseCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestSearch(t *testing.T) {
	ix := search.New(fixture(t))
	tests := []struct {
		q     string
		first string // item code of the best hit; "" for no hits
		match search.Match
	}{
		{"社会保险参保缴费证明打印", "339900-RS-GG-0001", search.MatchName},
		{"社会保险", "339900-RS-GG-0001", search.MatchName},
		{"参保缴费", "339900-RS-GG-0001", search.MatchName},
		{"社保证明", "339900-RS-GG-0001", search.MatchAlias},
		{"结婚", "339900-MZ-GG-0001", search.MatchAlias},
		{"合影照片", "339900-MZ-GG-0001", search.MatchGuide},
		{"sbcb", "339900-RS-GG-0001", search.MatchAlias},
		{"shbx", "339900-RS-GG-0001", search.MatchInitials},
		{"SHEHUI", "339900-RS-GG-0001", search.MatchPinyin},
		{"she hui bao", "339900-RS-GG-0001", search.MatchPinyin},
		{"baoxian", "339900-RS-GG-0001", search.MatchPinyin},
		{"hunyin", "339900-MZ-GG-0001", search.MatchPinyin},
		{"shiye", "339900-RS-QR-0002", search.MatchPinyin},
		{"marriage", "339900-MZ-GG-0001", search.MatchEnglish},
		{"unemployment registration", "339900-RS-QR-0002", search.MatchEnglish},
		{"aox", "", search.MatchNone}, // crosses syllables: bAO Xian
		{"不存在的事项", "", search.MatchNone},
		{"   ", "", search.MatchNone},
	}
	for _, tt := range tests {
		res := ix.Search(tt.q, 10)
		if tt.first == "" {
			if len(res) != 0 {
				t.Errorf("Search(%q) = %s…, want nothing", tt.q, res[0].Item.Code)
			}
			continue
		}
		if len(res) == 0 {
			t.Errorf("Search(%q) found nothing, want %s", tt.q, tt.first)
			continue
		}
		if res[0].Item.Code != tt.first || res[0].Match != tt.match {
			t.Errorf("Search(%q) best = %s by %s, want %s by %s", tt.q, res[0].Item.Code, res[0].Match, tt.first, tt.match)
		}
	}
}

// A name match must outrank an alias match, which must outrank the guide.
func TestSearchRanking(t *testing.T) {
	ix := search.New(fixture(t))
	res := ix.Search("登记", 10)
	if len(res) < 2 {
		t.Fatalf("got %d results", len(res))
	}
	for i := 1; i < len(res); i++ {
		if res[i].Score > res[i-1].Score {
			t.Errorf("results out of order at %d: %d > %d", i, res[i].Score, res[i-1].Score)
		}
	}
	if res[0].Item.Code != "339900-RS-QR-0002" && res[0].Item.Code != "339900-MZ-GG-0001" {
		t.Errorf("best for 登记 = %s", res[0].Item.Code)
	}
	if got := ix.Search("证明", 1); len(got) != 1 {
		t.Errorf("limit not applied: %d", len(got))
	}
}

func TestSearchPolyphone(t *testing.T) {
	c := fixture(t)
	c.Items[2].Name.ZH = "银行账户变更"
	ix := search.New(c)
	for _, q := range []string{"yinhang", "yhzh"} {
		if res := ix.Search(q, 1); len(res) == 0 || res[0].Item.Code != "339900-RS-QR-0002" {
			t.Errorf("Search(%q) misses 银行", q)
		}
	}
}

// The index is built on first use: queries racing the build (a citizen
// typing while warmUp prepares it) all wait for the whole index and get
// the same answers as queries after Prepare.
func TestSearchBuildsOnceUnderConcurrentUse(t *testing.T) {
	want := search.New(fixture(t))
	want.Prepare()
	ix := search.New(fixture(t))
	var wg sync.WaitGroup
	for _, q := range []string{"sbcb", "登记", "shebao", "证明", "sb"} {
		wg.Add(2)
		go func() { defer wg.Done(); ix.Prepare() }()
		go func() {
			defer wg.Done()
			got, exp := ix.Search(q, 10), want.Search(q, 10)
			if len(got) != len(exp) {
				t.Errorf("Search(%q) during the build: %d results, want %d", q, len(got), len(exp))
				return
			}
			for i := range got {
				if got[i].Item.Code != exp[i].Item.Code {
					t.Errorf("Search(%q)[%d] during the build = %s, want %s", q, i, got[i].Item.Code, exp[i].Item.Code)
				}
			}
		}()
	}
	wg.Wait()
}
