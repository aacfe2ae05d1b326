package syllable

import "testing"

func TestTableHasEveryStandardSyllable(t *testing.T) {
	// 400-odd syllables of standard Mandarin, plus interjections and the rare
	// readings the dictionary uses.
	if n := Count(); n < 400 || n > 430 {
		t.Fatalf("table has %d syllables; want 400-430", n)
	}
	for _, s := range []string{"a", "zhuang", "lv", "nv", "lue", "nue", "xian", "er", "ng", "jiong", "rua"} {
		if !IsCanonical(s) {
			t.Errorf("%q missing", s)
		}
	}
	for _, s := range []string{"", "i", "u", "v", "zh", "xa", "lve", "jv", "shebao"} {
		if IsCanonical(s) {
			t.Errorf("%q should not be a syllable", s)
		}
	}
}

func TestAliasesMapToTheDictionarySpelling(t *testing.T) {
	for alias, want := range map[string]string{"lve": "lue", "nve": "nue"} {
		id, ok := ID(alias)
		if !ok || String(id) != want {
			t.Errorf("ID(%q) = %v, %v; want %q", alias, id, ok, want)
		}
	}
}

func TestPrefixRangeIsExactlyTheSyllablesWithThatPrefix(t *testing.T) {
	tests := []struct {
		prefix string
		want   []string
	}{
		{"xia", []string{"xia", "xian", "xiang", "xiao"}},
		{"lv", []string{"lv"}},
		{"zhuan", []string{"zhuan", "zhuang"}},
		{"q", nil}, // checked by count below
		{"i", []string{}},
		{"xa", []string{}},
	}
	for _, tt := range tests {
		lo, hi := PrefixRange(tt.prefix)
		if tt.want == nil {
			if hi-lo != 14 {
				t.Errorf("PrefixRange(%q) has %d syllables; want 14", tt.prefix, hi-lo)
			}
			continue
		}
		var got []string
		for id := lo; id < hi; id++ {
			got = append(got, String(id))
		}
		if len(got) != len(tt.want) {
			t.Errorf("PrefixRange(%q) = %v; want %v", tt.prefix, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("PrefixRange(%q) = %v; want %v", tt.prefix, got, tt.want)
				break
			}
		}
	}
}
