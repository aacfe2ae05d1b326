package ime

import (
	"bytes"
	"compress/gzip"
	"errors"
	"slices"
	"strings"
	"testing"

	"govkiosk/assets"
)

// gz packs a dictionary text as the asset packs it.
func gz(t testing.TB, text string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const tinyDict = "govkiosk-ime 1\tkeys=4\tentries=5\tsource=test\n" +
	"she\t社 100\t设 90\n" +
	"she bao\t社保 50\n" +
	"xi\t西 80\n" +
	"xi an\t西安 40\n"

func TestEmbeddedDictionaryLoads(t *testing.T) {
	d := Default()
	if d.Len() < 60000 {
		t.Errorf("embedded dictionary has %d words; want the whole of pinyin_simp (65,000)", d.Len())
	}
	if !strings.HasPrefix(d.Source(), "rime-data-pinyin-simp ") {
		t.Errorf("Source() = %q; want the Debian package and version", d.Source())
	}
	if Default() != d {
		t.Error("Default() loaded the dictionary twice")
	}
}

func TestLoadReadsTheDocumentedFormat(t *testing.T) {
	d, err := Load(gz(t, tinyDict))
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 5 || d.Source() != "test" {
		t.Errorf("Len, Source = %d, %q; want 5, test", d.Len(), d.Source())
	}
	got := d.Candidates("shebao", 0)
	want := []Candidate{{"社保", "she bao", 6}, {"社", "she", 3}, {"设", "she", 3}}
	if !slices.Equal(got, want) {
		t.Errorf("Candidates(shebao) = %v; want %v", got, want)
	}
}

func TestLoadRejectsCorruptData(t *testing.T) {
	real := assets.PinyinDict
	flipped := bytes.Clone(real)
	flipped[len(flipped)/2] ^= 0x40
	header := "govkiosk-ime 1\tkeys=1\tentries=1\n"
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"not gzip", []byte(tinyDict)},
		{"truncated asset", real[:len(real)/2]},
		{"asset with a flipped bit", flipped},
		{"asset without its checksum", real[:len(real)-8]},
		{"wrong magic", gz(t, strings.Replace(tinyDict, "govkiosk-ime 1", "govkiosk-ime 2", 1))},
		{"no header", gz(t, "")},
		{"no counts", gz(t, "govkiosk-ime 1\n")},
		{"count too large to allocate", gz(t, "govkiosk-ime 1\tkeys=99999999999\tentries=1\n")},
		{"negative count", gz(t, "govkiosk-ime 1\tkeys=-1\tentries=1\n")},
		{"fewer lines than the header says", gz(t, strings.Replace(tinyDict, "keys=4", "keys=5", 1))},
		{"fewer words than the header says", gz(t, strings.Replace(tinyDict, "entries=5", "entries=6", 1))},
		{"unknown syllable", gz(t, header+"sheb\t社 1\n")},
		{"alias spelling", gz(t, header+"lve\t略 1\n")},
		{"empty syllable", gz(t, header+"she  bao\t社保 1\n")},
		{"five syllables", gz(t, header+"a a a a a\t啊啊啊啊啊 1\n")},
		{"keys out of order", gz(t, strings.Replace(tinyDict, "she\t社 100\t设 90\nshe bao\t社保 50\n", "she bao\t社保 50\nshe\t社 100\t设 90\n", 1))},
		{"key twice", gz(t, "govkiosk-ime 1\tkeys=2\tentries=2\nshe\t社 1\nshe\t设 1\n")},
		{"weights out of order", gz(t, strings.Replace(tinyDict, "社 100\t设 90", "社 90\t设 100", 1))},
		{"weight not a number", gz(t, header+"she\t社 lots\n")},
		{"weight over 32 bits", gz(t, header+"she\t社 4294967296\n")},
		{"no weight", gz(t, header+"she\t社\n")},
		{"no words", gz(t, header+"she\n")},
		{"word longer than its key", gz(t, header+"she\t社保 1\n")},
		{"word not UTF-8", gz(t, header+"she\t\xff 1\n")},
		{"word with a space", gz(t, header+"she bao\t社  1\n")},
		{"no final newline", gz(t, strings.TrimSuffix(tinyDict, "\n"))},
		{"empty line", gz(t, tinyDict+"\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Load(tt.data)
			if err == nil {
				t.Fatalf("Load succeeded with %v", d)
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("error %q does not wrap ErrCorrupt", err)
			}
			if !strings.HasPrefix(err.Error(), "ime: ") {
				t.Errorf("error %q does not name the package", err)
			}
		})
	}
}
