package ime

import (
	"errors"
	"testing"
)

// FuzzLoad feeds Load damaged dictionaries: it must answer with an error
// wrapping ErrCorrupt, never panic, and a dictionary it accepts must answer
// queries. Each input is tried as it is and gzip'd, so that mutations of
// plain text reach the parser past gzip's checksum. Seeds are in
// testdata/fuzz/FuzzLoad, valid and broken.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(tinyDict))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, data := range [][]byte{data, gz(t, string(data))} {
			d, err := Load(data)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %q does not wrap ErrCorrupt", err)
				}
				continue
			}
			for _, in := range []string{"shebao", "xian", "sbcb", "a", "zhuangzhuangzhuang"} {
				for _, c := range d.Candidates(in, 0) {
					if c.Consumed <= 0 || c.Consumed > len(in) || c.Text == "" {
						t.Fatalf("Candidates(%q) offers %+v", in, c)
					}
				}
			}
		}
	})
}
